// Chat messages written while offline wait here, visibly, and are sent on reconnect
// (issue 20 item 2). Each carries a client key, so a send whose answer was lost and is sent
// again returns the first message instead of posting twice (README "Chat": client_key).
// The queue lives for the tab (module state): it survives moving between screens, not a reload.

export type QueuedState = 'waiting' | 'sending' | 'failed'

export interface QueuedMessage {
  key: string
  channelId: number
  parentId: number | null
  text: string
  state: QueuedState
  problem: string | null // why the server refused it (then it stays until discarded)
}

type Listener = () => void

const queued: QueuedMessage[] = []
const listeners = new Set<Listener>()

function changed(): void {
  for (const listener of [...listeners]) listener()
}

export function newClientKey(): string {
  return crypto.randomUUID()
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function queuedFor(channelId: number, parentId: number | null): QueuedMessage[] {
  return queued.filter((m) => m.channelId === channelId && m.parentId === parentId)
}

export function enqueue(channelId: number, parentId: number | null, text: string, key: string): void {
  if (queued.some((m) => m.key === key)) return
  queued.push({ key, channelId, parentId, text, state: 'waiting', problem: null })
  changed()
}

export function discard(key: string): void {
  const at = queued.findIndex((m) => m.key === key)
  if (at >= 0 && queued[at]?.state !== 'sending') {
    queued.splice(at, 1)
    changed()
  }
}

/** It was sent after all (a slow answer arrived): it leaves the queue whatever its state. */
export function settle(key: string): void {
  const at = queued.findIndex((m) => m.key === key)
  if (at >= 0) {
    queued.splice(at, 1)
    changed()
  }
}

function update(key: string, patch: Partial<QueuedMessage>): void {
  const item = queued.find((m) => m.key === key)
  if (item) {
    Object.assign(item, patch)
    changed()
  }
}

/** What sending did: sent (with the server's message), refused (a problem), or unreachable. */
export type SendOutcome<M> = { sent: M } | { refused: string } | { unreachable: true }

let flushing = false

/** Send a channel's waiting messages in order; stops at the first one the network loses. */
export async function flush<M>(
  channelId: number,
  send: (item: QueuedMessage) => Promise<SendOutcome<M>>,
  onSent: (item: QueuedMessage, message: M) => void,
): Promise<void> {
  if (flushing) return
  flushing = true
  try {
    for (const item of queued.filter((m) => m.channelId === channelId && m.state === 'waiting')) {
      update(item.key, { state: 'sending' })
      const outcome = await send(item)
      if ('sent' in outcome) {
        queued.splice(queued.indexOf(item), 1)
        changed()
        onSent(item, outcome.sent)
      } else if ('refused' in outcome) {
        update(item.key, { state: 'failed', problem: outcome.refused })
      } else {
        update(item.key, { state: 'waiting' })
        return
      }
    }
  } finally {
    flushing = false
  }
}
