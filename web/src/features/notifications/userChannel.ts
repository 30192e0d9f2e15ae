// The user channel /ws/me (docs/events-protocol.md, "The user channel"): one socket per
// signed-in tab, whatever screen is open. It keeps the unread count and announces each new
// notification; after a drop it reconnects with backoff and the first frame restores the count.
import type { ServerEvents } from '../../api/events'
import { Store } from '../../lib/store'
import type { Notification } from './api'

export const unread = new Store<number>(0)
/** The newest notification pushed live (lists reload when it changes). */
export const latest = new Store<Notification | null>(null)
/** Whether the channel is open now (live updates flow). */
export const channelOpen = new Store<boolean>(false)

const PING_EVERY_MS = 30_000
const MAX_BACKOFF_MS = 15_000
const STOP_CODES = new Set([4401, 4403, 4404])

type Frame =
  | { type: 'notification'; data: ServerEvents['notification'] }
  | { type: 'notifications.unread'; data: ServerEvents['notifications.unread'] }
  | { type: string; data: unknown }

function isFrame(value: unknown): value is Frame {
  if (typeof value !== 'object' || value === null) return false
  const frame = value as Record<string, unknown>
  return frame.v === 1 && typeof frame.type === 'string' && typeof frame.data === 'object' && frame.data !== null
}

class UserChannel {
  private ws: WebSocket | null = null
  private ping: number | undefined
  private retry: number | undefined
  private attempts = 0
  private stopped = false

  constructor() {
    this.connect()
    window.addEventListener('online', this.wake)
  }

  private readonly wake = (): void => {
    if (!this.stopped && this.ws === null) {
      window.clearTimeout(this.retry)
      this.connect()
    }
  }

  private connect(): void {
    if (this.stopped) return
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws/me`)
    this.ws = ws
    ws.onopen = () => {
      this.attempts = 0
      channelOpen.set(true)
      this.ping = window.setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), PING_EVERY_MS)
    }
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return
      let frame: unknown
      try {
        frame = JSON.parse(message.data)
      } catch {
        return
      }
      if (isFrame(frame)) this.receive(frame)
    }
    ws.onclose = (event: CloseEvent) => {
      window.clearInterval(this.ping)
      if (this.ws !== ws) return
      this.ws = null
      channelOpen.set(false)
      if (this.stopped || STOP_CODES.has(event.code)) return
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts) * (0.75 + Math.random() / 2)
      this.attempts += 1
      this.retry = window.setTimeout(() => this.connect(), delay)
    }
  }

  private receive(frame: Frame): void {
    if (frame.type === 'notification') {
      const data = frame.data as ServerEvents['notification']
      unread.set(data.unread)
      latest.set(data.notification)
    } else if (frame.type === 'notifications.unread') {
      unread.set((frame.data as ServerEvents['notifications.unread']).unread)
    }
  }

  stop(): void {
    this.stopped = true
    window.removeEventListener('online', this.wake)
    window.clearTimeout(this.retry)
    window.clearInterval(this.ping)
    this.ws?.close(1000)
    this.ws = null
    channelOpen.set(false)
  }
}

/** Open the user channel for the signed-in user; returns how to close it (sign-out). */
export function startUserChannel(): () => void {
  const channel = new UserChannel()
  return () => {
    channel.stop()
    unread.set(0)
    latest.set(null)
  }
}
