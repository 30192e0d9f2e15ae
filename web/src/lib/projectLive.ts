// Per-TwinSpace live state shared by its screens: the live sessions (kept current by the
// events socket) and, for a pupil, their own mute. Pupils' write rules in a session's spaces
// are computed here as the server computes them, so the screens can explain them up front.
import { createContext } from 'preact'
import { useContext, useEffect, useState } from 'preact/hooks'
import { consent as consentApi, liveSessions } from '../api'
import type { SessionInvited, SessionStartingSoon } from '../api/events'
import { notify } from '../components/ui'
import { t } from '../i18n'
import type { LiveSession, MyConsent, Project, SessionList, SessionState } from '../types'
import { useEvent, type ProjectSocket } from './events'

export interface MyMute {
  until: string
  reason: string
}

export interface ProjectLive {
  sessions: LiveSession[]
  loaded: boolean
  reload: () => void
  upsert: (session: LiveSession) => void
  mute: MyMute | null
  setMute: (mute: MyMute | null) => void
  /** A pupil's own guardian consent (null: not a pupil, or not loaded yet). */
  consent: MyConsent | null
  reloadConsent: () => void
}

const EMPTY: ProjectLive = {
  sessions: [],
  loaded: false,
  reload: () => undefined,
  upsert: () => undefined,
  mute: null,
  setMute: () => undefined,
  consent: null,
  reloadConsent: () => undefined,
}

export const ProjectLiveContext = createContext<ProjectLive>(EMPTY)

export function useProjectLive(): ProjectLive {
  return useContext(ProjectLiveContext)
}

function merge(list: LiveSession[], session: LiveSession): LiveSession[] {
  const before = list.find((s) => s.id === session.id)
  // events carry `joined: null` and times in UTC: keep what this viewer already knew
  const next: LiveSession = before && session.joined === null ? { ...session, joined: before.joined } : session
  return before ? list.map((s) => (s.id === session.id ? next : s)) : [...list, next]
}

/** State of the ProjectLive context, fed by the project's socket (used by ProjectView). */
export function useProjectLiveState(project: Project | undefined, socket: ProjectSocket | null): ProjectLive {
  const [sessions, setSessions] = useState<LiveSession[]>([])
  const [loaded, setLoaded] = useState(false)
  const [tick, setTick] = useState(0)
  const [mute, setMute] = useState<MyMute | null>(null)
  const [consent, setConsent] = useState<MyConsent | null>(null)
  const [consentTick, setConsentTick] = useState(0)
  const projectId = project?.id
  const pupil = project?.my_role === 'pupil'

  // A pupil's guardian consent: asked again when they come back to the tab, when the project
  // reloads, and when a write is refused with `consent-required`.
  useEffect(() => {
    if (!pupil) {
      setConsent(null)
      return undefined
    }
    let cancelled = false
    consentApi.mine().then(
      (mine) => !cancelled && setConsent(mine),
      () => undefined,
    )
    return () => {
      cancelled = true
    }
  }, [pupil, consentTick])
  useEffect(() => {
    if (!pupil) return undefined
    const again = (): void => setConsentTick((n) => n + 1)
    window.addEventListener('focus', again)
    return () => window.removeEventListener('focus', again)
  }, [pupil])

  useEffect(() => {
    if (projectId === undefined) return undefined
    let cancelled = false
    liveSessions.list(projectId).then(
      (list: SessionList) => {
        if (cancelled) return
        setSessions([...list.upcoming, ...list.past])
        setLoaded(true)
      },
      () => setLoaded(true),
    )
    return () => {
      cancelled = true
    }
  }, [projectId, tick])

  // a mute ends by the clock as well as by a teacher
  useEffect(() => {
    if (!mute) return undefined
    const left = new Date(mute.until).getTime() - Date.now()
    const timer = window.setTimeout(() => setMute(null), Math.max(0, Math.min(left, 2 ** 31 - 1)))
    return () => window.clearTimeout(timer)
  }, [mute])

  // a session goes live or ends by the clock: re-render at the next boundary
  const [, setNow] = useState(0)
  useEffect(() => {
    const now = Date.now()
    const next = sessions
      .flatMap((s) => [new Date(s.starts_at.utc).getTime(), new Date(s.ends_at.utc).getTime()])
      .filter((at) => at > now)
      .sort((a, b) => a - b)[0]
    if (next === undefined) return undefined
    const timer = window.setTimeout(() => setNow(Date.now()), Math.min(next - now + 250, 2 ** 31 - 1))
    return () => window.clearTimeout(timer)
  }, [sessions])

  useEvent(socket, 'session.updated', (session: LiveSession) => setSessions((list) => merge(list, session)))
  // a partner teacher's class was invited (or they were told as the session's organiser)
  useEvent(socket, 'session.invited', (data: SessionInvited) => {
    setSessions((list) => merge(list, data.session))
    notify(t('session.invitedNotice', { who: data.by?.display_name ?? '', title: data.session.title }))
  })
  useEvent(socket, 'session.starting_soon', (data: SessionStartingSoon) =>
    notify(t('session.startingSoon', { title: data.title, minutes: data.minutes })),
  )
  useEvent(socket, 'session.read_only', (data: { session_id: number; read_only: boolean }) =>
    setSessions((list) => list.map((s) => (s.id === data.session_id ? { ...s, read_only: data.read_only } : s))),
  )
  useEvent(socket, 'reload', () => {
    setTick((n) => n + 1)
    setConsentTick((n) => n + 1)
  })
  // the server refreshes a pupil's access when their guardian's consent changes
  useEvent(socket, 'access.changed', () => setConsentTick((n) => n + 1))
  useEvent(socket, 'moderation.muted', (data: { until: string; reason: string }) => setMute({ until: data.until, reason: data.reason }))
  useEvent(socket, 'moderation.unmuted', () => setMute(null))

  return {
    sessions,
    loaded,
    reload: () => setTick((n) => n + 1),
    upsert: (session) => setSessions((list) => merge(list, session)),
    mute,
    setMute,
    consent,
    reloadConsent: () => setConsentTick((n) => n + 1),
  }
}

