// What the editor's save indicator says, from the server's own acknowledgement (issue 20 item 2).
//
// The page socket is one ordered stream and the server handles its frames in order, so the
// server's sync-step-2 reply to a sync step 1 sent after an edit proves the edit was integrated
// and committed: the server holds the reply until the edits before it are in the database
// (docs/cluster.md, "Acknowledged means stored"). A probe left unanswered for PROBE_TIMEOUT_MS
// means the connection is dead even if the browser has not noticed: the socket is replaced (the
// provider keeps the edits and sends them on reconnect) and the indicator says Offline, never a
// stale "Saved".
import type { WebsocketProvider } from 'y-websocket'
import { encodeStateVector, type Doc } from 'yjs'

export type SaveState = 'connecting' | 'saving' | 'saved' | 'offline'

const SYNC = 0
const SYNC_STEP1 = 0
const SYNC_STEP2 = 1
/** Wait this long after the last keystroke before asking the server. */
const PROBE_DELAY_MS = 250
/** An unanswered probe after this long: the connection is gone. */
const PROBE_TIMEOUT_MS = 4000
/** With nothing typed, still check the connection this often. */
const HEARTBEAT_MS = 10_000

/** A sync step 1 frame carrying the document's state vector (y-protocols' encoding). */
function syncStep1(stateVector: Uint8Array): Uint8Array<ArrayBuffer> {
  const head: number[] = [SYNC, SYNC_STEP1]
  let length = stateVector.length
  while (length > 0x7f) {
    head.push((length & 0x7f) | 0x80)
    length >>>= 7
  }
  head.push(length)
  const frame = new Uint8Array(head.length + stateVector.length)
  frame.set(head)
  frame.set(stateVector, head.length)
  return frame
}

interface Probe {
  seq: number // this socket's sync step 1 number whose answer acknowledges it
  sentAt: number
  edits: number // local edits made before it left
}

export class SaveTracker {
  private state: SaveState = 'connecting'
  private edits = 0 // local edits so far
  private acknowledged = 0 // local edits the server has acknowledged
  private sent = 0 // sync step 1 frames sent on this socket (the provider's own included)
  private answered = 0 // sync step 2 frames received on this socket
  private probe: Probe | null = null
  private socket: WebSocket | null = null
  private probeTimer = 0
  private readonly heartbeat: number
  private readonly watchdog: number

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly doc: Doc,
    private readonly onChange: (state: SaveState) => void,
  ) {
    doc.on('update', this.onUpdate)
    provider.on('status', this.onStatus)
    provider.on('sync', this.onSync)
    window.addEventListener('offline', this.onBrowserOffline)
    this.heartbeat = window.setInterval(() => this.sendProbe(), HEARTBEAT_MS)
    this.watchdog = window.setInterval(this.checkProbe, 500)
  }

  destroy(): void {
    this.doc.off('update', this.onUpdate)
    this.provider.off('status', this.onStatus)
    this.provider.off('sync', this.onSync)
    window.removeEventListener('offline', this.onBrowserOffline)
    this.socket?.removeEventListener('message', this.onMessage)
    window.clearTimeout(this.probeTimer)
    window.clearInterval(this.heartbeat)
    window.clearInterval(this.watchdog)
  }

  private get pending(): boolean {
    return this.acknowledged < this.edits
  }

  private set(next: SaveState): void {
    if (next === this.state) return
    this.state = next
    this.onChange(next)
  }

  private readonly onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin === this.provider) return // applied from the server: nothing to send
    this.edits += 1
    if (this.state === 'saved') this.set('saving')
    window.clearTimeout(this.probeTimer)
    this.probeTimer = window.setTimeout(() => this.sendProbe(), PROBE_DELAY_MS)
  }

  private readonly onStatus = ({ status }: { status: string }): void => {
    if (status === 'connected') {
      this.socket?.removeEventListener('message', this.onMessage)
      this.socket = this.provider.ws
      this.socket?.addEventListener('message', this.onMessage)
      this.sent = 1 // the provider sends its own sync step 1 on open
      this.answered = 0
      this.probe = null
      this.set('connecting')
    } else if (status === 'disconnected') {
      this.probe = null
      this.set('offline')
    }
  }

  private readonly onSync = (synced: boolean): void => {
    if (!synced) return
    // What was typed offline went out in reply to the server's sync step 1, before this.
    if (this.pending) {
      this.set('saving')
      this.sendProbe()
    } else {
      this.set('saved')
    }
  }

  private readonly onBrowserOffline = (): void => {
    this.set('offline')
    this.reconnect()
  }

  private readonly onMessage = (event: MessageEvent): void => {
    const data: unknown = event.data
    if (!(data instanceof ArrayBuffer) || data.byteLength < 2) return
    const head = new Uint8Array(data, 0, 2)
    if (head[0] !== SYNC || head[1] !== SYNC_STEP2) return
    this.answered += 1
    const probe = this.probe
    if (!probe || this.answered < probe.seq) return
    this.probe = null
    this.acknowledged = Math.max(this.acknowledged, probe.edits)
    if (this.pending) {
      this.sendProbe() // typed while it travelled: ask again
    } else if (this.provider.synced) {
      this.set('saved')
    }
  }

  private sendProbe(): void {
    const ws = this.provider.ws
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.provider.synced) return
    if (this.probe) return // one in flight: its answer leads to the next
    ws.send(syncStep1(encodeStateVector(this.doc)))
    this.sent += 1
    this.probe = { seq: this.sent, sentAt: performance.now(), edits: this.edits }
  }

  private readonly checkProbe = (): void => {
    if (this.probe && performance.now() - this.probe.sentAt > PROBE_TIMEOUT_MS) {
      this.probe = null
      this.set('offline')
      this.reconnect()
    }
  }

  private reconnect(): void {
    // a fresh socket at once (the provider backs off while it cannot connect)
    this.provider.disconnect()
    this.provider.connect()
  }
}
