// One load-generator thread: C clients in each of its rooms type R edits/s into Y.Text, and every
// client times each remote edit it integrates. Driven by load.mjs over worker messages.
//
// Patterns `map`, `array` and `xml` (Y.Map key sets, Y.Array push/delete, ProseMirror attribute
// and mark edits) carry the same token as a value; see EDITS below.
//
// An edit inserts a fixed-length token "[" + send time (epoch µs, base 36, 11 digits) + "]". With
// `pattern` "random" (the fan-out benchmark) it goes to a random position, so pages grow without
// bound. With "typing" (the soak) each client appends to its own Y.Text and deletes its oldest
// token once it has KEPT_TOKENS: runs of one client's characters merge into few Yjs items and
// every page stays small, so memory has a steady state to return to (both in one transaction:
// one update per edit; deletions take no Yjs clocks). An edit's unique id is the sender's Yjs
// (clientID, clock); a receiver finds the tokens new to it from the transaction's before/after
// state vectors and reads their send time from the items, so the receive path costs O(new
// edits), not O(document).
import { parentPort, workerData } from 'node:worker_threads'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import * as Y from 'yjs'
import { openClients } from './clients.mjs'

const TOKEN_LENGTH = 13
const KEPT_TOKENS = 20
const now = () => performance.timeOrigin + performance.now() // epoch ms, same in every thread

const { protocol, url, token, rooms, clientsPerRoom, rate, pattern, connectBatch } = workerData

const encodeToken = (ms) => '[' + Math.round(ms * 1000).toString(36).padStart(11, '0') + ']'

// Reads TOKEN_LENGTH characters of `client`'s content from `clock` (a token may have been split
// by later inserts into several items).
function readToken (store, client, clock) {
  let text = ''
  while (text.length < TOKEN_LENGTH) {
    const item = Y.getItem(store, Y.createID(client, clock + text.length))
    if (item.content.str === undefined) return null // deleted in the same transaction
    const offset = clock + text.length - item.id.clock
    text += item.content.str.slice(offset, offset + TOKEN_LENGTH - text.length)
  }
  return text
}

// The token an edit wrote at (client, clock), and how many clocks it took: a text token is
// TOKEN_LENGTH characters; a map or array value, an XML attribute or a mark is one struct whose
// value is the token (a mark's value is {t: token}; its closing format struct carries null, and
// changing a mark can write the previous value again to restore it after the range: marks are
// counted once per receiver).
function tokenAt (store, client, clock) {
  const item = Y.getItem(store, Y.createID(client, clock))
  const content = item.content
  if (content instanceof Y.ContentString) {
    const offset = clock - item.id.clock
    if (content.str[offset] !== '[') return [null, item.length - offset] // set-up text, no token
    return [readToken(store, client, clock), TOKEN_LENGTH]
  }
  if (content instanceof Y.ContentAny) return [content.arr[clock - item.id.clock], 1]
  if (content instanceof Y.ContentFormat) return [content.value?.t ?? null, 1, true]
  return [null, item.length - (clock - item.id.clock)] // deleted, a type: no token here
}

class Stats {
  constructor () {
    this.latencies = new Float64Array(1 << 16)
    this.observed = 0
    this.malformed = 0
  }

  record (latency) {
    if (this.observed === this.latencies.length) {
      const bigger = new Float64Array(this.latencies.length * 2)
      bigger.set(this.latencies)
      this.latencies = bigger
    }
    this.latencies[this.observed++] = latency
  }
}

const stats = new Stats()
const window = { start: Infinity, end: -Infinity } // the measured window (epoch ms)
const sentPerRoom = new Map(rooms.map((room) => [room, 0]))
let running = true

function observe (doc) {
  doc.on('afterTransaction', (tr) => {
    if (tr.local) return
    const arrived = now()
    tr.afterState.forEach((after, client) => {
      if (client === doc.clientID) return
      for (let clock = tr.beforeState.get(client) ?? 0; clock < after;) {
        const [text, length, mark] = tokenAt(doc.store, client, clock)
        clock += length
        if (typeof text !== 'string' || text.length !== TOKEN_LENGTH) continue
        if (mark) {
          const key = `${client}:${text}`
          const seen = doc.seenMarks ??= new Set()
          if (seen.has(key)) continue
          seen.add(key)
        }
        const sent = parseInt(text.slice(1, -1), 36) / 1000
        if (!(sent > 0)) { stats.malformed += 1; continue }
        if (sent >= window.start && sent < window.end) stats.record(arrived - sent)
      }
    })
  })
}

