import { useEffect, useState } from 'preact/hooks'
import { ApiError, chat as chatApi } from '../../api'
import { errorText } from '../../components/ui'
import type { SocketStatus } from '../../lib/events'
import type { Message } from '../../types'
import { type QueuedMessage, type SendOutcome, flush, queuedFor, subscribe } from './queue'

/** How often waiting messages are tried again while the events socket says online. */
const RETRY_MS = 5000

/** A try that has no answer after this long counts as unreachable (it is tried again with the
 * same key, so a late success never makes a second message). */
const TRY_PATIENCE_MS = 6000

/** Send one message with its client key; a network failure is "unreachable", not an error. */
export async function sendKeyed(item: QueuedMessage): Promise<SendOutcome<Message>> {
  try {
    const request = chatApi.send(item.channelId, item.text, item.parentId, item.key)
    request.catch(() => undefined) // a late failure after giving up is nobody's error
    const slow = new Promise<null>((resolve) => window.setTimeout(() => resolve(null), TRY_PATIENCE_MS))
    const sent = await Promise.race([request, slow])
    return sent === null ? { unreachable: true } : { sent }
  } catch (failure) {
    if (failure instanceof ApiError) {
      // a server that answers 5xx or "try later" may take it on the next try
      if (failure.status >= 500 || failure.status === 429) return { unreachable: true }
      return { refused: errorText(failure) }
    }
    return { unreachable: true }
  }
}

/** A channel's (or thread's) queued messages, sent when the connection is back. */
export function useChatQueue(
  channelId: number,
  parentId: number | null,
  status: SocketStatus,
  onSent: (message: Message) => void,
): QueuedMessage[] {
  const [items, setItems] = useState(() => queuedFor(channelId, parentId))
  useEffect(() => {
    setItems(queuedFor(channelId, parentId))
    return subscribe(() => setItems(queuedFor(channelId, parentId)))
  }, [channelId, parentId])
  const waiting = items.some((m) => m.state === 'waiting')
  useEffect(() => {
    if (status !== 'online' || !waiting) return undefined
    const tryNow = (): void => {
      void flush(channelId, sendKeyed, (item, message) => {
        if (item.parentId === parentId) onSent(message)
      })
    }
    tryNow()
    const timer = window.setInterval(tryNow, RETRY_MS)
    return () => window.clearInterval(timer)
    // onSent changes every render; the queue only needs the latest when it sends
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [channelId, parentId, status, waiting])
  return items
}
