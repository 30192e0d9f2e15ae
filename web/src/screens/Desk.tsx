// The teacher's desk: the live moderation queue, pupils (mutes and activity), the moderation
// policy, pages and their history, and the audit log.
import type { JSX } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { boards as boardsApi, chat as chatApi, moderation, pages as pagesApi, projects as projectsApi } from '../api'
import { Empty, Loading, SelectField, StatusBadge, notify, notifyError, useLoad } from '../components/ui'
import { categoryName, formatDateTime, formatRelative, reasonText, t, tOr } from '../i18n'
import { useEvent, useSocket } from '../lib/events'
import { Link } from '../lib/router'
import type { HeldNotice } from '../api/events'
import type { Flag, Member, ModerationNotice, Project, QueueDecision, QueueEntry, User } from '../types'
import { AuditLog } from './DeskAudit'
import { PagesDesk } from './DeskPages'
import { PolicySettings } from './DeskPolicy'
import { ActivityDialog, DeskPupils, MuteDialog } from './DeskPupils'

export function canSeeAudit(project: Project): boolean {
  return project.my_role === 'founder' || project.my_role === 'teacher_admin'
}

export function Desk({ user, project, tab }: { user: User; project: Project; tab: string }): JSX.Element {
  const tabs: [string, string][] = [
    ['queue', t('desk.queue')],
    ['pupils', t('desk.pupils')],
    ['policy', t('desk.policy')],
    ['pages', t('desk.pages')],
  ]
  if (canSeeAudit(project)) tabs.push(['audit', t('desk.audit')])
  return (
    <div class="desk">
      <nav class="subtabs" aria-label={t('project.desk')}>
        <ul>
          {tabs.map(([key, label]) => (
            <li key={key}>
              <Link href={`/projects/${project.id}/desk/${key}`} aria-current={tab === key ? 'page' : undefined}>
                {label}
              </Link>
            </li>
          ))}
          {user.kind === 'teacher' && (
            <li>
              <Link href="/pupils">{t('desk.pupilAccounts')}</Link>
            </li>
          )}
        </ul>
      </nav>
      {tab === 'queue' && <Queue project={project} />}
      {tab === 'pupils' && <DeskPupils project={project} />}
      {tab === 'policy' && <PolicySettings project={project} />}
      {tab === 'pages' && <PagesDesk project={project} />}
      {tab === 'audit' && canSeeAudit(project) && <AuditLog project={project} />}
    </div>
  )
}

// ---- highlighted spans

interface Span {
  start: number
  end: number
  flag: Flag
}

/** Flags' spans as UTF-16 offsets into `text`: the server counts code points (Python). */
export function flagSpans(text: string, flags: Flag[]): Span[] {
  const units: number[] = [0]
  for (const char of text) units.push((units[units.length - 1] ?? 0) + char.length)
  const found: Span[] = []
  for (const flag of flags) {
    let span: Span | null = null
    if (typeof flag.start === 'number' && typeof flag.end === 'number' && flag.end <= units.length - 1 && flag.start < flag.end) {
      const start = units[flag.start] ?? 0
      const end = units[flag.end] ?? 0
      if (!flag.excerpt || text.slice(start, end) === flag.excerpt) span = { start, end, flag }
    }
    if (!span && flag.excerpt) {
      // offsets from another text (an edit since): find the excerpt itself
      const at = text.indexOf(flag.excerpt)
      if (at >= 0) span = { start: at, end: at + flag.excerpt.length, flag }
    }
    if (span) found.push(span)
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: Span[] = []
  for (const span of found) {
    const last = merged[merged.length - 1]
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end)
    else merged.push({ ...span })
  }
  return merged
}

/** The text with each flagged span wrapped in <mark> (text nodes only, never HTML). */
export function Highlighted({ text, flags }: { text: string; flags: Flag[] }): JSX.Element {
  const parts: JSX.Element[] = []
  let at = 0
  flagSpans(text, flags).forEach((span, index) => {
    if (span.start > at) parts.push(<span key={`t${index}`}>{text.slice(at, span.start)}</span>)
    parts.push(
      <mark key={`m${index}`} data-category={span.flag.category}>
        {text.slice(span.start, span.end)}
        <span class="sr-only"> ({categoryName(span.flag.category)})</span>
      </mark>,
    )
    at = span.end
  })
  if (at < text.length) parts.push(<span key="rest">{text.slice(at)}</span>)
  return <p class="queue-text">{parts}</p>
}

// ---- the queue

interface QueueContext {
  members: Map<number, Member>
  spaces: Map<string, string>
}