function typeInto (client, room, period, phase, t0) {
  let k = 0
  const next = () => {
    if (!running) return
    const sent = now()
    EDITS[pattern](client, encodeToken(sent), k)
    if (sent >= window.start && sent < window.end) sentPerRoom.set(room, sentPerRoom.get(room) + 1)
    k += 1
    setTimeout(next, Math.max(0, t0 + phase + k * period - now()))
  }
  setTimeout(next, Math.max(0, t0 + phase - now()))
}

// Each typing client appends to a Y.Text of its own and deletes from its start: one Y.Text shared
// by all would leave neighbours' deleted tokens between a client's runs, which Yjs never merges.
function type (client, token) {
  const own = client.own ??= client.doc.getText(`typing-${client.doc.clientID}`)
  client.doc.transact(() => {
    own.insert(own.length, token)
    if (own.length > KEPT_TOKENS * TOKEN_LENGTH) own.delete(0, TOKEN_LENGTH)
  })
}

// Each shape's edit: one transaction, one update. Every shape keeps pages at a steady size except
// `random`, which grows them without bound.
const EDITS = {
  typing: type,
  random: (client, token) =>
    client.text.insert(Math.floor(Math.random() * (client.text.length + 1)), token),
  // Y.Map key sets: each client cycles through KEPT_TOKENS keys of its own in one shared map
  // (an overwritten value is deleted by Yjs; the map's size stays put)
  map: (client, token, k) =>
    client.doc.getMap('map').set(`${client.doc.clientID}-${k % KEPT_TOKENS}`, token),
  // Y.Array: each client pushes to an array of its own and deletes its oldest entry past
  // KEPT_TOKENS, in one transaction
  array: (client, token) => {
    const own = client.ownArray ??= client.doc.getArray(`array-${client.doc.clientID}`)
    client.doc.transact(() => {
      own.push([token])
      if (own.length > KEPT_TOKENS) own.delete(0, 1)
    })
  },
  // ProseMirror (y-prosemirror's XML): each client owns a paragraph of the shared
  // 'prosemirror' fragment and alternately sets an attribute on it or toggles a mark over its
  // text, as Tiptap does for a text-align change or a bold
  xml: (client, token, k) => {
    const doc = client.doc
    if (client.paragraph === undefined) {
      const paragraph = new Y.XmlElement('paragraph')
      const text = new Y.XmlText()
      doc.transact(() => {
        doc.getXmlFragment('prosemirror').push([paragraph])
        paragraph.insert(0, [text])
        text.insert(0, 'lorem ipsum dolor')
      })
      client.paragraph = paragraph
      client.paragraphText = text
    }
    if (k % 2 === 0) client.paragraph.setAttribute('textAlign', token)
    else client.paragraphText.format(0, 5, { bold: { t: token } })
  }
}

// `url` may list several servers (a cluster's processes), comma-separated: each room's clients
// are dealt over them in turn, so every edit also has to cross between processes.
const urls = url.split(',')
const specs = rooms.flatMap((room) => Array.from({ length: clientsPerRoom }, (_, i) => ({ room, url: urls[i % urls.length] })))
const started = now()
const clients = await openClients(specs, { protocol, url, token }, connectBatch)
clients.forEach((client) => observe(client.doc))
parentPort.postMessage({ type: 'ready', clients: clients.length, connectMs: now() - started })

const delay = monitorEventLoopDelay({ resolution: 5 })

parentPort.on('message', async (message) => {
  if (message.type === 'start') {
    const { t0, measureStart, measureEnd, drainEnd } = message
    window.start = measureStart
    window.end = measureEnd
    const period = 1000 / rate
    clients.forEach((client, i) => typeInto(client, specs[i].room, period, Math.random() * period, t0))
    setTimeout(() => delay.enable(), Math.max(0, measureStart - now()))
    await sleepUntil(measureEnd)
    running = false
    delay.disable()
    const expected = () => [...sentPerRoom.values()].reduce((sum, n) => sum + n * (clientsPerRoom - 1), 0)
    while (stats.observed < expected() && now() < drainEnd) await sleep(20)
    const latencies = stats.latencies.slice(0, stats.observed)
    parentPort.postMessage({
      type: 'result',
      sent: [...sentPerRoom.values()].reduce((a, b) => a + b, 0),
      expected: expected(),
      observed: stats.observed,
      malformed: stats.malformed,
      closes: clients.reduce((sum, c) => sum + c.closes, 0),
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      loopDelayMaxMs: delay.max / 1e6,
      latencies
    }, [latencies.buffer])
  } else if (message.type === 'close') {
    clients.forEach((client) => client.destroy())
    parentPort.postMessage({ type: 'closed' })
  }
})

function sleep (ms) { return new Promise((resolve) => setTimeout(resolve, ms)) }
function sleepUntil (t) { return sleep(Math.max(0, t - now())) }
