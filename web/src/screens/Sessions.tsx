// Live sessions of a TwinSpace: partner classes meet on one page, channel and board at the same
// time. Teachers schedule, open, extend and end them, pause pupils' writing ("eyes on me"),
// see who is here by school, the log and, afterwards, the attendance. Pupils join with their
// class code and then work in the session's spaces. Times are shown in the viewer's zone.
import type { JSX } from 'preact'
import { useEffect, useId, useState } from 'preact/hooks'
import { ApiError, chat as chatApi, boards as boardsApi, liveSessions, pages as pagesApi, type NewSession } from '../api'
import { AreaField, Empty, Field, Loading, SelectField, errorText, notify, notifyError, useLoad } from '../components/ui'
import { formatDateTime, formatLocale, formatTime, formatWhen, t, tOr, zoneLabel, zoneName } from '../i18n'
import { CallPanel } from '../features/video'
import { useEvent, useSocket } from '../lib/events'
import { stateNow, useProjectLive } from '../lib/projectLive'
import { Link, navigate } from '../lib/router'
import type { Attendance, Channel, JoinCode, LiveSession, Project, Roster, SessionLogEntry, SessionState, User } from '../types'
import { BoardPane } from './Boards'
import { ChannelPane } from './Chat'
import { PageEditor } from './Pages'
import { PupilsNotHere, SessionClasses, classChoiceLabel } from './SessionClasses'
import { isTeacherIn } from './Project'

/** "30 Nov 2026, 10:00 – 11:00" in the viewer's zone (or the given one). */
export function formatSpan(start: string, end: string, zone?: string): string {
  const format = new Intl.DateTimeFormat(formatLocale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: zone })
  try {
    return format.formatRange(new Date(start), new Date(end))
  } catch {
    return `${format.format(new Date(start))} – ${format.format(new Date(end))}`
  }
}

export function StateBadge({ state }: { state: SessionState }): JSX.Element {
  return (
    <span class={`badge badge-session-${state}`} data-testid="session-state" data-state={state}>
      {t(`session.state.${state}`)}
    </span>
  )
}

export function SessionsView({ user, project, sessionId }: { user: User; project: Project; sessionId: number | undefined }): JSX.Element {
  if (sessionId !== undefined) return <SessionDetail key={sessionId} user={user} project={project} sessionId={sessionId} />
  return <SessionList user={user} project={project} />
}

// ---- the list and scheduling

function SessionList({ user, project }: { user: User; project: Project }): JSX.Element {
  const live = useProjectLive()
  const [scheduling, setScheduling] = useState(false)
  const teacher = isTeacherIn(project)
  const over = (s: LiveSession): boolean => stateNow(s) === 'ended' || stateNow(s) === 'cancelled'
  const upcoming = live.sessions.filter((s) => !over(s)).sort((a, b) => a.starts_at.utc.localeCompare(b.starts_at.utc))
  const past = live.sessions.filter(over).sort((a, b) => b.starts_at.utc.localeCompare(a.starts_at.utc))

  const item = (s: LiveSession): JSX.Element => (
    <li key={s.id} class="session-row" data-session-id={s.id}>
      <Link href={`/projects/${project.id}/sessions/${s.id}`}>{s.title}</Link> <StateBadge state={stateNow(s)} />
      <span class="muted"> · {formatSpan(s.starts_at.utc, s.ends_at.utc)}</span>
      {s.joined && <span class="chip">{t('session.youJoined')}</span>}
    </li>
  )

  return (
    <div class="page sessions">
      <div class="row">
        <h2>{t('project.sessions')}</h2>
        {teacher && project.state === 'active' && user.kind === 'teacher' && !scheduling && (
          <button type="button" class="btn btn-primary" onClick={() => setScheduling(true)}>
            {t('session.schedule')}
          </button>
        )}
      </div>
      <p class="hint">{t('session.zoneNote', { zone: zoneLabel() })}</p>
      {scheduling && <ScheduleForm project={project} onCancel={() => setScheduling(false)} />}
      <section aria-labelledby="sessions-upcoming">
        <h3 id="sessions-upcoming">{t('session.upcoming')}</h3>
        {!live.loaded && <p class="muted">{t('status.loading')}</p>}
        {live.loaded && upcoming.length === 0 && <Empty>{t('session.noneUpcoming')}</Empty>}
        <ul class="list">{upcoming.map(item)}</ul>
      </section>
      {past.length > 0 && (
        <section aria-labelledby="sessions-past">
          <h3 id="sessions-past">{t('session.past')}</h3>
          <ul class="list">{past.map(item)}</ul>
        </section>
      )}
    </div>
  )
}

