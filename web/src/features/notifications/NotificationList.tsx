// The activity list: newest first, unread marked, each entry a link to what it is about
// (opening it marks it read); new ones appear live (the user channel's `latest`).
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { Loading, notifyError, useLoad } from '../../components/ui'
import { formatRelative, t } from '../../i18n'
import { navigate } from '../../lib/router'
import { useStore } from '../../lib/store'
import { listNotifications, markAllRead, markRead, type Notification } from './api'
import { notificationText } from './text'
import { latest, unread } from './userChannel'

interface Props {
  limit?: number
  /** Called after an entry was opened (the header panel closes). */
  onOpen?: () => void
}

export function NotificationList({ limit = 20, onOpen }: Props): JSX.Element {
  const fresh = useStore(latest)
  const page = useLoad(() => listNotifications(null, limit), [limit, fresh?.id])
  const [older, setOlder] = useState<Notification[]>([])
  const [next, setNext] = useState<number | null>(null)

  useEffect(() => {
    if (page.data) {
      unread.set(page.data.unread)
      setNext(page.data.next_before ?? null)
      setOlder([])
    }
  }, [page.data])

  const items = [...(page.data?.items ?? []), ...older]

  const open = (n: Notification): void => {
    const go = (): void => {
      onOpen?.()
      navigate(n.link)
    }
    if (n.read) {
      go()
      return
    }
    markRead(n.id)
      .then(() => page.patch((p) => ({ ...p, items: p.items.map((i) => (i.id === n.id ? { ...i, read: true } : i)) })))
      .catch(notifyError)
      .finally(go)
  }

  const loadOlder = (): void => {
    if (next === null) return
    listNotifications(next, limit)
      .then((more) => {
        setOlder((had) => [...had, ...more.items])
        setNext(more.next_before ?? null)
      })
      .catch(notifyError)
  }

  const readAll = (): void => {
    markAllRead()
      .then((counts) => {
        unread.set(counts.unread)
        page.patch((p) => ({ ...p, unread: 0, items: p.items.map((i) => ({ ...i, read: true })) }))
        setOlder((had) => had.map((i) => ({ ...i, read: true })))
      })
      .catch(notifyError)
  }

  if (page.data === undefined) return <Loading data={page} />
  return (
    <div class="notifications">
      <div class="notifications-head">
        <button type="button" class="btn btn-quiet" onClick={readAll} disabled={items.every((i) => i.read)} data-testid="notifications-read-all">
          {t('notify.markAll')}
        </button>
      </div>
      {items.length === 0 ? (
        <p class="muted">{t('notify.empty')}</p>
      ) : (
        <ul class="notification-list" data-testid="notifications">
          {items.map((n) => (
            <li key={n.id} class={`notification${n.read ? '' : ' unread'}${n.urgent ? ' urgent' : ''}`}>
              <a
                href={n.link}
                data-testid="notification"
                data-kind={n.kind}
                onClick={(event) => {
                  event.preventDefault()
                  open(n)
                }}
              >
                {!n.read && <span class="sr-only">{t('notify.unreadMark')} </span>}
                <span class="notification-text">{notificationText(n)}</span>
                <span class="muted notification-when">{formatRelative(n.created_at)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {next !== null && (
        <button type="button" class="btn btn-quiet" onClick={loadOlder}>
          {t('notify.older')}
        </button>
      )}
    </div>
  )
}
