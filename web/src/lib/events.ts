// The project events socket (docs/events-protocol.md, v1): one connection per open TwinSpace,
// authenticated by the session cookie (same origin), resumed with `since` after a drop.
// Event and message types are generated from the server's schema (../api/events.d.ts), so a
// handler's `data` is typed by the event it listens to.
import { createContext } from 'preact'
import { useContext, useEffect, useRef, useState } from 'preact/hooks'
import type { ClientMessage, PresenceEntry, ServerEvents } from '../api/events'

export type SocketStatus = 'connecting' | 'online' | 'offline' | 'closed'

export type ServerEventType = keyof ServerEvents

/** One frame from the server: `data` has the type the schema gives to `type`. */
export interface EventFrame<K extends ServerEventType = ServerEventType> {
  v: 1
  id: string
  type: K
  ts: string
  data: ServerEvents[K]
}

/** Any server frame, as a union the `type` narrows. */
export type AnyFrame = { [K in ServerEventType]: EventFrame<K> }[ServerEventType]

/** What the socket itself raises besides server events (these have no frame). */
export interface LocalEvents {
  presence: Map<number, PresenceEntry>
  closed: { code: number }
}

export type SocketEvents = ServerEvents & LocalEvents
export type SocketEventType = keyof SocketEvents
export type Handler<K extends SocketEventType> = (data: SocketEvents[K], frame: AnyFrame | null) => void
type Handlers = { [K in SocketEventType]?: Set<Handler<K>> }

function isFrame(value: unknown): value is AnyFrame {
  if (typeof value !== 'object' || value === null) return false
  const frame = value as Record<string, unknown>
  return (
    frame.v === 1 &&
    typeof frame.id === 'string' &&
    typeof frame.type === 'string' &&
    typeof frame.data === 'object' &&
    frame.data !== null
  )
}

// A ping every 10 s and a pong (or any frame) within 5 s: a silent network cut (no close frame,
// no FIN) is noticed within 15 s instead of at the browser's TCP timeout.
const PING_EVERY_MS = 10_000
const PONG_TIMEOUT_MS = 5_000
const MAX_BACKOFF_MS = 15_000
const STOP_CODES = new Set([4403, 4404])

export class ProjectSocket {
  readonly projectId: number
  status: SocketStatus = 'connecting'
  presence = new Map<number, PresenceEntry>()
  private ws: WebSocket | null = null
  private lastId: string | null = null
  private readonly channels = new Set<number>()
  private readonly boards = new Set<number>()
  private handlers: Handlers = {}
  private readonly statusListeners = new Set<(status: SocketStatus) => void>()
  private ping: number | undefined
  private pingSentAt = 0
  private lastHeard = 0
  private retry: number | undefined
  private attempts = 0
  private stopped = false
  private location: PresenceEntry['location'] = null
  onUnauthenticated: (() => void) | null = null

  constructor(projectId: number) {
    this.projectId = projectId
    this.connect()
    window.addEventListener('online', this.wake)
    window.addEventListener('offline', this.lost)
  }

  private readonly lost = (): void => {
    if (this.ws) this.drop(this.ws)
  }

  private readonly wake = (): void => {
    if (!this.stopped && this.status === 'offline') {
      window.clearTimeout(this.retry)
      this.connect()
    }
  }

  private url(): string {
    const params = new URLSearchParams()
    if (this.lastId) params.set('since', this.lastId)
    if (this.channels.size) params.set('channels', [...this.channels].join(','))
    if (this.boards.size) params.set('boards', [...this.boards].join(','))
    const query = params.toString()
    return `${location.origin.replace(/^http/, 'ws')}/ws/projects/${this.projectId}${query ? `?${query}` : ''}`
  }

  private setStatus(status: SocketStatus): void {
    this.status = status
    for (const listener of this.statusListeners) listener(status)
  }

  private connect(): void {
    if (this.stopped) return
    this.setStatus('connecting')
    const ws = new WebSocket(this.url())
    this.ws = ws
    ws.onopen = () => {
      this.attempts = 0
      this.lastHeard = performance.now()
      this.pingSentAt = 0
      this.ping = window.setInterval(() => this.heartbeat(ws), 1000)
    }
    ws.onmessage = (message: MessageEvent) => {
      this.lastHeard = performance.now()
      if (typeof message.data !== 'string') return
      let frame: unknown
      try {
        frame = JSON.parse(message.data)
      } catch {
        return
      }
      // types the client does not know are ignored (the protocol may add some within v1)
      if (isFrame(frame)) this.receive(frame)
    }
    ws.onclose = (event: CloseEvent) => {
      window.clearInterval(this.ping)
      if (this.ws !== ws) return
      this.ws = null
      if (this.stopped) return
      if (event.code === 4401) {
        this.setStatus('closed')
        this.onUnauthenticated?.()
        return
      }
      if (STOP_CODES.has(event.code)) {
        this.setStatus('closed')
        this.emit('closed', { code: event.code }, null)
        return
      }
      this.reconnectLater()
    }
  }