const pad = (n: number): string => String(n).padStart(2, '0')
const localDate = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
const localTime = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}`

/** "Warm-up 10" → {title: "Warm-up", minutes: 10}; one agenda item per line. */
export function parseAgenda(text: string): NewSession['agenda'] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(.*?)[\s,–-]+(\d{1,3})\s*(?:min\.?|minutes?|minut|minuti)?$/i.exec(line)
      return match?.[1] ? { title: match[1].trim(), minutes: Number(match[2]) } : { title: line, minutes: null }
    })
    .slice(0, 50)
}

interface ClassChoice {
  id: number
  label: string
  school: string
}

async function loadScheduleChoices(project: Project) {
  const [classList, pageList, channels, boardList] = await Promise.all([
    liveSessions.projectClasses(project.id),
    pagesApi.list(project.id),
    chatApi.channels(project.id),
    boardsApi.list(project.id),
  ])
  // the viewer's own classes first, then partner schools' classes (invitations)
  const classes: ClassChoice[] = [...classList]
    .sort((a, b) => Number(b.yours) - Number(a.yours))
    .map((c) => ({ id: c.class_id, label: classChoiceLabel(c), school: c.school.name }))
  return {
    classes,
    pages: pageList.filter((p) => !p.deleted),
    channels: channels.filter((c: Channel) => c.kind === 'project' && !c.archived),
    boards: boardList.filter((b) => !b.archived),
  }
}

function ScheduleForm({ project, onCancel }: { project: Project; onCancel: () => void }): JSX.Element {
  const live = useProjectLive()
  const choices = useLoad(() => loadScheduleChoices(project), [project.id])
  const soon = new Date(Math.ceil((Date.now() + 5 * 60_000) / 300_000) * 300_000)
  const [title, setTitle] = useState('')
  const [date, setDate] = useState(localDate(soon))
  const [start, setStart] = useState(localTime(soon))
  const [end, setEnd] = useState(localTime(new Date(soon.getTime() + 3_600_000)))
  const [classIds, setClassIds] = useState<Set<number>>(new Set())
  const [agenda, setAgenda] = useState('')
  const [pageId, setPageId] = useState('')
  const [channelId, setChannelId] = useState('')
  const [boardId, setBoardId] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const id = useId()

  async function submit(event: Event): Promise<void> {
    event.preventDefault()
    setProblem(null)
    const startsAt = new Date(`${date}T${start}`)
    let endsAt = new Date(`${date}T${end}`)
    if (endsAt <= startsAt) endsAt = new Date(endsAt.getTime() + 24 * 3_600_000) // past midnight
    if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) {
      setProblem(t('session.badTimes'))
      return
    }
    if (classIds.size === 0) {
      setProblem(t('session.chooseClass'))
      return
    }
    setBusy(true)
    try {
      const created = await liveSessions.schedule(project.id, {
        title: title.trim(),
        starts_at: startsAt.toISOString(),
        ends_at: endsAt.toISOString(),
        class_ids: [...classIds],
        agenda: parseAgenda(agenda),
        page_id: pageId ? Number(pageId) : null,
        channel_id: channelId ? Number(channelId) : null,
        board_id: boardId ? Number(boardId) : null,
      })
      live.upsert(created)
      notify(t('session.scheduled'))
      navigate(`/projects/${project.id}/sessions/${created.id}`)
    } catch (error) {
      setProblem(errorText(error))
    } finally {
      setBusy(false)
    }
  }

  const data = choices.data
  const newOne = { value: '', label: t('session.makeNew') }
  return (
    <form class="card schedule-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('session.schedule')}</h3>
      <Field label={t('session.title')} value={title} onValue={setTitle} required maxLength={200} />
      <div class="inline-form">
        <div class="field">
          <label for={`${id}-date`}>{t('session.date')}</label>
          <input id={`${id}-date`} type="date" value={date} required onInput={(e) => setDate(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${id}-start`}>{t('session.starts')}</label>
          <input id={`${id}-start`} type="time" value={start} required onInput={(e) => setStart(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${id}-end`}>{t('session.ends')}</label>
          <input id={`${id}-end`} type="time" value={end} required onInput={(e) => setEnd(e.currentTarget.value)} />
        </div>
      </div>
      <p class="hint">{t('session.zoneNote', { zone: zoneLabel() })}</p>
      <Loading data={choices} />
      {data && (
        <>
          <fieldset class="checks">
            <legend>{t('session.classes')}</legend>
            {data.classes.length === 0 && <p class="muted">{t('pupils.noClasses')}</p>}
            {data.classes.map((c) => (
              <label key={c.id} class="check">
                <input
                  type="checkbox"
                  checked={classIds.has(c.id)}
                  onChange={(e) => {
                    const next = new Set(classIds)
                    if (e.currentTarget.checked) next.add(c.id)
                    else next.delete(c.id)
                    setClassIds(next)
                  }}
                />
                {c.label}
              </label>
            ))}
            <p class="hint">{t('session.classesHint')}</p>
          </fieldset>
          <AreaField label={t('session.agenda')} value={agenda} onValue={setAgenda} rows={3} placeholder={t('session.agendaExample')} />
          <p class="hint">{t('session.agendaHint')}</p>
          <div class="grid-3">
            <SelectField label={t('session.page')} value={pageId} onValue={setPageId} options={[newOne, ...data.pages.map((p) => ({ value: String(p.id), label: p.title }))]} />
            <SelectField label={t('session.channel')} value={channelId} onValue={setChannelId} options={[newOne, ...data.channels.map((c) => ({ value: String(c.id), label: `# ${c.name}` }))]} />
            <SelectField label={t('session.board')} value={boardId} onValue={setBoardId} options={[newOne, ...data.boards.map((b) => ({ value: String(b.id), label: b.title }))]} />
          </div>
          <p class="hint">{t('session.spacesHint')}</p>
        </>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy || !data}>
          {t('session.scheduleButton')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('action.cancel')}
        </button>
      </div>
    </form>
  )
}

