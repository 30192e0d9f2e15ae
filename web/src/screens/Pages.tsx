import type { JSX } from 'preact'
import { Icon } from '../components/Icon'
import { useEffect, useRef, useState } from 'preact/hooks'
import { boards as boardsApi, pages as pagesApi } from '../api'
import { Dialog, Empty, Field, Loading, colourFor, notify, notifyError, useLoad } from '../components/ui'
import type { CollabSession, DocStatus, Editor, Peer, SaveState } from '../editor/collab'
import { formatRelative, t } from '../i18n'
import { useEvent, useSocket, useSocketStatus } from '../lib/events'
import { SpaceBlockNotice } from '../components/live'
import { useSpaceBlock } from '../lib/projectLive'
import { Link, navigate } from '../lib/router'
import { sessionExpired } from '../lib/session'
import type { MediaRef, Page, Project, User } from '../types'
import { isTeacherIn } from './Project'
import { RovingToolbar } from '../components/RovingToolbar'

const POLL_MS = 4000

export function PagesView({ user, project, pageId }: { user: User; project: Project; pageId: number | undefined }): JSX.Element {
  const list = useLoad(() => pagesApi.list(project.id), [project.id])
  const socket = useSocket()
  const [creating, setCreating] = useState(false)
  const [title, setTitle] = useState('')
  const teacher = isTeacherIn(project)

  useEvent(socket, 'page.lock', () => list.reload())
  useEvent(socket, 'page.deleted', () => list.reload())
  useEvent(socket, 'reload', () => list.reload())

  useEffect(() => {
    if (pageId === undefined && list.data && list.data[0]) navigate(`/projects/${project.id}/pages/${list.data[0].id}`, true)
  }, [pageId, list.data, project.id])

  async function create(event: Event): Promise<void> {
    event.preventDefault()
    try {
      const page = await pagesApi.create(project.id, title.trim())
      setCreating(false)
      setTitle('')
      list.reload()
      navigate(`/projects/${project.id}/pages/${page.id}`)
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <div class="split">
      <aside class="sidebar" aria-labelledby="pages-heading">
        <h2 id="pages-heading">{t('project.pages')}</h2>
        <Loading data={list} />
        {list.data && list.data.length === 0 && <Empty>{t('pages.none')}</Empty>}
        <ul class="nav-list">
          {list.data?.map((page) => (
            <li key={page.id}>
              <Link href={`/projects/${project.id}/pages/${page.id}`} aria-current={page.id === pageId ? 'page' : undefined}>
                {page.title}
                {page.locked && (
                  <span class="lock" title={t('pages.locked')}>
                    {' '}
                    <Icon name="lock" size={16} />
                    <span class="sr-only">{t('pages.locked')}</span>
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
        {teacher && project.state === 'active' && (
          <button type="button" class="btn" onClick={() => setCreating(true)}>
            {t('pages.new')}
          </button>
        )}
        <Dialog open={creating} title={t('pages.new')} onClose={() => setCreating(false)}>
          <form onSubmit={(e) => void create(e)}>
            <Field label={t('pages.title')} value={title} onValue={setTitle} required maxLength={200} />
            <button type="submit" class="btn btn-primary">
              {t('action.create')}
            </button>
          </form>
        </Dialog>
      </aside>
      <section class="content" aria-label={t('pages.editorRegion')}>
        {pageId !== undefined && <PageEditor key={pageId} user={user} project={project} pageId={pageId} />}
      </section>
    </div>
  )
}

interface ToolbarProps {
  editor: Editor
  disabled: boolean
  onImage: () => void
  onLink: () => void
}

function Toolbar({ editor, disabled, onImage, onLink }: ToolbarProps): JSX.Element {
  // the visible symbol stays part of the accessible name ("H2 Heading 2"), as WCAG 2.5.3 asks
  const button = (label: string, active: boolean, run: () => void, text: string | JSX.Element, extra?: string): JSX.Element => (
    <button
      type="button"
      class={`tool ${extra ?? ''}`}
      aria-pressed={active}
      title={label}
      disabled={disabled}
      onMouseDown={(e) => e.preventDefault()}
      onClick={run}
    >
      {text}
      <span class="sr-only"> {label}</span>
    </button>
  )
  const chain = () => editor.chain().focus()
  const inTable = editor.isActive('table')
  return (
    <RovingToolbar label={t('editor.toolbar')}>
      <div class="group">
        {button(t('editor.paragraph'), editor.isActive('paragraph'), () => chain().setParagraph().run(), '¶')}
        {button(t('editor.heading', { level: 2 }), editor.isActive('heading', { level: 2 }), () => chain().toggleHeading({ level: 2 }).run(), 'H2')}
        {button(t('editor.heading', { level: 3 }), editor.isActive('heading', { level: 3 }), () => chain().toggleHeading({ level: 3 }).run(), 'H3')}
      </div>
      <div class="group">
        {button(t('editor.bold'), editor.isActive('bold'), () => chain().toggleBold().run(), 'B', 'bold')}
        {button(t('editor.italic'), editor.isActive('italic'), () => chain().toggleItalic().run(), 'I', 'italic')}
        {button(t('editor.link'), editor.isActive('link'), onLink, <Icon name="link" />)}
      </div>
      <div class="group">
        {button(t('editor.bulletList'), editor.isActive('bulletList'), () => chain().toggleBulletList().run(), '•')}
        {button(t('editor.orderedList'), editor.isActive('orderedList'), () => chain().toggleOrderedList().run(), '1.')}
        {button(t('editor.quote'), editor.isActive('blockquote'), () => chain().toggleBlockquote().run(), '❝')}
      </div>
      <div class="group">
        {button(t('editor.image'), false, onImage, <Icon name="image" />)}
        {button(t('editor.table'), inTable, () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(), <Icon name="table" />)}
        {inTable && (
          <>
            {button(t('editor.addRow'), false, () => chain().addRowAfter().run(), '+≡')}
            {button(t('editor.addColumn'), false, () => chain().addColumnAfter().run(), '+⫴')}
            {button(t('editor.deleteRow'), false, () => chain().deleteRow().run(), '−≡')}
            {button(t('editor.deleteColumn'), false, () => chain().deleteColumn().run(), '−⫴')}
            {button(t('editor.deleteTable'), false, () => chain().deleteTable().run(), <>−<Icon name="table" /></>)}
          </>
        )}
      </div>
    </RovingToolbar>
  )
}

async function projectImages(projectId: number): Promise<{ media: MediaRef; title: string }[]> {
  const boards = await boardsApi.list(projectId)
  const found: { media: MediaRef; title: string }[] = []
  for (const summary of boards) {
    const board = await boardsApi.get(summary.id)
    for (const post of board.posts) {
      if (post.media && post.media.kind === 'image' && post.status === 'published' && post.media.status === 'published') {
        found.push({ media: post.media, title: post.title || post.media.name })
      }
    }
  }
  return found
}

function ImagePicker({ project, onPick, onClose }: { project: Project; onPick: (m: MediaRef, alt: string) => void; onClose: () => void }): JSX.Element {
  const images = useLoad(() => projectImages(project.id), [project.id])
  return (
    <Dialog open title={t('editor.pickImage')} onClose={onClose} wide>
      <p class="hint">{t('editor.pickImageHint')}</p>
      <Loading data={images} />
      {images.data && images.data.length === 0 && <Empty>{t('editor.noImages')}</Empty>}
      <ul class="image-grid">
        {images.data?.map(({ media, title }) => (
          <li key={media.id}>
            <button type="button" class="image-choice" onClick={() => onPick(media, title)}>
              <img src={media.thumb_url ?? media.url} alt="" loading="lazy" />
              <span>{title}</span>
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  )
}

function LinkDialog({ initial, onDone, onClose }: { initial: string; onDone: (href: string | null) => void; onClose: () => void }): JSX.Element {
  const [href, setHref] = useState(initial)
  const [error, setError] = useState<string | null>(null)
  return (
    <Dialog open title={t('editor.link')} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          const value = href.trim()
          if (!value) return onDone(null)
          const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`
          try {
            const url = new URL(withScheme)
            if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) throw new Error('scheme')
            onDone(url.href)
          } catch {
            setError(t('editor.badLink'))
          }
        }}
      >
        <Field label={t('editor.linkAddress')} value={href} onValue={setHref} type="url" inputMode="url" placeholder="https://" />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="btn btn-primary">
            {t('action.save')}
          </button>
          {initial && (
            <button type="button" class="btn" onClick={() => onDone(null)}>
              {t('editor.removeLink')}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  )
}

export function PageEditor({ user, project, pageId }: { user: User; project: Project; pageId: number }): JSX.Element {
  const socket = useSocket()
  const socketStatus = useSocketStatus(socket)
  const record = useLoad(() => pagesApi.get(pageId), [pageId])
  const host = useRef<HTMLDivElement>(null)
  const session = useRef<CollabSession | null>(null)
  const [generation, setGeneration] = useState(0)
  const [editable, setEditable] = useState<boolean | null>(null)
  const wasEditable = useRef<boolean | null>(null)
  const [status, setStatus] = useState<DocStatus>('connecting')
  const [save, setSave] = useState<SaveState>('connecting')
  // which editor generation has synced: a rebuilt editor never shows the old one's state
  const [syncedGeneration, setSyncedGeneration] = useState<number | null>(null)
  const [peers, setPeers] = useState<Peer[]>([])
  const [, setTick] = useState(0)
  const [dialog, setDialog] = useState<'image' | 'link' | null>(null)
  const page: Page | undefined = record.data
  const block = useSpaceBlock(project, 'page', pageId)
  const canEdit = page?.can_edit === true && !block

  // Lock changes come over the events socket; while it is down, poll the page record.
  useEvent(socket, 'page.lock', (data: { page_id: number }) => {
    if (data.page_id === pageId) record.reload()
  })
  useEvent(socket, 'project.state', () => record.reload())
  useEvent(socket, 'reload', () => record.reload())
  useEffect(() => {
    if (socketStatus === 'online') {
      record.reload()
      return undefined
    }
    const timer = window.setInterval(() => record.reload(), POLL_MS)
    return () => window.clearInterval(timer)
  }, [socketStatus, record.reload])

  useEffect(() => {
    if (!page) return
    if (wasEditable.current === false && canEdit) {
      // read-only → editable: start from a fresh Y.Doc so nothing typed while locked is sent
      setGeneration((n) => n + 1)
    }
    wasEditable.current = canEdit
    setEditable(canEdit)
    session.current?.setEditable(canEdit)
  }, [page, canEdit])

  useEffect(() => {
    if (!page || !host.current || editable === null) return undefined
    let cancelled = false
    let created: CollabSession | null = null
    const mine = generation
    void import('../editor/collab').then(({ createCollab, CLOSE_NOT_AUTHENTICATED, CLOSE_RESYNC }) => {
      if (cancelled || !host.current) return
      created = createCollab({
        element: host.current,
        room: page.room,
        user: { id: user.id, name: user.display_name, color: colourFor(user.id) },
        editable: canEdit,
        label: t('pages.contentLabel', { title: page.title }),
        onStatus: (next, code) => {
          setStatus(next)
          if (next === 'closed' && code === CLOSE_NOT_AUTHENTICATED) sessionExpired()
          if (next === 'closed' && code === CLOSE_RESYNC && !cancelled) {
            // the server refused what this document holds: start again from its copy
            notify(t('editor.resynced'), 'error')
            setGeneration((n) => n + 1)
          }
        },
        onSynced: (ok) => setSyncedGeneration(ok ? mine : null),
        onSave: setSave,
        onPeers: setPeers,
        onChange: () => setTick((n) => n + 1),
      })
      session.current = created
      setTick((n) => n + 1)
    })
    return () => {
      cancelled = true
      created?.destroy()
      if (session.current === created) session.current = null
      setPeers([])
      setSyncedGeneration(null)
      setSave('connecting')
    }
    // the editor is rebuilt only for a new page room or a new generation
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [page?.room, generation, editable === null])

  const editor = session.current?.editor
  const readOnly = !canEdit
  const connected = status === 'connected'
  const synced = syncedGeneration === generation
  // The indicator follows the server's acknowledgement (editor/saveState.ts), not the socket alone.
  const docState = status === 'closed' ? 'closed' : connected && synced && save === 'saved' ? 'synced' : save
  const offline = docState === 'closed' || docState === 'offline'
  const docLabel =
    docState === 'closed'
      ? t('editor.closed')
      : docState === 'synced'
        ? t('editor.saved')
        : docState === 'saving'
          ? t('editor.saving')
          : docState === 'offline'
            ? canEdit
              ? t('editor.offlineKept')
              : t('status.offline')
            : t('status.connecting')

  async function toggleLock(): Promise<void> {
    if (!page) return
    try {
      record.set(page.locked ? await pagesApi.unlock(page.id) : await pagesApi.lock(page.id))
    } catch (error) {
      notifyError(error)
    }
  }

  if (!page) return <Loading data={record} />
  return (
    <article class="page-editor" aria-labelledby="page-title" data-testid="page-editor" data-editable={canEdit ? 'true' : 'false'}>
      <header class="page-editor-head">
        <h2 id="page-title">{page.title}</h2>
        <span class={`conn ${offline ? 'conn-offline' : 'conn-online'}`} role="status" data-testid="doc-status" data-state={docState}>
          <span class="dot" aria-hidden="true" />
          {docLabel}
        </span>
        {isTeacherIn(project) && (
          <button type="button" class="btn" onClick={() => void toggleLock()} data-testid="lock-toggle">
            {page.locked ? t('pages.unlock') : t('pages.lock')}
          </button>
        )}
        <a class="btn btn-quiet" href={pagesApi.exportUrl(page.id, 'html')} download>
          {t('pages.export')}
        </a>
      </header>
      {readOnly && block && <SpaceBlockNotice block={block} />}
      {readOnly && !block && (
        <p class="notice" role="status" data-testid="read-only">
          {page.locked ? t('pages.lockedNotice') : t('pages.readOnlyNotice')}
        </p>
      )}
      <div class="editors-here" aria-live="polite">
        {peers.length > 0 ? (
          <>
            <span class="muted">{t('editor.alsoHere')}</span>{' '}
            <ul class="peer-list">
              {peers.map((peer) => (
                <li key={peer.clientId} class="peer" style={{ backgroundColor: peer.color }}>
                  {peer.name}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <span class="muted">{t('editor.alone')}</span>
        )}
      </div>
      {editor && !readOnly && (
        <Toolbar editor={editor} disabled={readOnly} onImage={() => setDialog('image')} onLink={() => setDialog('link')} />
      )}
      <div ref={host} class="editor-host" key={generation} />
      <p class="muted small" data-testid="page-edited">
        {page.edited_by_name
          ? t('pages.updatedBy', { when: formatRelative(page.edited_at), name: page.edited_by_name })
          : t('pages.updated', { when: formatRelative(page.edited_at) })}
      </p>
      {dialog === 'image' && editor && (
        <ImagePicker
          project={project}
          onClose={() => setDialog(null)}
          onPick={(media, alt) => {
            editor.chain().focus().setImage({ src: media.url, alt }).run()
            setDialog(null)
          }}
        />
      )}
      {dialog === 'link' && editor && (
        <LinkDialog
          initial={String(editor.getAttributes('link').href ?? '')}
          onClose={() => setDialog(null)}
          onDone={(href) => {
            if (href) editor.chain().focus().extendMarkRange('link').setLink({ href }).run()
            else editor.chain().focus().extendMarkRange('link').unsetLink().run()
            setDialog(null)
          }}
        />
      )}
    </article>
  )
}
