// Real Yjs clients for the benchmarks: one Y.Doc per client, connected either with y-websocket's
// WebsocketProvider (TwinSpaces, @y/websocket-server) or with HocuspocusProvider (Hocuspocus
// speaks its own framing: every message carries the document name).
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { HocuspocusProvider } from '@hocuspocus/provider'

// The Y.Text root the clients type into (TwinSpaces' page text root is "text").
export const TEXT_ROOT = 'text'

// Every provider adds a process 'exit' listener; hundreds of clients are expected here.
process.setMaxListeners(0)

// Opens one client of `room`; resolves with {doc, text, destroy, closes} once the first sync is
// done, rejects after `timeoutMs`.
//   awareness: false  the client announces no presence (no awareness traffic at all)
//   pinAlive: true    turn off the provider's own liveness check (it reconnects after 30 s
//                     without an incoming message; idle benchmarks keep silent sockets open)
export function openClient ({ protocol, url, room, token, timeoutMs = 30000, awareness = true, pinAlive = false }) {
  const doc = new Y.Doc()
  const client = { doc, text: doc.getText(TEXT_ROOT), closes: 0, provider: null, destroy: null }
  let provider
  let pin = null
  const synced = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sync with ${room} in ${timeoutMs} ms`)), timeoutMs)
    const done = () => { clearTimeout(timer); resolve(client) }
    if (protocol === 'hocuspocus') {
      provider = new HocuspocusProvider({
        url,
        name: room,
        document: doc,
        token: token ?? 'bench',
        WebSocketPolyfill: WebSocket,
        onSynced: ({ state }) => { if (state) done() },
        onClose: () => { client.closes += 1 },
        ...(awareness ? {} : { awareness: null }),
        ...(pinAlive ? { messageReconnectTimeout: 1e8 } : {})
      })
      client.destroy = () => { provider.destroy(); provider.configuration.websocketProvider.destroy() }
    } else {
      provider = new WebsocketProvider(url, room, doc, {
        params: token ? { token } : {},
        WebSocketPolyfill: WebSocket,
        disableBc: true,
        connect: false
      })
      if (!awareness) provider.awareness.setLocalState(null)
      provider.on('sync', (isSynced) => { if (isSynced) done() })
      provider.on('connection-close', () => { client.closes += 1 })
      if (pinAlive) pin = setInterval(() => { provider.wsLastMessageReceived = Date.now() }, 5000)
      client.destroy = () => { clearInterval(pin); provider.destroy() }
      provider.connect()
    }
  })
  client.provider = provider
  return synced
}

// Opens clients for `specs` ([{room}]) `batch` at a time (a thundering herd of handshakes would
// measure the accept path, not fan-out). Resolves with the clients in `specs` order.
export async function openClients (specs, options, batch = 50) {
  const clients = []
  for (let i = 0; i < specs.length; i += batch) {
    const slice = specs.slice(i, i + batch)
    clients.push(...await Promise.all(slice.map((spec) => openClient({ ...options, ...spec }))))
  }
  return clients
}
