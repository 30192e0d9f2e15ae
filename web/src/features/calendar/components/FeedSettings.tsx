// The private iCalendar link: create it (shown once, to copy), make a new one, or revoke it.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { Loading, notify, notifyError, useLoad } from '../../../components/ui'
import { formatDateTime, t } from '../../../i18n'
import { feed } from '../api'

const REMINDER_MINUTES = 15 // twinspace/live_sessions/rules.py REMINDER_MINUTES

export function FeedSettings(): JSX.Element {
  const state = useLoad(() => feed.state(), [])
  const [url, setUrl] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function create(confirmText?: string): Promise<void> {
    if (confirmText && !window.confirm(confirmText)) return
    setBusy(true)
    try {
      const made = await feed.create()
      setUrl(made.url)
      state.set({ active: made.active, created_at: made.created_at, last_used_at: made.last_used_at })
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  async function revoke(): Promise<void> {
    if (!window.confirm(t('calendar.feed.confirmRevoke'))) return
    setBusy(true)
    try {
      await feed.revoke()
      setUrl(null)
      state.set({ active: false, created_at: null, last_used_at: null })
      notify(t('calendar.feed.revoked'))
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  async function copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
      notify(t('calendar.feed.copied'))
    } catch {
      // no clipboard (insecure origin): the field is selected for copying by hand
      ;(document.getElementById('calendar-feed-url') as HTMLInputElement | null)?.select()
    }
  }

  const data = state.data
  return (
    <section class="card calendar-feed" aria-labelledby="calendar-feed-heading" data-testid="calendar-feed">
      <h3 id="calendar-feed-heading">{t('calendar.feed.title')}</h3>
      <p class="hint">{t('calendar.feed.intro')}</p>
      <p class="hint">{t('calendar.feed.reminder', { minutes: REMINDER_MINUTES })}</p>
      <Loading data={state} />
      {data && !data.active && <p>{t('calendar.feed.none')}</p>}
      {data?.active && data.created_at && (
        <p>
          {t('calendar.feed.active', { when: formatDateTime(data.created_at) })}
          {data.last_used_at && ` ${t('calendar.feed.lastUsed', { when: formatDateTime(data.last_used_at) })}`}
        </p>
      )}
      {url && (
        <div class="field" role="status">
          <label for="calendar-feed-url">{t('calendar.feed.url')}</label>
          <div class="inline-form">
            <input id="calendar-feed-url" class="mono" readOnly value={url} onFocus={(e) => e.currentTarget.select()} data-testid="calendar-feed-url" />
            <button type="button" class="btn" onClick={() => void copy(url)}>
              {t('calendar.feed.copy')}
            </button>
          </div>
          <p class="hint">{t('calendar.feed.once')}</p>
        </div>
      )}
      {data && (
        <div class="actions">
          {!data.active && (
            <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void create()}>
              {t('calendar.feed.create')}
            </button>
          )}
          {data.active && (
            <>
              <button type="button" class="btn" disabled={busy} onClick={() => void create(t('calendar.feed.confirmRotate'))}>
                {t('calendar.feed.rotate')}
              </button>
              <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void revoke()}>
                {t('calendar.feed.revoke')}
              </button>
            </>
          )}
        </div>
      )}
    </section>
  )
}
