// The project events socket (docs/events-protocol.md, v1): one connection per open TwinSpace,
// authenticated by the session cookie (same origin), resumed with `since` after a drop.
import { createContext } from 'preact'
import { useContext, useEffect, useRef, useState } from 'preact/hooks'
import type { EventFrame, PresenceEntry } from '../types'

export type SocketStatus = 'connecting' | 'online' | 'offline' | 'closed'
type Handler = (data: any, frame: EventFrame) => void

const PING_EVERY_MS = 30_000
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
  private readonly handlers = new Map<string, Set<Handler>>()
  private readonly statusListeners = new Set<(status: SocketStatus) => void>()
  private ping: number | undefined
  private retry: number | undefined
  private attempts = 0
  private stopped = false
  private location: PresenceEntry['location'] = null
  onUnauthenticated: (() => void) | null = null

  constructor(projectId: number) {
    this.projectId = projectId
    this.connect()
    window.addEventListener('online', this.wake)
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
    this.statusListeners.forEach((listener) => listener(status))
  }

  private connect(): void {
    if (this.stopped) return
    this.setStatus('connecting')
    const ws = new WebSocket(this.url())
    this.ws = ws
    ws.onopen = () => {
      this.attempts = 0
      this.ping = window.setInterval(() => this.send({ type: 'ping' }), PING_EVERY_MS)
    }
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return
      let frame: EventFrame
      try {
        frame = JSON.parse(message.data) as EventFrame
      } catch {
        return
      }
      this.receive(frame)
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
      this.setStatus('offline')
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts) * (0.75 + Math.random() / 2)
      this.attempts += 1
      this.retry = window.setTimeout(() => this.connect(), delay)
    }
  }

  private receive(frame: EventFrame): void {
    if (frame.id) this.lastId = frame.id
    const data = frame.data as Record<string, any>
    switch (frame.type) {
      case 'hello': {
        this.presence = new Map((data.presence as PresenceEntry[] | undefined ?? []).map((p) => [p.user.id, p]))
        // subscriptions asked for while the socket was still connecting were not sent: send
        // whatever this connection does not have yet
        const has = (data.subscriptions ?? {}) as { channels?: number[]; boards?: number[] }
        const channels = [...this.channels].filter((id) => !(has.channels ?? []).includes(id))
        const boards = [...this.boards].filter((id) => !(has.boards ?? []).includes(id))
        if (channels.length || boards.length) this.send({ type: 'subscribe', channels, boards })
        this.setStatus('online')
        if (this.location) this.send({ type: 'presence', location: this.location })
        this.emit('presence', this.presence, frame)
        break
      }
      case 'presence.joined':
      case 'presence.moved':
        this.presence.set(data.user.id, { user: data.user, location: data.location ?? null })
        this.emit('presence', this.presence, frame)
        break
      case 'presence.left':
        this.presence.delete(data.user.id)
        this.emit('presence', this.presence, frame)
        break
      default:
        break
    }
    this.emit(frame.type, frame.data, frame)
    this.emit('*', frame.data, frame)
  }

  private emit(type: string, data: unknown, frame: EventFrame | null): void {
    this.handlers.get(type)?.forEach((handler) => {
      try {
        handler(data, frame as EventFrame)
      } catch (error) {
        console.error('event handler failed', type, error)
      }
    })
  }

  send(message: Record<string, unknown>): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false
    this.ws.send(JSON.stringify(message))
    return true
  }

  on(type: string, handler: Handler): () => void {
    let set = this.handlers.get(type)
    if (!set) {
      set = new Set()
      this.handlers.set(type, set)
    }
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
    channels.forEach((id) => this.channels.add(id))
    boards.forEach((id) => this.boards.add(id))
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
    window.clearInterval(this.ping)
    window.clearTimeout(this.retry)
    this.ws?.close(1000)
    this.ws = null
    this.handlers.clear()
    this.statusListeners.clear()
  }
}

export const SocketContext = createContext<ProjectSocket | null>(null)

export function useSocket(): ProjectSocket | null {
  return useContext(SocketContext)
}

/** Subscribe to one event type for the component's lifetime; the handler may change freely. */
export function useEvent(socket: ProjectSocket | null, type: string, handler: Handler): void {
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