/** The state the clock and the teachers' actions put a session in now. */
export function stateNow(session: LiveSession, now = Date.now()): SessionState {
  if (session.state === 'cancelled' || session.cancelled_at) return 'cancelled'
  if (session.state === 'ended' || session.ended_at || now >= new Date(session.ends_at.utc).getTime()) return 'ended'
  if (session.state === 'live' || now >= new Date(session.starts_at.utc).getTime()) return 'live'
  return 'scheduled'
}

export type SpaceKind = 'page' | 'channel' | 'board'

export interface SessionBlock {
  code: 'session-not-joined' | 'session-read-only' | 'session-not-live' | 'session-ended'
  session: LiveSession
}

/** A pupil below the age of digital consent whose guardian's consent is not recorded. */
export interface ConsentBlock {
  code: 'consent-required'
}

export type SpaceBlock = SessionBlock | ConsentBlock

function uses(session: LiveSession, space: SpaceKind, id: number): boolean {
  return (space === 'page' ? session.page_id : space === 'channel' ? session.channel_id : session.board_id) === id
}

/** Why a pupil may not write in a space now (null: they may), as the server decides it. */
export function spaceBlock(sessions: LiveSession[], space: SpaceKind, id: number, now = Date.now()): SessionBlock | null {
  const mine = sessions.filter((s) => uses(s, space, id))
  const live = mine.filter((s) => stateNow(s, now) === 'live')
  if (live.length) {
    const joined = live.filter((s) => s.joined)
    const first = live[0] as LiveSession
    if (!joined.length) return { code: 'session-not-joined', session: first }
    if (joined.every((s) => s.read_only)) return { code: 'session-read-only', session: joined[0] as LiveSession }
    return null
  }
  const upcoming = mine.filter((s) => stateNow(s, now) === 'scheduled').sort((a, b) => a.starts_at.utc.localeCompare(b.starts_at.utc))
  if (upcoming[0]) return { code: 'session-not-live', session: upcoming[0] }
  const ended = mine.find((s) => s.made_for_session.includes(space))
  if (ended) return { code: 'session-ended', session: ended }
  return null
}

/** For pupils only: what stops them writing in this space, if anything — their guardian's
 * consent first, then a live session's rules (the server's order). */
export function useSpaceBlock(project: Project, space: SpaceKind, id: number | undefined): SpaceBlock | null {
  const { sessions, consent } = useProjectLive()
  if (project.my_role !== 'pupil' || id === undefined) return null
  if (consent && !consent.may_post) return { code: 'consent-required' }
  return spaceBlock(sessions, space, id)
}

/** A `/problems/consent-required` refusal: the pupil's consent changed, ask again. */
export function noteConsent(live: ProjectLive, error: unknown): void {
  const problem = (error as { problem?: { type?: unknown } } | null)?.problem
  if (problem && typeof problem.type === 'string' && problem.type.endsWith('/consent-required')) live.reloadConsent()
}

/** A `/problems/muted` refusal tells a pupil about their mute: show it at once. */
export function noteMute(live: ProjectLive, error: unknown): void {
  const problem = (error as { problem?: { type?: unknown; until?: unknown; reason?: unknown } } | null)?.problem
  if (problem && typeof problem.type === 'string' && problem.type.endsWith('/muted') && typeof problem.until === 'string') {
    live.setMute({ until: problem.until, reason: typeof problem.reason === 'string' ? problem.reason : '' })
  }
}