// ---- one session

function SessionDetail({ user, project, sessionId }: { user: User; project: Project; sessionId: number }): JSX.Element {
  const live = useProjectLive()
  const fetched = useLoad(() => liveSessions.get(sessionId), [sessionId])
  const teacher = isTeacherIn(project)

  useEffect(() => {
    if (fetched.data) live.upsert(fetched.data)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetched.data])

  const session = live.sessions.find((s) => s.id === sessionId) ?? fetched.data
  const state = session ? stateNow(session) : 'scheduled'

  // teachers who look at a live session are in it (their attendance counts too)
  useEffect(() => {
    if (!session || !teacher || state !== 'live' || session.joined !== false) return
    liveSessions.join(session.id).then(live.upsert, () => undefined)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session?.id, session?.joined, state, teacher])

  if (!session) return <Loading data={fetched} />
  return (
    <div class="page session" data-testid="live-session" data-session-id={session.id}>
      <p>
        <Link href={`/projects/${project.id}/sessions`}>← {t('session.all')}</Link>
      </p>
      <SessionHeader session={session} state={state} />
      {state === 'live' && (teacher || session.joined) && <CallPanel session={session} user={user} teacher={teacher} />}
      {teacher && <SessionClasses user={user} project={project} session={session} state={state} />}
      {teacher ? (
        <TeacherSession session={session} state={state} project={project} />
      ) : (
        <PupilSession user={user} project={project} session={session} state={state} />
      )}
    </div>
  )
}

