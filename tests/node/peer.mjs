// A real y-websocket client for tests: connects a Y.Doc to a server room with WebsocketProvider
// (the `ws` package as WebSocketPolyfill), then follows JSON commands on stdin, one per line,
// and reports JSON lines on stdout.
//
//   node peer.mjs --url ws://127.0.0.1:8000/ws/docs --room ROOM [--token T] [--cookie C]
//                 [--client-id N] [--max-backoff MS] [--no-connect]
//
// Commands ({"id": n, "cmd": ...}; every command gets {"reply": n, "ok": true, ...} or
// {"reply": n, "ok": false, "error"}):
//   {"cmd": "insert", "index", "text", "attrs"?}     Y.Text "text"
//   {"cmd": "delete", "index", "length"}              Y.Text "text"
//   {"cmd": "op", "op": {...}}                        any op of ops.mjs (Tiptap fragment "default")
//   {"cmd": "awareness", "state": {...} | null}       set the local awareness state
//   {"cmd": "disconnect"} / {"cmd": "connect"}        provider.disconnect() / provider.connect()
//   {"cmd": "state"}                                  reply: clientID, status, synced, text, delta,
//                                                     xml, tree, awareness {clientID: state}, sv
//   {"cmd": "waitSynced", "timeout": ms}              reply once synced ({"synced": true}) or
//                                                     on timeout ({"synced": false})
//   {"cmd": "saved", "timeout": ms}                   the web client's save probe
//                                                     (web/src/editor/saveState.ts): a sync
//                                                     step 1 with the doc's state vector; reply
//                                                     {"saved": true} once the server's sync
//                                                     step 2 answers it, false on timeout/close
//   {"cmd": "moveTo", "url"}                          use another server from now on (what a
//                                                     load balancer does after a crash) and
//                                                     reconnect there
//   {"cmd": "exit"}                                   destroy the provider and exit 0
//
// Events ({"event": ...}): ready {clientID}; status {status}; synced {synced};
// update {remote, bytes}; awareness {added, updated, removed, states};
// close {code, reason} when the socket closes (code null for a local close);
// closed {code, reason} when a 44xx code made the provider stop reconnecting;
// connection-error {message}.
import * as readline from 'node:readline'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { applyOp, describeText, describeXml, toBase64 } from './ops.mjs'

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    room: { type: 'string' },
    token: { type: 'string' },
    cookie: { type: 'string' },
    'client-id': { type: 'string' },
    'max-backoff': { type: 'string', default: '2500' },
    'no-connect': { type: 'boolean', default: false }
  }
})
if (!args.url || !args.room) {
  process.stderr.write('usage: peer.mjs --url URL --room ROOM [--token T]\n')
  process.exit(2)
}

const emit = (message) => process.stdout.write(JSON.stringify(message) + '\n')
// the test driver went away: nothing left to report to
process.stdout.on('error', () => process.exit(0))

// a WebSocket class that sends the session cookie, for cookie-authenticated tests
const cookie = args.cookie
class CookieWebSocket extends WebSocket {
  constructor (url, protocols) {
    super(url, protocols, { headers: { Cookie: cookie } })
  }
}

const doc = new Y.Doc()
if (args['client-id'] !== undefined) doc.clientID = Number(args['client-id'])
const provider = new WebsocketProvider(args.url, args.room, doc, {
  connect: !args['no-connect'],
  params: args.token !== undefined ? { token: args.token } : {},
  WebSocketPolyfill: cookie !== undefined ? CookieWebSocket : WebSocket,
  maxBackoffTime: Number(args['max-backoff']),
  disableBc: true
})

let status = provider.wsconnected ? 'connected' : 'connecting'
provider.on('status', (event) => {
  status = event.status
  emit({ event: 'status', status })
})
provider.on('sync', (synced) => emit({ event: 'synced', synced }))
provider.on('connection-close', (event) =>
  emit({ event: 'close', code: event ? event.code : null, reason: event ? String(event.reason) : null }))
provider.on('closed', (event) => emit({ event: 'closed', code: event.code, reason: String(event.reason) }))
provider.on('connection-error', (event) =>
  emit({ event: 'connection-error', message: String(event && event.message ? event.message : event) }))