/** Names for the queue: members (authors) and the TwinSpace's channels, boards and pages. */
async function loadContext(project: Project): Promise<QueueContext> {
  const [members, channels, boards, pages] = await Promise.all([
    projectsApi.members(project.id),
    chatApi.channels(project.id),
    boardsApi.list(project.id),
    pagesApi.list(project.id),
  ])
  const spaces = new Map<string, string>()
  for (const c of channels) spaces.set(`channel:${c.id}`, `# ${c.name}`)
  for (const b of boards) spaces.set(`board:${b.id}`, b.title)
  for (const p of pages) spaces.set(`page:${p.id}`, p.title)
  return { members: new Map(members.map((m) => [m.id, m])), spaces }
}

interface Blocked {
  key: string
  notice: HeldNotice
  at: string
}

function Queue({ project }: { project: Project }): JSX.Element {
  const socket = useSocket()
  const [state, setState] = useState<'open' | 'resolved' | 'all'>('open')
  const queue = useLoad(() => moderation.queue(project.id, state), [project.id, state])
  const context = useLoad(() => loadContext(project), [project.id])
  const [blocked, setBlocked] = useState<Blocked[]>([])
  const [muting, setMuting] = useState<Member | null>(null)
  const [activityOf, setActivityOf] = useState<Member | null>(null)
  const [busy, setBusy] = useState<number | null>(null)
  const data = queue.data && context.data ? { entries: queue.data, ...context.data } : undefined
  const pending = useRef<number | undefined>(undefined)

  // several notices in a burst become one refetch
  const refetch = (): void => {
    window.clearTimeout(pending.current)
    pending.current = window.setTimeout(() => queue.reload(), 100)
  }
  useEffect(() => () => window.clearTimeout(pending.current), [])

  useEvent(socket, 'reload', refetch)
  // a new channel, board or page may appear in a notice: refresh the names with the queue
  useEvent(socket, 'channel.updated', () => context.reload())
  useEvent(socket, 'board.updated', () => context.reload())
  useEvent(socket, 'moderation.notice', (notice: ModerationNotice) => {
    if (notice.kind === 'blocked') {
      const key = `${notice.item}:${notice.item_id}`
      setBlocked((list) => [{ key, notice, at: new Date().toISOString() }, ...list.filter((b) => b.key !== key)].slice(0, 20))
      return
    }
    if (notice.kind === 'held' || notice.kind === 'report' || notice.kind === 'page' || notice.kind === 'resolved') refetch()
    if (notice.kind === 'page' || (notice.kind === 'held' && !context.data?.members.has(notice.author.id))) context.reload()
  })

  async function decide(entry: QueueEntry, decision: QueueDecision): Promise<void> {
    setBusy(entry.id)
    try {
      await moderation.decide(project.id, entry.id, decision)
      notify(t(`desk.done.${decision}`))
      if (state === 'open') queue.patch((list) => list.filter((e) => e.id !== entry.id))
      queue.reload()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(null)
    }
  }

  const entries = data?.entries ?? []
  return (
    <section aria-labelledby="queue-heading" class="queue" data-testid="moderation-queue">
      <div class="row">
        <h2 id="queue-heading">
          {t('desk.queue')} {data && <span class="muted">({entries.length})</span>}
        </h2>
        <div class="filters">
          <SelectField
            label={t('desk.show')}
            value={state}
            onValue={(v) => setState(v === 'resolved' || v === 'all' ? v : 'open')}
            options={[
              { value: 'open', label: t('desk.stateOpen') },
              { value: 'resolved', label: t('desk.stateResolved') },
              { value: 'all', label: t('desk.stateAll') },
            ]}
          />
        </div>
      </div>
      <Loading data={queue} />
      {queue.data && <Loading data={context} />}
      {data && entries.length === 0 && <Empty>{state === 'open' ? t('desk.queueEmpty') : t('desk.nothingHere')}</Empty>}
      <ul class="queue-list">
        {data &&
          entries.map((entry) => (
            <QueueItemView
              key={entry.id}
              entry={entry}
              data={data}
              project={project}
              busy={busy === entry.id}
              onDecide={(decision) => void decide(entry, decision)}
              onMute={setMuting}
              onActivity={setActivityOf}
            />
          ))}
      </ul>
      {blocked.length > 0 && (
        <section aria-labelledby="blocked-heading" class="blocked-now">
          <h3 id="blocked-heading">{t('desk.blockedNow')}</h3>
          <p class="hint">{t('desk.blockedNowHint')}</p>
          <ul class="list">
            {blocked.map((b) => (
              <li key={b.key}>
                <strong>{b.notice.author.display_name || t('chat.someone')}</strong> · {t(`desk.item.${b.notice.item}`)} ·{' '}
                <time dateTime={b.at}>{formatRelative(b.at)}</time>
                <p class="queue-text">{b.notice.excerpt}</p>
                {b.notice.reason && <p class="muted">{reasonText(b.notice)}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {muting && <MuteDialog project={project} member={muting} onClose={() => setMuting(null)} onDone={() => setMuting(null)} />}
      {activityOf && <ActivityDialog project={project} member={activityOf} onClose={() => setActivityOf(null)} />}
    </section>
  )
}

interface ItemViewProps {
  entry: QueueEntry
  data: QueueContext
  project: Project
  busy: boolean
  onDecide: (decision: QueueDecision) => void
  onMute: (member: Member) => void
  onActivity: (member: Member) => void
}

function spaceLink(project: Project, entry: QueueEntry): string | null {
  if (entry.item_kind === 'page') return `/projects/${project.id}/pages/${entry.item_id}`
  const item = entry.item
  if (!item) return null
  if (item.space === 'channel') return `/projects/${project.id}/chat/${item.space_id}`
  if (item.space === 'board') return `/projects/${project.id}/boards/${item.space_id}`
  return null
}

function QueueItemView({ entry, data, project, busy, onDecide, onMute, onActivity }: ItemViewProps): JSX.Element {
  const author = entry.author_id !== null ? data.members.get(entry.author_id) : undefined
  const item = entry.item
  const open = entry.state === 'open'
  const held = item?.status === 'held'
  const page = entry.origin === 'page_scan' || entry.item_kind === 'page'
  const link = spaceLink(project, entry)
  const where = item ? data.spaces.get(`${item.space}:${item.space_id}`) : page ? data.spaces.get(`page:${entry.item_id}`) : undefined
  const who = author?.display_name ?? (page ? t('desk.pageFinding') : t('chat.someone'))
  const button = (decision: QueueDecision, primary = false): JSX.Element => (
    <button
      type="button"
      class={primary ? 'btn btn-primary' : 'btn'}
      disabled={busy}
      onClick={() => onDecide(decision)}
      aria-label={`${t(`desk.${decision}`)}: ${who}, ${t(`desk.item.${entry.item_kind}`)}`}
    >
      {t(`desk.${decision}`)}
    </button>
  )
  return (
    <li class={`queue-item origin-${entry.origin} state-${entry.state} ${held ? 'status-held' : ''}`} data-queue-id={entry.id} data-item={entry.item_kind} data-item-id={entry.item_id} data-origin={entry.origin}>
      <div class="queue-head">
        <strong>{who}</strong>
        <span class="chip">{t(`desk.item.${entry.item_kind}`)}</span>
        <span class={`chip ${entry.origin === 'report' ? 'chip-warn' : ''}`}>{t(`desk.origin.${entry.origin}`)}</span>
        {item && <StatusBadge status={item.status} />}
        <time class="muted" dateTime={entry.created_at} title={formatDateTime(entry.created_at)}>
          {formatRelative(entry.created_at)}
        </time>
        {link && <Link href={link}>{where ? t('desk.openWhere', { where }) : t('desk.openSpace')}</Link>}
      </div>
      {page ? (
        <>
          <p class="queue-text">
            <strong>{where ?? item?.text ?? ''}</strong>
          </p>
          <ul class="findings">
            {entry.flags.map((flag, index) => (
              <li key={index}>
                <mark data-category={flag.category}>{flag.excerpt ?? ''}</mark> · {categoryName(flag.category)}
                {flag.location && <span class="muted"> · {t('desk.lineColumn', { line: flag.location.line, column: flag.location.column })}</span>}
              </li>
            ))}
          </ul>
        </>
      ) : item ? (
        <Highlighted text={item.text} flags={entry.flags} />
      ) : (
        <p class="queue-text muted">
          {entry.excerpt} <span class="chip">{t('desk.itemGone')}</span>
        </p>
      )}
      {!page && (
        <p class="muted">
          {entry.origin === 'report' ? t('desk.reportedBecause', { reason: reasonText(entry) ?? '' }) : `${t('desk.reason')}: ${reasonText(entry) ?? ''}`}
        </p>
      )}
      {!page && entry.flags.length > 0 && (
        <p class="flags">
          {entry.flags.map((f, i) => (
            <span key={i} class="chip chip-warn">
              {categoryName(f.category)}
            </span>
          ))}
        </p>
      )}
      {!open && entry.resolution && <p class="muted">{t('desk.resolvedAs', { resolution: tOr(`desk.resolution.${entry.resolution}`, entry.resolution) })}</p>}
      <div class="actions">
        {open && held && entry.can_decide && button('approve', true)}
        {open && held && entry.can_decide && button('reject')}
        {open && !page && item && item.status !== 'hidden' && item.status !== 'deleted' && button('hide')}
        {open && (!held || page) && entry.can_decide && button('dismiss')}
        {open && !entry.can_decide && <span class="muted small">{t('desk.decidedByTheirSchool')}</span>}
        {author && author.role === 'pupil' && (
          <>
            <button type="button" class="btn btn-quiet" onClick={() => onActivity(author)}>
              {t('desk.activityOf', { name: author.display_name })}
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => onMute(author)}>
              {t('desk.mute', { name: author.display_name })}
            </button>
          </>
        )}
      </div>
    </li>
  )
}
