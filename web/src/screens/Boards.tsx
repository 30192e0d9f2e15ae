import type { JSX } from 'preact'
import { Icon } from '../components/Icon'
import { useEffect, useRef, useState } from 'preact/hooks'
import { boards as boardsApi, uploadMedia } from '../api'
import { ItemActions } from '../components/ItemActions'
import { SpaceBlockNotice } from '../components/live'
import { Reactions } from '../components/Reactions'
import { AreaField, Dialog, Empty, Field, Loading, StatusBadge, errorText, notify, notifyError, safeHref, useLoad } from '../components/ui'
import { formatBytes, formatDateTime, reasonText, t, tn } from '../i18n'
import { FileDrop, LAYOUTS, MediaViewer, flowOrder, movableIn, timelineOrder } from '../features/boards'
import { useEvent, useSocket } from '../lib/events'
import { noteConsent, noteMute, useProjectLive, useSpaceBlock } from '../lib/projectLive'
import { Link, navigate } from '../lib/router'
import type { Board, BoardSettings, Comment, ItemStatus, Post, PostKind, Project, Section, User } from '../types'
import { isTeacherIn } from './Project'

const UNSORTED = 0 // column key for posts outside any section

function byPosition<T extends { position: number; id: number }>(a: T, b: T): number {
  return a.position - b.position || a.id - b.id
}