doc.on('update', (update, origin) => emit({ event: 'update', remote: origin === provider, bytes: update.length }))

const awarenessStates = () => Object.fromEntries(provider.awareness.getStates())
provider.awareness.on('change', ({ added, updated, removed }) =>
  emit({ event: 'awareness', added, updated, removed, states: awarenessStates() }))

const describe = () => ({
  clientID: doc.clientID,
  status,
  synced: provider.synced,
  ...describeText(doc),
  ...describeXml(doc),
  awareness: awarenessStates(),
  sv: toBase64(Y.encodeStateVector(doc))
})

const waitSynced = (timeout) => new Promise((resolve) => {
  if (provider.synced) return resolve({ synced: true })
  const onSync = (synced) => {
    if (!synced) return
    clearTimeout(timer)
    provider.off('sync', onSync)
    resolve({ synced: true })
  }
  const timer = setTimeout(() => {
    provider.off('sync', onSync)
    resolve({ synced: false })
  }, timeout)
  provider.on('sync', onSync)
})

// The web client's acknowledgement probe: the server answers frames in order, so the first
// sync step 2 after this sync step 1 answers it (the provider's own step 1 went out on open,
// and is answered before `synced`).
const saved = (timeout) => new Promise((resolve) => {
  const ws = provider.ws
  if (!ws || ws.readyState !== WebSocket.OPEN || !provider.synced) return resolve({ saved: false })
  const done = (result) => {
    clearTimeout(timer)
    ws.removeEventListener('message', onMessage)
    ws.removeEventListener('close', onClose)
    resolve({ saved: result })
  }
  const onMessage = (event) => {
    const data = new Uint8Array(event.data)
    if (data.length >= 2 && data[0] === 0 && data[1] === 1) done(true)
  }
  const onClose = () => done(false)
  const timer = setTimeout(() => done(false), timeout)
  ws.addEventListener('message', onMessage)
  ws.addEventListener('close', onClose)
  const sv = Y.encodeStateVector(doc)
  const head = [0, 0]
  let length = sv.length
  while (length > 0x7f) {
    head.push((length & 0x7f) | 0x80)
    length >>>= 7
  }
  head.push(length)
  const frame = new Uint8Array(head.length + sv.length)
  frame.set(head)
  frame.set(sv, head.length)
  ws.send(frame)
})

const moveTo = (target) => {
  let serverUrl = target
  while (serverUrl.endsWith('/')) serverUrl = serverUrl.slice(0, -1)
  provider.serverUrl = serverUrl
  provider.disconnect()
  provider.connect()
}

const shutdown = () => {
  provider.destroy()
  doc.destroy()
  process.exit(0)
}

const commands = {
  insert: (cmd) => applyOp(doc, { op: 'textInsert', index: cmd.index, text: cmd.text, attrs: cmd.attrs }),
  delete: (cmd) => applyOp(doc, { op: 'textDelete', index: cmd.index, length: cmd.length }),
  op: (cmd) => applyOp(doc, cmd.op),
  awareness: (cmd) => provider.awareness.setLocalState(cmd.state),
  disconnect: () => provider.disconnect(),
  connect: () => provider.connect(),
  state: () => describe(),
  waitSynced: (cmd) => waitSynced(cmd.timeout ?? 5000),
  saved: (cmd) => saved(cmd.timeout ?? 5000),
  moveTo: (cmd) => moveTo(cmd.url),
  exit: () => {
    setImmediate(shutdown)
  }
}

emit({ event: 'ready', clientID: doc.clientID })
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on('line', async (line) => {
  if (line.trim() === '') return
  let cmd = {}
  try {
    cmd = JSON.parse(line)
    const run = commands[cmd.cmd]
    if (run === undefined) throw new Error(`unknown command ${cmd.cmd}`)
    const result = await run(cmd)
    emit({ reply: cmd.id, ok: true, ...(result || {}) })
  } catch (error) {
    emit({ reply: cmd.id, ok: false, error: String(error && error.stack ? error.stack : error) })
  }
})
lines.on('close', shutdown)
