// The bell in the header on every screen: the unread count, live over the user channel, and
// a panel with the newest notifications.
import type { JSX } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { Icon } from '../../components/Icon'
import { t } from '../../i18n'
import { Link } from '../../lib/router'
import { useStore } from '../../lib/store'
import { unreadCount } from './api'
import { NotificationList } from './NotificationList'
import { channelOpen, startUserChannel, unread } from './userChannel'

export function Bell({ userId }: { userId: number }): JSX.Element {
  const count = useStore(unread)
  const live = useStore(channelOpen)
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const stop = startUserChannel()
    unreadCount()
      .then((answer) => unread.set(answer.unread))
      .catch(() => undefined) // the channel's first frame brings the count too
    return stop
  }, [userId])

  useEffect(() => {
    if (!open) return
    const close = (event: Event): void => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !root.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('pointerdown', close)
    document.addEventListener('keydown', close)
    return () => {
      document.removeEventListener('pointerdown', close)
      document.removeEventListener('keydown', close)
    }
  }, [open])

  const label = count > 0 ? t('notify.bellUnread', { count }) : t('notify.bell')
  return (
    <div class="bell" ref={root} data-testid="bell-area" data-state={live ? 'online' : 'offline'}>
      <button type="button" class="btn btn-quiet bell-button" aria-label={label} title={label} aria-expanded={open} data-testid="bell" onClick={() => setOpen(!open)}>
        <Icon name="bell" size={20} />
        {count > 0 && (
          <span class="bell-count" data-testid="bell-count" aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && (
        <div class="bell-panel" role="dialog" aria-label={t('notify.title')}>
          <h2 class="bell-title">{t('notify.title')}</h2>
          <NotificationList limit={10} onOpen={() => setOpen(false)} />
          <Link href="/notifications" onClick={() => setOpen(false)}>
            {t('notify.seeAll')}
          </Link>
        </div>
      )}
    </div>
  )
}
