// The collaborative page editor: Tiptap over a Y.Doc synced by the stock y-websocket client.
// Loaded lazily (its own chunk) when a page opens.
import { Editor } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import Image from '@tiptap/extension-image'
import { TableKit } from '@tiptap/extension-table'
import StarterKit from '@tiptap/starter-kit'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { type SaveState, SaveTracker } from './saveState'

export interface Peer {
  clientId: number
  name: string
  color: string
}

export type DocStatus = 'connecting' | 'connected' | 'disconnected' | 'closed'
export type { SaveState }

/** Close codes of /ws/docs the editor acts on (README "Close codes"). */
export const CLOSE_NOT_AUTHENTICATED = 4401
/** Edits sent while read-only were refused and the socket may write again: rebuild the
 * document from the server's copy (the provider has stopped reconnecting). */
export const CLOSE_RESYNC = 4409

export interface CollabOptions {
  element: HTMLElement
  room: string
  user: { name: string; color: string; id: number }
  editable: boolean
  label: string
  onStatus: (status: DocStatus, code?: number) => void
  onSynced: (synced: boolean) => void
  /** What the save indicator says: from the server's acknowledgement (editor/saveState.ts). */
  onSave: (state: SaveState) => void
  onPeers: (peers: Peer[]) => void
  onChange: () => void
}

export interface CollabSession {
  editor: Editor
  setEditable: (editable: boolean) => void
  destroy: () => void
}

/** Extensions shared by the live editor and the read-only version preview (one schema). */
export function baseExtensions() {
  return [
    StarterKit.configure({
      undoRedo: false, // the Collaboration extension brings its own undo
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: 'https',
        protocols: ['http', 'https', 'mailto'],
        HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: '_blank' },
      },
    }),
    Image.configure({ inline: false, allowBase64: false }),
    TableKit.configure({ table: { resizable: false } }),
  ]
}

export function docsUrl(): string {
  return `${location.origin.replace(/^http/, 'ws')}/ws/docs`
}

export function createCollab(options: CollabOptions): CollabSession {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(docsUrl(), options.room, doc, {
    disableBc: true, // every edit goes through the server, which enforces locks
    maxBackoffTime: 5000,
  })
  provider.on('status', ({ status }) => options.onStatus(status))
  provider.on('sync', (synced: boolean) => options.onSynced(synced))
  provider.on('closed', (event: { code: number }) => options.onStatus('closed', event.code))
  const saves = new SaveTracker(provider, doc, options.onSave)

  const editor = new Editor({
    element: options.element,
    editable: options.editable,
    extensions: [
      ...baseExtensions(),
      Collaboration.configure({ document: doc, field: 'default' }),
      CollaborationCaret.configure({
        provider,
        user: { name: options.user.name, color: options.user.color, id: options.user.id },
        render: (user: Record<string, unknown>) => {
          const caret = document.createElement('span')
          caret.classList.add('collaboration-carets__caret')
          caret.setAttribute('aria-hidden', 'true') // names are listed in 'also editing'
          caret.style.borderColor = String(user.color ?? '#333')
          const label = document.createElement('span')
          label.classList.add('collaboration-carets__label')
          label.style.backgroundColor = String(user.color ?? '#333')
          label.textContent = String(user.name ?? '') // text, never HTML
          caret.append(label)
          return caret
        },
      }),
    ],
    editorProps: {
      attributes: {
        class: 'page-content',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': options.label,
        spellcheck: 'true',
      },
    },
  })
  editor.on('transaction', () => options.onChange())

  const reportPeers = (): void => {
    const peers: Peer[] = []
    provider.awareness.getStates().forEach((state, clientId) => {
      if (clientId === doc.clientID) return
      const user = (state as { user?: { name?: unknown; color?: unknown } }).user
      if (user && typeof user.name === 'string') {
        peers.push({ clientId, name: user.name, color: typeof user.color === 'string' ? user.color : '#333' })
      }
    })
    options.onPeers(peers)
  }
  provider.awareness.on('change', reportPeers)

  return {
    editor,
    setEditable(editable: boolean) {
      editor.setEditable(editable)
    },
    destroy() {
      provider.awareness.off('change', reportPeers)
      saves.destroy()
      editor.destroy()
      provider.destroy()
      doc.destroy()
    },
  }
}

/** A read-only editor showing HTML (a version preview): the schema drops anything unknown. */
export function createPreview(element: HTMLElement, html: string, label: string): Editor {
  return new Editor({
    element,
    editable: false,
    extensions: baseExtensions(),
    content: html,
    editorProps: { attributes: { class: 'page-content preview', 'aria-label': label, role: 'document' } },
  })
}

export type { Editor }
