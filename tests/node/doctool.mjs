// A Yjs document server for interop tests: one JSON request per stdin line, one JSON reply per
// stdout line ({"id", "ok", ...} or {"id", "ok": false, "error"}). Updates travel as base64.
//
//   {"cmd": "new", "doc": "a", "clientID": 1}          create (or replace) document "a"
//   {"cmd": "ops", "doc": "a", "ops": [op, ...]}      one transaction per op (see ops.mjs);
//                                                       reply {"updates": [b64, ...]}
//   {"cmd": "apply", "doc": "a", "update": b64}
//   {"cmd": "encode", "doc": "a", "sv": b64?}         reply {"update": b64}
//   {"cmd": "sv", "doc": "a"}                          reply {"sv": b64}
//   {"cmd": "text", "doc": "a", "name": "text"}       reply {"text", "delta"}
//   {"cmd": "xml", "doc": "a", "name": "default"}     reply {"xml", "json", "tree"}
//   {"cmd": "merge", "updates": [b64, ...]}           reply {"update": b64} (Y.mergeUpdates)
//   {"cmd": "drop", "doc": "a"}
import * as readline from 'node:readline'
import * as Y from 'yjs'
import { applyOp, describeText, describeXml, fromBase64, toBase64 } from './ops.mjs'

const docs = new Map()

const getDoc = (name) => {
  const doc = docs.get(name)
  if (doc === undefined) throw new Error(`no document ${name}`)
  return doc
}

const handlers = {
  new: (req) => {
    const doc = new Y.Doc()
    if (req.clientID !== undefined) doc.clientID = req.clientID
    docs.set(req.doc, doc)
    return { clientID: doc.clientID }
  },
  ops: (req) => {
    const doc = getDoc(req.doc)
    const updates = []
    const collect = (update) => updates.push(toBase64(update))
    doc.on('update', collect)
    try {
      for (const op of req.ops) applyOp(doc, op)
    } finally {
      doc.off('update', collect)
    }
    return { updates }
  },
  apply: (req) => {
    Y.applyUpdate(getDoc(req.doc), fromBase64(req.update))
    return {}
  },
  encode: (req) => ({
    update: toBase64(Y.encodeStateAsUpdate(getDoc(req.doc), req.sv ? fromBase64(req.sv) : undefined))
  }),
  sv: (req) => ({ sv: toBase64(Y.encodeStateVector(getDoc(req.doc))) }),
  text: (req) => describeText(getDoc(req.doc), req.name),
  xml: (req) => describeXml(getDoc(req.doc), req.name),
  merge: (req) => ({ update: toBase64(Y.mergeUpdates(req.updates.map(fromBase64))) }),
  drop: (req) => {
    docs.delete(req.doc)
    return {}
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (line.trim() === '') continue
  let req = {}
  let reply
  try {
    req = JSON.parse(line)
    const handler = handlers[req.cmd]
    if (handler === undefined) throw new Error(`unknown command ${req.cmd}`)
    reply = { id: req.id, ok: true, ...handler(req) }
  } catch (error) {
    reply = { id: req.id, ok: false, error: String(error && error.stack ? error.stack : error) }
  }
  process.stdout.write(JSON.stringify(reply) + '\n')
}
