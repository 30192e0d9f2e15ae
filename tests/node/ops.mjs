// Edits and views shared by doctool.mjs and peer.mjs: a Y.Text named "text" and a Tiptap-shaped
// Y.XmlFragment named "default" built the way y-prosemirror stores ProseMirror nodes.
import * as Y from 'yjs'

export const toBase64 = (bytes) => Buffer.from(bytes).toString('base64')
export const fromBase64 = (text) => new Uint8Array(Buffer.from(text, 'base64'))

const marksToAttributes = (marks = []) =>
  Object.fromEntries(marks.map((mark) => [mark.type, mark.attrs || {}]))

const textNodesToY = (nodes) => {
  const text = new Y.XmlText()
  text.applyDelta(nodes.map((node) => ({ insert: node.text, attributes: marksToAttributes(node.marks) })))
  return text
}

// ProseMirror JSON nodes -> Yjs types, as y-prosemirror's createTypeFromElementNode does it.
export const pmToY = (content = []) => {
  const out = []
  let runs = []
  for (const node of content) {
    if (node.type === 'text') {
      runs.push(node)
      continue
    }
    if (runs.length > 0) {
      out.push(textNodesToY(runs))
      runs = []
    }
    const element = new Y.XmlElement(node.type)
    for (const [key, value] of Object.entries(node.attrs || {})) {
      if (value !== null && value !== undefined) element.setAttribute(key, value)
    }
    element.insert(0, pmToY(node.content || []))
    out.push(element)
  }
  if (runs.length > 0) out.push(textNodesToY(runs))
  return out
}

const resolve = (doc, name, path = []) => {
  let node = doc.getXmlFragment(name)
  for (const index of path) {
    node = node.get(index)
    if (node === undefined) throw new Error(`no node at path ${JSON.stringify(path)}`)
  }
  return node
}

const ops = {
  textInsert: (doc, op) => doc.getText(op.name || 'text').insert(op.index, op.text, op.attrs || {}),
  textDelete: (doc, op) => doc.getText(op.name || 'text').delete(op.index, op.length),
  textFormat: (doc, op) => doc.getText(op.name || 'text').format(op.index, op.length, op.attrs),
  setContent: (doc, op) => {
    const fragment = doc.getXmlFragment(op.name || 'default')
    fragment.delete(0, fragment.length)
    fragment.insert(0, pmToY(op.content))
  },
  insertNodes: (doc, op) =>
    resolve(doc, op.name || 'default', op.path).insert(op.index, pmToY(op.content)),
  deleteNodes: (doc, op) =>
    resolve(doc, op.name || 'default', op.path).delete(op.index, op.length),
  xmlTextInsert: (doc, op) =>
    resolve(doc, op.name || 'default', op.path).insert(op.index, op.text, op.attrs || {}),
  xmlTextDelete: (doc, op) =>
    resolve(doc, op.name || 'default', op.path).delete(op.index, op.length),
  xmlTextFormat: (doc, op) =>
    resolve(doc, op.name || 'default', op.path).format(op.index, op.length, op.attrs),
  setAttribute: (doc, op) =>
    resolve(doc, op.name || 'default', op.path).setAttribute(op.key, op.value),
  removeAttribute: (doc, op) =>
    resolve(doc, op.name || 'default', op.path).removeAttribute(op.key)
}

// Runs one op in its own transaction.
export const applyOp = (doc, op) => {
  const run = ops[op.op]
  if (run === undefined) throw new Error(`unknown op ${op.op}`)
  doc.transact(() => run(doc, op))
}

const tree = (parent) =>
  parent.toArray().map((node) =>
    node instanceof Y.XmlText
      ? { text: node.toDelta() }
      : { name: node.nodeName, attrs: node.getAttributes(), children: tree(node) })

export const describeText = (doc, name = 'text') => {
  const text = doc.getText(name)
  return { text: text.toString(), delta: text.toDelta() }
}

export const describeXml = (doc, name = 'default') => {
  const fragment = doc.getXmlFragment(name)
  return { xml: fragment.toString(), json: fragment.toJSON(), tree: tree(fragment) }
}