function SessionHeader({ session, state }: { session: LiveSession; state: SessionState }): JSX.Element {
  const zones = new Map<string, { school: string; timezone: string }>()
  session.classes.forEach((c) => {
    if (c.school.timezone !== zoneName()) zones.set(c.school.timezone, { school: c.school.name, timezone: c.school.timezone })
  })
  return (
    <header class="session-head">
      <div class="row">
        <h2>{session.title}</h2>
        <StateBadge state={state} />
        {state === 'live' && session.read_only && <span class="badge badge-eyes">{t('session.eyesOnBadge')}</span>}
      </div>
      <p class="session-when">
        <time dateTime={session.starts_at.utc}>{formatSpan(session.starts_at.utc, session.ends_at.utc)}</time>{' '}
        <span class="muted">({zoneLabel()})</span>
      </p>
      {zones.size > 0 && (
        <ul class="zone-list muted small">
          {[...zones.values()].map((z) => (
            <li key={z.timezone}>{t('session.atSchool', { school: z.school, when: formatSpan(session.starts_at.utc, session.ends_at.utc, z.timezone) })}</li>
          ))}
        </ul>
      )}
      <p class="muted small">{t('session.classesList', { classes: session.classes.map((c) => `${c.class_name} (${c.school.name})`).join(', ') })}</p>
      {session.agenda.length > 0 && (
        <details class="agenda" open>
          <summary>{t('session.agenda')}</summary>
          <ol>
            {session.agenda.map((item, index) => (
              <li key={index}>
                {item.title}
                {item.minutes ? <span class="muted"> · {t('desk.minutes', { n: item.minutes })}</span> : null}
              </li>
            ))}
          </ol>
        </details>
      )}
    </header>
  )
}

// ---- teachers

function TeacherSession({ session, state, project }: { session: LiveSession; state: SessionState; project: Project }): JSX.Element {
  const live = useProjectLive()
  const [minutes, setMinutes] = useState('15')
  const [busy, setBusy] = useState(false)

  async function act(run: () => Promise<LiveSession>, done?: string): Promise<void> {
    setBusy(true)
    try {
      live.upsert(await run())
      if (done) notify(done)
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <section class="session-controls" aria-labelledby="controls-heading">
        <h3 id="controls-heading" class="sr-only">
          {t('session.controls')}
        </h3>
        {state === 'scheduled' && (
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void act(() => liveSessions.open(session.id), t('session.opened'))}>
            {t('session.openNow')}
          </button>
        )}
        {state === 'live' && (
          <div class="actions">
            <button
              type="button"
              class={`btn btn-big ${session.read_only ? 'btn-primary' : ''}`}
              aria-pressed={session.read_only}
              disabled={busy}
              onClick={() => void act(() => liveSessions.readOnly(session.id, !session.read_only))}
              data-testid="eyes-on-me"
            >
              {t('session.eyesOnMe')}
            </button>
            <span class="muted small">{session.read_only ? t('session.eyesOnHint') : t('session.eyesOffHint')}</span>
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault()
                void act(() => liveSessions.extend(session.id, Number(minutes)), t('session.extended'))
              }}
            >
              <SelectField label={t('session.extendBy')} value={minutes} onValue={setMinutes} options={[5, 10, 15, 30, 60].map((n) => ({ value: String(n), label: t('desk.minutes', { n }) }))} />
              <button type="submit" class="btn" disabled={busy}>
                {t('session.extend')}
              </button>
            </form>
            <button
              type="button"
              class="btn btn-danger"
              disabled={busy}
              onClick={() => {
                if (window.confirm(t('session.confirmEnd'))) void act(() => liveSessions.end(session.id), t('session.endedNotice'))
              }}
            >
              {t('session.end')}
            </button>
          </div>
        )}
        <SpaceLinks project={project} session={session} />
      </section>
      {state !== 'ended' && state !== 'cancelled' && <JoinCodes session={session} />}
      {state !== 'ended' && state !== 'cancelled' && <RosterView session={session} />}
      {state === 'live' && <PupilsNotHere session={session} />}
      {state === 'ended' && <AttendanceView session={session} />}
      <SessionLog session={session} />
    </>
  )
}

