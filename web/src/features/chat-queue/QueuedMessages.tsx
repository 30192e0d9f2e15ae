import type { JSX } from 'preact'
import { t } from '../../i18n'
import { type QueuedMessage, discard } from './queue'

/** Messages not sent yet, shown where they will appear, each with what is happening to it. */
export function QueuedMessages({ items }: { items: QueuedMessage[] }): JSX.Element | null {
  if (items.length === 0) return null
  return (
    <ol class="queued-messages" aria-label={t('chat.queuedLabel')} data-testid="chat-queue">
      {items.map((item) => (
        <li key={item.key} class={`queued-message queued-${item.state}`} data-state={item.state}>
          <p class="message-text">{item.text}</p>
          <p class="muted small" role="status">
            {item.state === 'failed'
              ? t('chat.queuedRefused', { reason: item.problem ?? '' })
              : item.state === 'sending'
                ? t('chat.queuedSending')
                : t('chat.queuedWaiting')}
          </p>
          {item.state !== 'sending' && (
            <button type="button" class="btn btn-quiet btn-small" onClick={() => discard(item.key)}>
              {t('chat.queuedDiscard')}
            </button>
          )}
        </li>
      ))}
    </ol>
  )
}