export function BoardsView({ user, project, boardId }: { user: User; project: Project; boardId: number | undefined }): JSX.Element {
  const list = useLoad(() => boardsApi.list(project.id), [project.id])
  const socket = useSocket()
  const teacher = isTeacherIn(project)
  const [creating, setCreating] = useState(false)
  const [title, setTitle] = useState('')

  useEffect(() => {
    if (boardId === undefined && list.data?.[0]) navigate(`/projects/${project.id}/boards/${list.data[0].id}`, true)
  }, [boardId, list.data, project.id])
  useEvent(socket, 'board.updated', () => list.reload())

  async function create(event: Event): Promise<void> {
    event.preventDefault()
    try {
      const board = await boardsApi.create(project.id, title.trim())
      setCreating(false)
      setTitle('')
      list.reload()
      navigate(`/projects/${project.id}/boards/${board.id}`)
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <div class="split">
      <aside class="sidebar" aria-labelledby="boards-heading">
        <h2 id="boards-heading">{t('project.boards')}</h2>
        <Loading data={list} />
        {list.data && list.data.length === 0 && <Empty>{t('boards.none')}</Empty>}
        <ul class="nav-list">
          {list.data?.map((board) => (
            <li key={board.id}>
              <Link href={`/projects/${project.id}/boards/${board.id}`} aria-current={board.id === boardId ? 'page' : undefined}>
                {board.title}
              </Link>
            </li>
          ))}
        </ul>
        {teacher && project.state === 'active' && (
          <button type="button" class="btn" onClick={() => setCreating(true)}>
            {t('boards.new')}
          </button>
        )}
        <Dialog open={creating} title={t('boards.new')} onClose={() => setCreating(false)}>
          <form onSubmit={(e) => void create(e)}>
            <Field label={t('boards.title')} value={title} onValue={setTitle} required maxLength={100} />
            <button type="submit" class="btn btn-primary">
              {t('action.create')}
            </button>
          </form>
        </Dialog>
      </aside>
      <section class="content">{boardId !== undefined && <BoardPane key={boardId} user={user} project={project} boardId={boardId} />}</section>
    </div>
  )
}

function upsertPost(board: Board, post: Post): Board {
  const posts = board.posts.filter((p) => p.id !== post.id)
  return { ...board, posts: [...posts, post] }
}

export function BoardPane({ user, project, boardId }: { user: User; project: Project; boardId: number }): JSX.Element {
  const socket = useSocket()
  const loaded = useLoad(() => boardsApi.get(boardId), [boardId])
  const board = loaded.data
  const teacher = isTeacherIn(project)
  const [composeIn, setComposeIn] = useState<number | null>(null)
  const [dragging, setDragging] = useState<number | null>(null)
  const [newSection, setNewSection] = useState(false)
  const [sectionTitle, setSectionTitle] = useState('')
  const [settingsOpen, setSettingsOpen] = useState(false)
  const [viewing, setViewing] = useState<Post | null>(null)
  const update = loaded.patch
  const block = useSpaceBlock(project, 'board', boardId)

  useEffect(() => {
    socket?.subscribe({ boards: [boardId] })
    socket?.setLocation({ kind: 'board', id: boardId })
    return () => socket?.setLocation(null)
  }, [socket, boardId])

  const here = (data: { board_id: number }): boolean => data.board_id === boardId
  useEvent(socket, 'reload', () => loaded.reload())
  useEvent(socket, 'subscribed', (data: { boards?: number[] }) => {
    if (data.boards?.includes(boardId)) loaded.reload()
  })
  useEvent(socket, 'post.created', (post: Post) => here(post) && update((b) => upsertPost(b, post)))
  useEvent(socket, 'post.updated', (post: Post) => here(post) && update((b) => upsertPost(b, post)))
  useEvent(socket, 'post.removed', (d: { id: number; board_id: number }) => here(d) && update((b) => ({ ...b, posts: b.posts.filter((p) => p.id !== d.id) })))
  useEvent(socket, 'post.moved', (d: { id: number; board_id: number; section_id: number | null; position: number }) =>
    here(d) && update((b) => ({ ...b, posts: b.posts.map((p) => (p.id === d.id ? { ...p, section_id: d.section_id, position: d.position } : p)) })),
  )
  useEvent(socket, 'post.reactions', (d: { id: number; board_id: number; reactions: Post['reactions'] }) =>
    here(d) && update((b) => ({ ...b, posts: b.posts.map((p) => (p.id === d.id ? { ...p, reactions: d.reactions } : p)) })),
  )
  useEvent(socket, 'section.created', (s: Section) => here(s) && update((b) => ({ ...b, sections: [...b.sections.filter((x) => x.id !== s.id), s] })))
  useEvent(socket, 'section.updated', (s: Section) => here(s) && update((b) => ({ ...b, sections: b.sections.map((x) => (x.id === s.id ? s : x)) })))
  useEvent(socket, 'section.removed', (d: { id: number; board_id: number }) =>
    here(d) &&
    update((b) => ({
      ...b,
      sections: b.sections.filter((x) => x.id !== d.id),
      posts: b.posts.map((p) => (p.section_id === d.id ? { ...p, section_id: null } : p)),
    })),
  )
  useEvent(socket, 'board.updated', (d: Board) => d.id === boardId && update((b) => ({ ...b, ...d, sections: b.sections, posts: b.posts })))
  useEvent(socket, 'media.updated', () => loaded.reload())
  useEvent(socket, 'comment.created', (c: Comment) =>
    here(c) && update((b) => ({ ...b, posts: b.posts.map((p) => (p.id === c.post_id ? { ...p, comment_count: p.comment_count + 1 } : p)) })),
  )

  if (!board) return <Loading data={loaded} />

  const sections = board.sections.slice().sort(byPosition)
  const columns: { id: number; title: string }[] = sections.map((s) => ({ id: s.id, title: s.title }))
  const unsorted = board.posts.filter((p) => p.section_id === null)
  if (unsorted.length > 0 || columns.length === 0) columns.unshift({ id: UNSORTED, title: columns.length ? t('boards.unsorted') : t('boards.posts') })
  const postsIn = (column: number): Post[] => board.posts.filter((p) => (p.section_id ?? UNSORTED) === column).sort(byPosition)
  const canPost = !block && !board.archived && project.state === 'active' && project.my_role !== 'guest' && (board.settings.who_may_post === 'everyone' || teacher)
  const layout = board.settings.layout
  const canMove = (post: Post): boolean => movableIn(layout) && !board.archived && (teacher || post.author?.id === user.id)

  async function move(postId: number, column: number, afterId: number | null): Promise<void> {
    const sectionId = column === UNSORTED ? null : column
    try {
      const moved = await boardsApi.movePost(postId, sectionId, afterId)
      update((b) => upsertPost(b, moved))
    } catch (error) {
      notifyError(error)
    }
  }

  function dropAt(column: number, beforePostId: number | null): void {
    if (dragging === null) return
    const list = postsIn(column).filter((p) => p.id !== dragging)
    let afterId: number | null
    if (beforePostId === null) afterId = list.length ? (list[list.length - 1]?.id ?? null) : null
    else {
      const index = list.findIndex((p) => p.id === beforePostId)
      afterId = index > 0 ? (list[index - 1]?.id ?? null) : null
    }
    const postId = dragging
    setDragging(null)
    void move(postId, column, afterId)
  }

  function step(post: Post, delta: -1 | 1): void {
    const column = post.section_id ?? UNSORTED
    const list = postsIn(column)
    const index = list.findIndex((p) => p.id === post.id)
    const target = index + delta
    if (target < 0 || target >= list.length) return
    const rest = list.filter((p) => p.id !== post.id)
    const afterId = target === 0 ? null : (rest[target - 1]?.id ?? null)
    void move(post.id, column, afterId)
  }

  const shown: Board = board
  function postItemCard(post: Post, index = 0, count = 1): JSX.Element {
    return (
      <PostCard
        post={post}
        project={project}
        blocked={!!block}
        board={shown}
        user={user}
        teacher={teacher}
        columns={columns}
        movable={canMove(post)}
        first={index === 0}
        last={index === count - 1}
        onStep={(delta) => step(post, delta)}
        onMoveTo={(col) => void move(post.id, col, postsIn(col).filter((p) => p.id !== post.id).at(-1)?.id ?? null)}
        onChange={(next) => update((b) => upsertPost(b, next))}
        onView={() => setViewing(post)}
        onRemoved={() => update((b) => ({ ...b, posts: b.posts.filter((p) => p.id !== post.id) }))}
      />
    )
  }

  function postItem(post: Post, columnId: number, index: number, count: number): JSX.Element {
    return (
      <li
        key={post.id}
        data-post-id={post.id}
        draggable={canMove(post)}
        onDragStart={(e) => {
          setDragging(post.id)
          e.dataTransfer?.setData('text/plain', String(post.id))
          if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move'
        }}
        onDragEnd={() => setDragging(null)}
        onDragOver={(e) => {
          if (dragging !== null) e.preventDefault()
        }}
        onDrop={(e) => {
          e.preventDefault()
          e.stopPropagation()
          dropAt(columnId, post.id)
        }}
      >
        {postItemCard(post, index, count)}
      </li>
    )
  }

  /** Where a post sits in its own column (walls and grids show columns one after another). */
  function placeOf(post: Post): { column: number; index: number; count: number } {
    const column = post.section_id ?? UNSORTED
    const list = postsIn(column)
    return { column, index: list.findIndex((p) => p.id === post.id), count: list.length }
  }

  const firstColumn = columns[0]?.id ?? UNSORTED
  const flowing = layout === 'wall' || layout === 'grid'

  async function addSection(event: Event): Promise<void> {
    event.preventDefault()
    try {
      const section = await boardsApi.addSection(boardId, sectionTitle.trim())
      update((b) => ({ ...b, sections: [...b.sections.filter((s) => s.id !== section.id), section] }))
      setSectionTitle('')
      setNewSection(false)
    } catch (error) {
      notifyError(error)
    }
  }

  async function saveSettings(patch: Partial<BoardSettings>): Promise<void> {
    try {
      const updated = await boardsApi.update(boardId, patch)
      loaded.set(updated)
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <div class="board" data-testid="board">
      <div class="board-head">
        <h2>{board.title}</h2>
        {board.settings.approval_required && <span class="chip">{t('boards.approvalOn')}</span>}
        {teacher && (
          <span class="actions">
            <button type="button" class="btn" onClick={() => setNewSection(true)}>
              {t('boards.addColumn')}
            </button>
            <button type="button" class="btn" onClick={() => setSettingsOpen(true)}>
              {t('boards.settings')}
            </button>
            <label class="layout-pick">
              {t('boards.layout')}{' '}
              <select value={layout} data-testid="board-layout" onChange={(e) => void saveSettings({ layout: e.currentTarget.value as BoardSettings['layout'] })}>
                {LAYOUTS.map((choice) => (
                  <option key={choice} value={choice}>
                    {t(`boards.layout.${choice}`)}
                  </option>
                ))}
              </select>
            </label>
          </span>
        )}
      </div>
      {board.description && <p class="muted">{board.description}</p>}
      {block && <SpaceBlockNotice block={block} />}
      {movableIn(layout) && <p class="hint">{t('boards.dragHint')}</p>}
      {canPost && <p class="hint">{t('boards.dropHint')}</p>}
      <FileDrop boardId={boardId} sectionId={firstColumn === UNSORTED ? null : firstColumn} enabled={canPost} onPosted={(post) => update((b) => upsertPost(b, post))}>
      {layout === 'timeline' ? (
        <ol class="timeline" data-layout="timeline" data-testid="board-posts">
          {timelineOrder(board.posts).map((post) => (
            <li key={post.id} data-post-id={post.id}>
              <time class="timeline-date" dateTime={post.created_at}>{formatDateTime(post.created_at)}</time>
              {postItemCard(post)}
            </li>
          ))}
        </ol>
      ) : flowing ? (
        <>
          <ul class={`posts posts-${layout}`} data-layout={layout} data-testid="board-posts">
            {flowOrder(board.posts, columns.map((c) => c.id), UNSORTED).map((post) => {
              const place = placeOf(post)
              return postItem(post, place.column, place.index, place.count)
            })}
          </ul>
          {canPost && (
            <button type="button" class="btn btn-add" onClick={() => setComposeIn(firstColumn)}>
              + {t('boards.addPost')}
            </button>
          )}
        </>
      ) : (
      <div class="columns" data-layout="columns" data-testid="board-posts">
        {columns.map((column) => {
          const posts = postsIn(column.id)
          return (
            <section
              key={column.id}
              class={`column ${dragging !== null ? 'drop-ready' : ''}`}
              aria-label={column.title}
              onDragOver={(e) => {
                if (dragging !== null) e.preventDefault()
              }}
              onDrop={(e) => {
                e.preventDefault()
                dropAt(column.id, null)
              }}
            >
              <h3 class="column-title">{column.title}</h3>
              <ul class="posts">
                {posts.map((post, index) => postItem(post, column.id, index, posts.length))}
              </ul>
              {canPost && (
                <button type="button" class="btn btn-add" onClick={() => setComposeIn(column.id)}>
                  + {t('boards.addPost')}
                </button>
              )}
            </section>
          )
        })}
      </div>
      )}
      </FileDrop>
      <MediaViewer post={viewing} onClose={() => setViewing(null)} />
      {composeIn !== null && (
        <NewPostDialog
          board={board}
          sectionId={composeIn === UNSORTED ? null : composeIn}
          onClose={() => setComposeIn(null)}
          onPosted={(post) => {
            update((b) => upsertPost(b, post))
            setComposeIn(null)
          }}
        />
      )}
      <Dialog open={newSection} title={t('boards.addColumn')} onClose={() => setNewSection(false)}>
        <form onSubmit={(e) => void addSection(e)}>
          <Field label={t('boards.columnTitle')} value={sectionTitle} onValue={setSectionTitle} required maxLength={100} />
          <button type="submit" class="btn btn-primary">
            {t('action.create')}
          </button>
        </form>
      </Dialog>
      <Dialog open={settingsOpen} title={t('boards.settings')} onClose={() => setSettingsOpen(false)}>
        <fieldset class="checks">
          <legend>{t('boards.settings')}</legend>
          {(
            [
              ['approval_required', t('boards.settingApproval')],
              ['comments', t('boards.settingComments')],
              ['reactions', t('boards.settingReactions')],
            ] as const
          ).map(([key, label]) => (
            <label key={key} class="check">
              <input type="checkbox" checked={board.settings[key]} onChange={(e) => void saveSettings({ [key]: e.currentTarget.checked })} />
              {label}
            </label>
          ))}
          <label class="check">
            <input
              type="checkbox"
              checked={board.settings.who_may_post === 'teachers'}
              onChange={(e) => void saveSettings({ who_may_post: e.currentTarget.checked ? 'teachers' : 'everyone' })}
            />
            {t('boards.settingTeachersOnly')}
          </label>
        </fieldset>
      </Dialog>
    </div>
  )
}

interface CardProps {
  post: Post
  project: Project
  blocked: boolean
  board: Board
  user: User
  teacher: boolean
  columns: { id: number; title: string }[]
  movable: boolean
  first: boolean
  last: boolean
  onStep: (delta: -1 | 1) => void
  onMoveTo: (column: number) => void
  onChange: (post: Post) => void
  onView: () => void
  onRemoved: () => void
}

function PostMedia({ post, onView }: { post: Post; onView: () => void }): JSX.Element | null {
  const media = post.media
  if (!media) return null
  const alt = post.title || media.name
  if (media.kind === 'image') {
    return (
      <button type="button" class="post-image-link" onClick={onView} aria-label={t('boards.viewImage', { name: alt })}>
        <img class="post-image" src={media.thumb_url ?? media.url} alt={alt} loading="lazy" width={media.width ?? undefined} height={media.height ?? undefined} />
      </button>
    )
  }
  if (media.kind === 'video') {
    return (
      <>
        <video class="post-video" controls preload="metadata" src={media.url} aria-label={alt} />
        <button type="button" class="btn btn-quiet btn-small" onClick={onView}>
          {t('boards.viewLarge')}
        </button>
      </>
    )
  }
  if (media.kind === 'audio') return <audio controls preload="metadata" src={media.url} aria-label={alt} />
  return (
    <a class="file-link" href={media.url} download={media.name}>
      <Icon name="clip" /> {media.name} <span class="muted">({formatBytes(media.size)})</span>
    </a>
  )
}

function PostCard({ post, project, blocked, board, user, teacher, columns, movable, first, last, onStep, onMoveTo, onChange, onView, onRemoved }: CardProps): JSX.Element {
  const [showComments, setShowComments] = useState(false)
  const own = post.author?.id === user.id
  const status = post.pending ? 'held' : post.status
  return (
    <article class={`post status-${status}`} data-post-id={post.id} data-status={status} aria-labelledby={`post-${post.id}-title`}>
      <h4 id={`post-${post.id}-title`} class="post-title">
        {post.title || (post.media ? post.media.name : t(`postKind.${post.kind}`))}
      </h4>
      <p class="post-meta muted">
        {post.author?.display_name} · <time dateTime={post.created_at}>{formatDateTime(post.created_at)}</time>{' '}
        <StatusBadge status={post.status} pending={post.pending} reason={own || teacher ? reasonText(post) : null} />
      </p>
      {post.removed ? <p class="muted">{t('chat.removed')}</p> : null}
      <PostMedia post={post} onView={onView} />
      {post.body && <p class="post-body">{post.body}</p>}
      {post.kind === 'link' && safeHref(post.url) && (
        <p class="post-link">
          <a href={safeHref(post.url)} target="_blank" rel="noopener noreferrer nofollow">
            {post.url}
          </a>
        </p>
      )}
      {post.pending && own && <p class="hint pending-hint">{t('boards.pendingHint')}</p>}
      <div class="post-actions">
        {board.settings.reactions && (
          <Reactions
            reactions={post.reactions}
            me={user.id}
            disabled={post.status !== 'published' || user.kind === 'pupil' && board.archived}
            onToggle={(emoji) => void boardsApi.react(post.id, emoji).then((reactions) => onChange({ ...post, reactions }), notifyError)}
          />
        )}
        {board.settings.comments && post.status === 'published' && (
          <button type="button" class="btn btn-quiet btn-small" aria-expanded={showComments} onClick={() => setShowComments(!showComments)}>
            {tn('boards.comments', post.comment_count)}
          </button>
        )}
        {(own || teacher) && (
          <button
            type="button"
            class="btn btn-quiet btn-small"
            onClick={() => {
              if (window.confirm(t('boards.confirmDelete'))) void boardsApi.removePost(post.id).then(onRemoved, notifyError)
            }}
          >
            {t('action.delete')}
          </button>
        )}
        {!post.removed && (
          <ItemActions
            projectId={project.id}
            kind="post"
            id={post.id}
            status={status as ItemStatus}
            own={own}
            teacher={teacher}
            label={post.title || t(`postKind.${post.kind}`)}
            onStatus={(next) => onChange({ ...post, status: next, pending: false })}
          />
        )}
      </div>
      {movable && (
        <div class="move-controls" role="group" aria-label={t('boards.moveLabel', { title: post.title || t(`postKind.${post.kind}`) })}>
          <button type="button" class="btn btn-quiet btn-small" disabled={first} onClick={() => onStep(-1)} aria-label={t('boards.moveUp')}>
            ↑
          </button>
          <button type="button" class="btn btn-quiet btn-small" disabled={last} onClick={() => onStep(1)} aria-label={t('boards.moveDown')}>
            ↓
          </button>
          {columns.length > 1 && (
            <select
              aria-label={t('boards.moveTo')}
              value={String(post.section_id ?? UNSORTED)}
              onChange={(e) => onMoveTo(Number(e.currentTarget.value))}
            >
              {columns.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {c.title}
                </option>
              ))}
            </select>
          )}
        </div>
      )}
      {showComments && <Comments post={post} project={project} blocked={blocked} user={user} teacher={teacher} />}
    </article>
  )
}