function SpaceLinks({ project, session }: { project: Project; session: LiveSession }): JSX.Element {
  const base = `/projects/${project.id}`
  return (
    <p class="space-links">
      {session.page_id !== null && <Link href={`${base}/pages/${session.page_id}`}>{t('session.openPage')}</Link>}
      {session.channel_id !== null && <Link href={`${base}/chat/${session.channel_id}`}>{t('session.openChat')}</Link>}
      {session.board_id !== null && <Link href={`${base}/boards/${session.board_id}`}>{t('session.openBoard')}</Link>}
    </p>
  )
}

function JoinCodes({ session }: { session: LiveSession }): JSX.Element {
  // reloaded when classes join or leave the session (their codes come and go)
  const codes = useLoad(() => liveSessions.codes(session.id), [session.id, session.classes.map((c) => c.class_id).join(',')])
  async function regenerate(code: JoinCode): Promise<void> {
    if (!window.confirm(t('session.confirmNewCode', { name: code.class_name }))) return
    try {
      const fresh = await liveSessions.regenerate(session.id, code.class_id)
      codes.patch((list) => list.map((c) => (c.class_id === fresh.class_id ? fresh : c)))
    } catch (error) {
      notifyError(error)
    }
  }
  return (
    <section aria-labelledby="codes-heading" class="join-codes">
      <h3 id="codes-heading">{t('session.codes')}</h3>
      <p class="hint">{t('session.codesHint')}</p>
      <Loading data={codes} />
      {codes.data && codes.data.length === 0 && <Empty>{t('session.noCodes')}</Empty>}
      <ul class="code-list">
        {codes.data?.map((code) => (
          <li key={code.class_id} class="code-card" data-class-id={code.class_id}>
            <span class="muted">{t('session.codeFor', { name: code.class_name })}</span>
            <strong class="join-code mono" data-testid="join-code">
              {code.code}
            </strong>
            <button type="button" class="btn btn-small" onClick={() => void regenerate(code)} aria-label={t('session.newCodeFor', { name: code.class_name })}>
              {t('session.newCode')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}

function locationText(location: { kind: string; id: number } | null): string {
  if (!location) return ''
  return tOr(`session.where.${location.kind}`, location.kind)
}

export function RosterView({ session, compact = false }: { session: LiveSession; compact?: boolean }): JSX.Element | null {
  const socket = useSocket()
  const roster = useLoad(() => liveSessions.roster(session.id), [session.id])
  useEvent(socket, 'session.roster', (data: Roster) => {
    if (data.session_id === session.id) roster.set(data)
  })
  useEvent(socket, 'reload', () => roster.reload())
  // the roster is for participants: pupils of other classes simply do not see it
  if (roster.error instanceof ApiError && roster.error.status === 403) return null
  return (
    <section aria-labelledby="roster-heading" class="roster" data-testid="roster">
      <h3 id="roster-heading">{t('session.roster')}</h3>
      <Loading data={roster} />
      <div class="roster-schools">
        {roster.data?.schools.map((group) => (
          <section key={group.school.id} class="card roster-school" aria-label={group.school.name} data-school-id={group.school.id}>
            <h4>{group.school.name}</h4>
            <p class="muted small">{t('session.rosterCounts', { present: group.present, joined: group.joined, expected: group.expected })}</p>
            {!compact && (
              <ul class="roster-people">
                {group.people.map((p) => (
                  <li key={p.user.id} class={p.online ? 'online' : 'away'} data-user-id={p.user.id}>
                    <span class={`presence ${p.online ? 'on' : 'off'}`}>
                      <span class="dot" aria-hidden="true" />
                    </span>
                    {p.user.display_name}
                    <span class="muted small">
                      {' '}
                      · {t(`role.${p.user.role}`)} · {p.online ? t('members.online') : t('members.offline')}
                      {p.location && ` · ${locationText(p.location)}`}
                    </span>
                  </li>
                ))}
                {group.people.length === 0 && <li class="muted">{t('session.nobodyYet')}</li>}
              </ul>
            )}
          </section>
        ))}
      </div>
    </section>
  )
}

function AttendanceView({ session }: { session: LiveSession }): JSX.Element {
  const attendance = useLoad<Attendance>(() => liveSessions.attendance(session.id), [session.id, session.ended_at?.utc])
  return (
    <section aria-labelledby="attendance-heading" class="attendance" data-testid="attendance">
      <h3 id="attendance-heading">{t('session.attendance')}</h3>
      <Loading data={attendance} />
      {attendance.data?.final && session.version_id !== null && <p class="hint">{t('session.versionSaved')}</p>}
      <div class="roster-schools">
        {attendance.data?.schools.map((group) => (
          <section key={group.school.id} class="card" aria-label={group.school.name} data-school-id={group.school.id}>
            <h4>
              {group.school.name}
              {group.yours && <span class="chip">{t('session.yourSchool')}</span>}
            </h4>
            <p>{t('session.attendanceCounts', { joined: group.pupils_joined, expected: group.pupils_expected, teachers: group.teachers_joined })}</p>
            {group.absent && group.absent.length > 0 && (
              <p class="muted small" data-testid="absent">
                {t('session.absent', { names: group.absent.map((p) => p.display_name).join(', ') })}
              </p>
            )}
            <ul class="roster-people">
              {[...group.pupils, ...group.teachers].map((a) => (
                <li key={a.id}>
                  {a.display_name}{' '}
                  <span class="muted small">
                    · {t('session.joinedAt', { when: formatTime(a.joined_at.utc) })}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </section>
  )
}

function logText(entry: SessionLogEntry): string {
  const who = entry.user?.display_name ?? entry.actor?.display_name ?? ''
  const minutes = typeof entry.details.minutes === 'number' ? entry.details.minutes : 0
  return tOr(`session.log.${entry.action}`, entry.action, { who, minutes })
}

function SessionLog({ session }: { session: LiveSession }): JSX.Element {
  const socket = useSocket()
  const log = useLoad(() => liveSessions.log(session.id), [session.id])
  useEvent(socket, 'session.log', (data: SessionLogEntry & { session_id: number }) => {
    if (data.session_id !== session.id) return
    log.patch((list) => (list.some((e) => e.id === data.id) ? list : [...list, data]))
  })
  useEvent(socket, 'reload', () => log.reload())
  const entries = (log.data ?? []).slice().sort((a, b) => b.id - a.id)
  return (
    <section aria-labelledby="log-heading" class="session-log">
      <h3 id="log-heading">{t('session.logTitle')}</h3>
      <Loading data={log} />
      {/* scrolls on its own: keyboard users focus it to scroll (axe scrollable-region-focusable) */}
      <ol class="list log-list" tabIndex={0} aria-labelledby="log-heading">
        {entries.map((entry) => (
          <li key={entry.id}>
            <time dateTime={entry.at.utc} class="muted">
              {formatTime(entry.at.utc)}
            </time>{' '}
            {logText(entry)}
          </li>
        ))}
      </ol>
    </section>
  )
}

// ---- pupils

function PupilSession({ user, project, session, state }: { user: User; project: Project; session: LiveSession; state: SessionState }): JSX.Element {
  if (state === 'cancelled') {
    return (
      <p class="notice big-notice" role="status">
        {t('session.wasCancelled')}
      </p>
    )
  }
  if (state === 'scheduled') {
    return (
      <p class="notice big-notice" role="status">
        {t('session.startsAt', { when: formatWhen(session.starts_at.utc) })}
      </p>
    )
  }
  if (state === 'live' && !session.joined) {
    if (project.my_role !== 'pupil') return <p class="notice">{t('session.guestsFollow')}</p>
    return <JoinForm session={session} />
  }
  return (
    <>
      {state === 'ended' && (
        <p class="notice big-notice" role="status">
          {t('session.hasEnded')}
        </p>
      )}
      {state === 'live' && session.read_only && (
        <p class="notice big-notice eyes-notice" role="status" data-testid="eyes-notice">
          {t('session.block.readOnly')}
        </p>
      )}
      {state === 'live' && <RosterView session={session} compact />}
      <SessionSpaces user={user} project={project} session={session} />
    </>
  )
}

function JoinForm({ session }: { session: LiveSession }): JSX.Element {
  const live = useProjectLive()
  const [code, setCode] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function join(event: Event): Promise<void> {
    event.preventDefault()
    if (!code.trim()) return
    setBusy(true)
    setProblem(null)
    try {
      live.upsert(await liveSessions.join(session.id, code.trim()))
    } catch (error) {
      setProblem(errorText(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="join-form card" onSubmit={(e) => void join(e)}>
      <h3>{t('session.joinTitle')}</h3>
      <label for="join-code" class="join-label">
        {t('session.yourCode')}
      </label>
      <input
        id="join-code"
        class="code-input mono"
        value={code}
        maxLength={12}
        autocomplete="off"
        autocapitalize="characters"
        spellcheck={false}
        aria-describedby={problem ? 'join-error' : 'join-hint'}
        onInput={(e) => setCode(e.currentTarget.value.toUpperCase())}
      />
      <p class="hint" id="join-hint">
        {t('session.codeHint')}
      </p>
      {problem && (
        <p class="form-error" role="alert" id="join-error">
          {problem}
        </p>
      )}
      <button type="submit" class="btn btn-primary btn-big" disabled={busy || !code.trim()}>
        {t('session.join')}
      </button>
    </form>
  )
}

type SpaceTab = 'page' | 'chat' | 'board'

function SessionSpaces({ user, project, session }: { user: User; project: Project; session: LiveSession }): JSX.Element {
  const tabs: [SpaceTab, string][] = []
  if (session.page_id !== null) tabs.push(['page', t('session.tabPage')])
  if (session.channel_id !== null) tabs.push(['chat', t('session.tabChat')])
  if (session.board_id !== null) tabs.push(['board', t('session.tabBoard')])
  const [tab, setTab] = useState<SpaceTab>(tabs[0]?.[0] ?? 'page')
  return (
    <section class="session-spaces" aria-label={t('session.spaces')}>
      <div class="segmented-buttons" role="group" aria-label={t('session.spaces')}>
        {tabs.map(([key, label]) => (
          <button key={key} type="button" class="btn btn-big" aria-pressed={tab === key} onClick={() => setTab(key)}>
            {label}
          </button>
        ))}
      </div>
      {tab === 'page' && session.page_id !== null && <PageEditor key={session.page_id} user={user} project={project} pageId={session.page_id} />}
      {tab === 'chat' && session.channel_id !== null && <SessionChannel user={user} project={project} channelId={session.channel_id} />}
      {tab === 'board' && session.board_id !== null && <BoardPane key={session.board_id} user={user} project={project} boardId={session.board_id} />}
    </section>
  )
}

function SessionChannel({ user, project, channelId }: { user: User; project: Project; channelId: number }): JSX.Element {
  const socket = useSocket()
  const channels = useLoad(() => chatApi.channels(project.id), [project.id])
  useEffect(() => {
    socket?.subscribe({ channels: [channelId] })
  }, [socket, channelId])
  const channel = channels.data?.find((c) => c.id === channelId)
  if (!channel) return <Loading data={channels} />
  return <ChannelPane key={channel.id} user={user} project={project} channel={channel} />
}

/** The dashboard's line for a session: title, TwinSpace, when (viewer's zone), state. */
export function sessionWhen(session: LiveSession): string {
  return stateNow(session) === 'live' ? t('session.liveUntil', { when: formatWhen(session.ends_at.utc) }) : formatDateTime(session.starts_at.utc)
}