  private reconnectLater(): void {
    this.setStatus('offline')
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts) * (0.75 + Math.random() / 2)
    this.attempts += 1
    this.retry = window.setTimeout(() => this.connect(), delay)
  }

  /** Every second: ping when due; a ping unanswered for PONG_TIMEOUT_MS means the network is
   * gone although the socket looks open: drop it and reconnect. */
  private heartbeat(ws: WebSocket): void {
    if (this.ws !== ws) return
    const now = performance.now()
    const waiting = this.pingSentAt > this.lastHeard
    if (waiting && now - this.pingSentAt > PONG_TIMEOUT_MS) {
      this.drop(ws)
    } else if (!waiting && now - Math.max(this.pingSentAt, this.lastHeard) >= PING_EVERY_MS) {
      this.pingSentAt = now
      this.send({ type: 'ping' })
    }
  }

  private drop(ws: WebSocket): void {
    window.clearInterval(this.ping)
    ws.onclose = null
    ws.onmessage = null
    ws.close()
    this.ws = null
    if (!this.stopped) this.reconnectLater()
  }

  private receive(frame: AnyFrame): void {
    if (frame.id) this.lastId = frame.id
    switch (frame.type) {
      case 'hello': {
        this.presence = new Map(frame.data.presence.map((p) => [p.user.id, p]))
        // subscriptions asked for while the socket was still connecting were not sent: send
        // whatever this connection does not have yet
        const has = frame.data.subscriptions
        const channels = [...this.channels].filter((id) => !has.channels.includes(id))
        const boards = [...this.boards].filter((id) => !has.boards.includes(id))
        if (channels.length || boards.length) this.send({ type: 'subscribe', channels, boards })
        this.setStatus('online')
        if (this.location) this.send({ type: 'presence', location: this.location })
        this.emit('presence', this.presence, frame)
        break
      }
      case 'presence.joined':
      case 'presence.moved':
        this.presence.set(frame.data.user.id, { user: frame.data.user, location: frame.data.location ?? null })
        this.emit('presence', this.presence, frame)
        break
      case 'presence.left':
        this.presence.delete(frame.data.user.id)
        this.emit('presence', this.presence, frame)
        break
      default:
        break
    }
    this.emitFrame(frame)
  }

  private emitFrame<K extends ServerEventType>(frame: EventFrame<K>): void {
    // SocketEvents[K] is ServerEvents[K] for a server type; TypeScript cannot see it generically
    this.emit<K>(frame.type, frame.data as SocketEvents[K], frame as AnyFrame)
  }

  private emit<K extends SocketEventType>(type: K, data: SocketEvents[K], frame: AnyFrame | null): void {
    const handlers: Handlers[K] = this.handlers[type]
    handlers?.forEach((handler) => {
      try {
        handler(data, frame)
      } catch (error) {
        console.error('event handler failed', type, error)
      }
    })
  }

  send(message: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false
    this.ws.send(JSON.stringify(message))
    return true
  }

  on<K extends SocketEventType>(type: K, handler: Handler<K>): () => void {
    const set: Set<Handler<K>> = this.handlers[type] ?? new Set<Handler<K>>()
    this.handlers[type] = set as Handlers[K]
    set.add(handler)
    return () => set.delete(handler)
  }

  onStatus(listener: (status: SocketStatus) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  subscribe(spaces: { channels?: number[]; boards?: number[] }): void {
    const channels = (spaces.channels ?? []).filter((id) => !this.channels.has(id))
    const boards = (spaces.boards ?? []).filter((id) => !this.boards.has(id))
    if (!channels.length && !boards.length) return
    for (const id of channels) this.channels.add(id)
    for (const id of boards) this.boards.add(id)
    this.send({ type: 'subscribe', channels, boards })
  }

  typing(channelId: number): void {
    this.send({ type: 'typing', channel_id: channelId })
  }

  setLocation(location: PresenceEntry['location']): void {
    this.location = location
    this.send({ type: 'presence', location })
  }

  close(): void {
    this.stopped = true
    window.removeEventListener('online', this.wake)
    window.removeEventListener('offline', this.lost)
    window.clearInterval(this.ping)
    window.clearTimeout(this.retry)
    this.ws?.close(1000)
    this.ws = null
    this.handlers = {}
    this.statusListeners.clear()
  }
}

export const SocketContext = createContext<ProjectSocket | null>(null)

export function useSocket(): ProjectSocket | null {
  return useContext(SocketContext)
}

/** Subscribe to one event type for the component's lifetime; the handler may change freely. */
export function useEvent<K extends SocketEventType>(socket: ProjectSocket | null, type: K, handler: Handler<K>): void {
  const ref = useRef(handler)
  ref.current = handler
  useEffect(() => {
    if (!socket) return undefined
    return socket.on(type, (data, frame) => ref.current(data, frame))
  }, [socket, type])
}

export function useSocketStatus(socket: ProjectSocket | null): SocketStatus {
  const [status, setStatus] = useState<SocketStatus>(socket?.status ?? 'connecting')
  useEffect(() => {
    if (!socket) return undefined
    setStatus(socket.status)
    return socket.onStatus(setStatus)
  }, [socket])
  return status
}

export function usePresence(socket: ProjectSocket | null): Map<number, PresenceEntry> {
  const [presence, setPresence] = useState(socket?.presence ?? new Map<number, PresenceEntry>())
  useEffect(() => {
    if (!socket) return undefined
    setPresence(new Map(socket.presence))
    return socket.on('presence', () => setPresence(new Map(socket.presence)))
  }, [socket])
  return presence
}