function Comments({ post, project, blocked, user, teacher }: { post: Post; project: Project; blocked: boolean; user: User; teacher: boolean }): JSX.Element {
  const socket = useSocket()
  const live = useProjectLive()
  const list = useLoad(() => boardsApi.comments(post.id), [post.id])
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const comments = list.data ?? []
  const upsert = (c: Comment): void => list.patch((all) => [...all.filter((x) => x.id !== c.id), c].sort((a, b) => a.id - b.id))
  const drop = (id: number): void => list.patch((all) => all.filter((x) => x.id !== id))

  useEvent(socket, 'comment.created', (c: Comment) => c.post_id === post.id && upsert(c))
  useEvent(socket, 'comment.updated', (c: Comment) => c.post_id === post.id && upsert(c))
  useEvent(socket, 'comment.removed', (d: { id: number; post_id: number }) => d.post_id === post.id && drop(d.id))

  async function send(event: Event): Promise<void> {
    event.preventDefault()
    if (!text.trim()) return
    setBusy(true)
    try {
      const comment = await boardsApi.comment(post.id, text.trim())
      upsert(comment)
      setText('')
      if (comment.pending) notify(t('chat.heldNotice'))
      else if (comment.status === 'blocked') notify(t('chat.blockedNotice', { reason: reasonText(comment) ?? '' }), 'error')
    } catch (error) {
      noteMute(live, error)
      noteConsent(live, error)
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="comments">
      <Loading data={list} />
      <ul>
        {comments.map((c) => (
          <li key={c.id} data-status={c.pending ? 'held' : c.status}>
            <strong>{c.author?.display_name}</strong>: {c.text ?? t('chat.removed')}{' '}
            <StatusBadge status={c.status} pending={c.pending} reason={c.author?.id === user.id || teacher ? reasonText(c) : null} />
            {(c.author?.id === user.id || teacher) && (
              <button type="button" class="btn btn-quiet btn-small" onClick={() => void boardsApi.removeComment(c.id).then(() => drop(c.id), notifyError)}>
                {t('action.delete')}
              </button>
            )}
            {!c.removed && (
              <ItemActions
                projectId={project.id}
                kind="comment"
                id={c.id}
                status={c.pending ? 'held' : c.status}
                own={c.author?.id === user.id}
                teacher={teacher}
                label={t('boards.commentBy', { name: c.author?.display_name ?? t('chat.someone') })}
                onStatus={(next) => upsert({ ...c, status: next, pending: false })}
              />
            )}
          </li>
        ))}
      </ul>
      {!blocked && (
        <form class="comment-form" onSubmit={(e) => void send(e)}>
          <Field label={t('boards.writeComment')} value={text} onValue={setText} maxLength={2000} />
          <button type="submit" class="btn" disabled={busy || !text.trim()}>
            {t('chat.send')}
          </button>
        </form>
      )}
    </div>
  )
}

type Mode = 'text' | 'link' | 'file'

function NewPostDialog({ board, sectionId, onClose, onPosted }: { board: Board; sectionId: number | null; onClose: () => void; onPosted: (post: Post) => void }): JSX.Element {
  const [mode, setMode] = useState<Mode>('file')
  const [title, setTitle] = useState('')
  const [body, setBody] = useState('')
  const [url, setUrl] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [progress, setProgress] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const abort = useRef<AbortController | null>(null)
  const live = useProjectLive()

  useEffect(() => () => abort.current?.abort(), [])

  async function submit(event: Event): Promise<void> {
    event.preventDefault()
    setError(null)
    try {
      let post: Post
      if (mode === 'file') {
        if (!file) {
          setError(t('boards.chooseFile'))
          return
        }
        abort.current = new AbortController()
        setProgress(0)
        const media = await uploadMedia(board.id, file, (p) => setProgress(p.total ? p.loaded / p.total : 0), abort.current.signal)
        const kind: PostKind = media.kind === 'image' || media.kind === 'video' || media.kind === 'audio' ? media.kind : 'file'
        post = await boardsApi.createPost(board.id, { kind, title: title.trim(), body: body.trim(), section_id: sectionId, media_id: media.id })
      } else if (mode === 'link') {
        post = await boardsApi.createPost(board.id, { kind: 'link', title: title.trim(), body: body.trim(), section_id: sectionId, url: url.trim() })
      } else {
        post = await boardsApi.createPost(board.id, { kind: 'text', title: title.trim(), body: body.trim(), section_id: sectionId })
      }
      const why = reasonText(post)
      if (post.pending) notify(why ? `${t('boards.heldNotice')} (${why})` : t('boards.heldNotice'))
      else if (post.status === 'blocked') notify(t('boards.blockedNotice', { reason: why ?? '' }), 'error')
      onPosted(post)
    } catch (failure) {
      noteMute(live, failure)
      noteConsent(live, failure)
      setError(errorText(failure))
      setProgress(null)
    }
  }

  return (
    <Dialog open title={t('boards.addPost')} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} class="new-post">
        <fieldset class="segmented">
          <legend>{t('boards.postKind')}</legend>
          {(
            [
              ['file', t('boards.kindFile')],
              ['text', t('boards.kindText')],
              ['link', t('boards.kindLink')],
            ] as const
          ).map(([value, label]) => (
            <label key={value}>
              <input type="radio" name="post-kind" value={value} checked={mode === value} onChange={() => setMode(value)} />
              {label}
            </label>
          ))}
        </fieldset>
        {mode === 'file' && (
          <div class="field">
            <label for="post-file">{t('boards.file')}</label>
            <input
              id="post-file"
              type="file"
              accept="image/*,video/*,audio/*,.pdf,.txt,.docx,.xlsx,.pptx,.odt,.ods,.odp"
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            />
            {file && (
              <p class="hint">
                {file.name} · {formatBytes(file.size)}
              </p>
            )}
          </div>
        )}
        <Field label={t('boards.postTitle')} value={title} onValue={setTitle} maxLength={200} />
        {mode === 'link' && <Field label={t('boards.url')} type="url" value={url} onValue={setUrl} required placeholder="https://" />}
        <AreaField label={t('boards.postBody')} value={body} onValue={setBody} rows={3} maxLength={5000} />
        {progress !== null && (
          <div class="field">
            <label for="upload-progress">{t('boards.uploading')}</label>
            <progress id="upload-progress" max={1} value={progress} data-testid="upload-progress">
              {Math.round(progress * 100)}%
            </progress>
            <span class="muted"> {Math.round(progress * 100)}%</span>
          </div>
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={progress !== null && progress < 1}>
            {t('boards.publish')}
          </button>
          <button type="button" class="btn" onClick={onClose}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
