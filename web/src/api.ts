// The HTTP API client: same-origin fetch with the session cookie, the CSRF header on every
// unsafe request, RFC 9457 problem JSON turned into ApiError. No token ever leaves the cookie.

import type {
  Activity,
  AddressInvitation,
  InvitationLink,
  MailPreferences,
  NewProject,
  Attendance,
  AuditEntry,
  Board,
  BoardSettings,
  BoardSummary,
  Channel,
  ClassOut,
  Comment,
  ConsentMethod,
  Country,
  Criterion,
  CurrentSession,
  HistoryEntry,
  Invitation,
  ItemKind,
  JoinCode,
  Label,
  LabelApplication,
  LiveSession,
  MediaRef,
  Member,
  Message,
  Mute,
  MyConsent,
  NewSession,
  ProjectClass,
  Page,
  Person,
  Policy,
  PolicyOverride,
  Post,
  PostKind,
  Project,
  PupilConsent,
  PupilConsentSummary,
  PupilCredentials,
  ClassPupil,
  QueueDecision,
  QueueEntry,
  Reaction,
  ReadState,
  Roster,
  SchoolOut,
  Seat,
  Section,
  SignedIn,
  SessionList,
  SessionLogEntry,
  TeacherOut,
  TrainingEvent,
  UnreadSummary,
  User,
  Version,
  VersionContent,
} from './types'

export const API = '/api/v1'

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  [key: string]: unknown
}

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  readonly retryAfter: number | null

  constructor(status: number, problem: Problem, retryAfter: number | null) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.status = status
    this.problem = problem
    this.retryAfter = retryAfter
  }
}

let csrfToken: string | null = null
let onUnauthenticated: (() => void) | null = null

export function setCsrf(token: string | null): void {
  csrfToken = token
}

export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler
}

function csrfFromCookie(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === 'twinspace_csrf') return decodeURIComponent(rest.join('='))
  }
  return null
}

export function csrf(): string {
  return csrfToken ?? csrfFromCookie() ?? ''
}

type Query = Record<string, string | number | boolean | null | undefined>

export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

export interface RawResponse<T> {
  data: T
  headers: Headers
}

async function raw<T>(method: string, path: string, body?: unknown, query?: Query): Promise<RawResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf()
  let payload: BodyInit | undefined
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const response = await fetch(withQuery(API + path, query), {
    method,
    headers,
    body: payload ?? null,
    credentials: 'same-origin',
  })
  if (!response.ok) {
    let problem: Problem = { status: response.status }
    try {
      problem = (await response.json()) as Problem
    } catch {
      // not JSON: keep the status only
    }
    const retry = Number(response.headers.get('Retry-After'))
    if (response.status === 401 && path !== '/session' && onUnauthenticated) onUnauthenticated()
    throw new ApiError(response.status, problem, Number.isFinite(retry) && retry > 0 ? retry : null)
  }
  if (response.status === 204) return { data: undefined as T, headers: response.headers }
  const type = response.headers.get('Content-Type') ?? ''
  const data = (type.includes('json') ? await response.json() : await response.text()) as T
  return { data, headers: response.headers }
}

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  return (await raw<T>(method, path, body, query)).data
}

const get = <T>(path: string, query?: Query): Promise<T> => request<T>('GET', path, undefined, query)
const post = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {})
const patch = <T>(path: string, body: unknown): Promise<T> => request<T>('PATCH', path, body)
const del = <T>(path: string, query?: Query): Promise<T> => request<T>('DELETE', path, undefined, query)

/** Cursor of the older page from a `Link: <...?before=12&limit=50>; rel="prev"` header. */
export function prevCursor(headers: Headers): number | null {
  const link = headers.get('Link')
  if (!link) return null
  for (const part of link.split(',')) {
    if (/rel="prev"/.test(part)) {
      const match = /[?&]before=(\d+)/.exec(part)
      if (match?.[1]) return Number(match[1])
    }
  }
  return null
}

export interface UploadProgress {
  loaded: number
  total: number
}

/** Multipart upload with progress (fetch has no upload progress): XHR, cookie + CSRF header. */
export function uploadMedia(
  boardId: number,
  file: File,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<MediaRef> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${API}/boards/${boardId}/media`)
    xhr.setRequestHeader('X-CSRF-Token', csrf())
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.responseType = 'text'
    xhr.upload.onprogress = (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size })
    }
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as MediaRef)
      else reject(new ApiError(xhr.status, (body as Problem) ?? { status: xhr.status }, null))
    }
    xhr.onerror = () => reject(new ApiError(0, { title: 'network error' }, null))
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    signal?.addEventListener('abort', () => xhr.abort())
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

// ---- the endpoints the client uses, grouped as in the OpenAPI tags

export const session = {
  signIn: (username: string, password: string) =>
    request<SignedIn>('POST', '/session', { username, password }),
  current: () => get<CurrentSession>('/session'),
  signOut: () => del<void>('/session'),
  signOutEverywhere: () => del<void>('/session', { all: true }),
  me: () => get<User>('/me'),
  updateMe: (body: Record<string, unknown>) => patch<User>('/me', body),
  changePassword: (current_password: string, new_password: string) =>
    post<void>('/me/password', { current_password, new_password }),
}

export const projects = {
  mine: () => get<Project[]>('/projects'),
  get: (id: number) => get<Project>(`/projects/${id}`),
  members: (id: number) => get<Member[]>(`/projects/${id}/members`),
  addPupils: (id: number, userIds: number[]) => post<Person[]>(`/projects/${id}/pupils`, { user_ids: userIds }),
  invite: (id: number, userId: number, role: string, message: string) =>
    post<Invitation>(`/projects/${id}/invitations`, { user_id: userId, role, message }),
  inviteByEmail: (id: number, email: string, role: string, message: string, language: string) =>
    post<Invitation | AddressInvitation>(`/projects/${id}/invitations`, { email, role, message, language }),
  found: (body: NewProject) => post<Project>('/projects', body),
  addressInvitations: (id: number) => get<AddressInvitation[]>(`/projects/${id}/address-invitations`),
  withdrawAddressInvitation: (id: number, invitationId: number) => del<void>(`/projects/${id}/address-invitations/${invitationId}`),
  invitations: () => get<Invitation[]>('/invitations'),
  accept: (id: number) => post<Project>(`/invitations/${id}/accept`),
  decline: (id: number) => post<void>(`/invitations/${id}/decline`),
  unread: (id: number) => get<UnreadSummary>(`/projects/${id}/unread`),
  labels: (id: number) => get<Label[]>(`/projects/${id}/labels`),
}

export const mail = {
  preferences: () => get<MailPreferences>('/mail/preferences'),
  setPreferences: (kinds: Record<string, boolean>) => request<MailPreferences>('PUT', '/mail/preferences', { kinds }),
  unsubscribe: (token: string) => request<{ kind: string; unsubscribed: boolean }>('POST', '/mail/unsubscribe', undefined, { token }),
  invitationLink: (token: string) => get<InvitationLink>('/invitation-links', { token }),
}

export const pages = {
  list: (projectId: number, includeDeleted = false) =>
    get<Page[]>(`/projects/${projectId}/pages`, { include_deleted: includeDeleted || undefined }),
  create: (projectId: number, title: string) => post<Page>(`/projects/${projectId}/pages`, { title }),
  get: (id: number) => get<Page>(`/pages/${id}`),
  rename: (id: number, title: string) => patch<Page>(`/pages/${id}`, { title }),
  remove: (id: number) => del<void>(`/pages/${id}`),
  undelete: (id: number) => post<Page>(`/pages/${id}/restore`),
  lock: (id: number) => post<Page>(`/pages/${id}/lock`),
  unlock: (id: number) => del<Page>(`/pages/${id}/lock`),
  versions: (id: number) => get<Version[]>(`/pages/${id}/versions`, { limit: 50 }),
  version: (id: number, versionId: number) => get<VersionContent>(`/pages/${id}/versions/${versionId}`),
  saveVersion: (id: number, name: string) => post<Version>(`/pages/${id}/versions`, { name }),
  restore: (id: number, versionId: number) => post<Version>(`/pages/${id}/versions/${versionId}/restore`),
  exportUrl: (id: number, format: 'html' | 'text') => `${API}/pages/${id}/export?format=${format}`,
}

export interface MessagePage {
  messages: Message[]
  older: number | null
}

export const chat = {
  channels: (projectId: number) => get<Channel[]>(`/projects/${projectId}/channels`),
  createChannel: (projectId: number, name: string) => post<Channel>(`/projects/${projectId}/channels`, { name }),
  async history(channelId: number, before?: number): Promise<MessagePage> {
    const { data, headers } = await raw<Message[]>('GET', `/channels/${channelId}/messages`, undefined, {
      before,
      limit: 50,
    })
    return { messages: data, older: data.length ? prevCursor(headers) : null }
  },
  async replies(messageId: number): Promise<Message[]> {
    return get<Message[]>(`/messages/${messageId}/replies`, { limit: 200 })
  },
  send: (channelId: number, text: string, parentId?: number | null, clientKey?: string) =>
    post<Message>(`/channels/${channelId}/messages`, {
      text,
      parent_id: parentId ?? null,
      ...(clientKey ? { client_key: clientKey } : {}),
    }),
  react: (messageId: number, emoji: string) => post<Reaction[]>(`/messages/${messageId}/reactions`, { emoji }),
  remove: (messageId: number) => del<void>(`/messages/${messageId}`),
  markRead: (channelId: number, messageId?: number) =>
    post<ReadState>(`/channels/${channelId}/read`, messageId ? { message_id: messageId } : {}),
}

export const boards = {
  list: (projectId: number) => get<BoardSummary[]>(`/projects/${projectId}/boards`),
  create: (projectId: number, title: string) => post<BoardSummary>(`/projects/${projectId}/boards`, { title }),
  get: (id: number) => get<Board>(`/boards/${id}`),
  update: (id: number, settings: Partial<BoardSettings>) => patch<Board>(`/boards/${id}`, { settings }),
  addSection: (id: number, title: string) => post<Section>(`/boards/${id}/sections`, { title }),
  createPost: (
    id: number,
    body: { kind: PostKind; title?: string; body?: string; section_id?: number | null; media_id?: number; url?: string },
  ) => post<Post>(`/boards/${id}/posts`, body),
  movePost: (postId: number, sectionId: number | null, afterId: number | null) =>
    post<Post>(`/posts/${postId}/move`, { section_id: sectionId, after_id: afterId }),
  removePost: (postId: number) => del<void>(`/posts/${postId}`),
  react: (postId: number, emoji: string) => post<Reaction[]>(`/posts/${postId}/reactions`, { emoji }),
  comments: (postId: number) => get<Comment[]>(`/posts/${postId}/comments`),
  comment: (postId: number, text: string) => post<Comment>(`/posts/${postId}/comments`, { text }),
  removeComment: (id: number) => del<void>(`/comments/${id}`),
}

export const registry = {
  countries: () => get<Country[]>('/countries'),
  school: (id: number) => get<SchoolOut>(`/schools/${id}`),
  partners: (query: { country?: string; subject?: string; language?: string; age?: number | null }) =>
    get<TeacherOut[]>('/teachers', { ...query, limit: 50 }),
  registrations: (status: string) => get<TeacherOut[]>('/registrations', { status, limit: 100 }),
  validate: (userId: number, reason: string | null) => post<TeacherOut>(`/registrations/${userId}/validate`, { reason }),
  reject: (userId: number, reason: string | null) => post<TeacherOut>(`/registrations/${userId}/reject`, { reason }),
  classes: () => get<ClassOut[]>('/classes'),
  createClass: (name: string) => post<ClassOut>('/classes', { name }),
  pupils: (classId: number) => get<ClassPupil[]>(`/classes/${classId}/pupils`),
  classTeachers: (classId: number) => get<Person[]>(`/classes/${classId}/teachers`),
  classColleagues: (classId: number) => get<Person[]>(`/classes/${classId}/colleagues`),
  addClassTeacher: (classId: number, userId: number) => post<Person[]>(`/classes/${classId}/teachers`, { user_id: userId }),
  createPupils: (classId: number, names: string[]) =>
    post<PupilCredentials[]>(`/classes/${classId}/pupils`, { names }),
  resetPupil: (userId: number) => post<PupilCredentials>(`/pupils/${userId}/password`),
}

export interface ConsentDecision {
  state: 'given' | 'withdrawn'
  decided_on: string
  method: ConsentMethod
  note: string
}

export const consent = {
  mine: () => get<MyConsent>('/me/consent'),
  ofClass: (classId: number) => get<PupilConsentSummary[]>(`/classes/${classId}/consents`),
  ofPupil: (pupilId: number) => get<PupilConsent>(`/pupils/${pupilId}/consent`),
  record: (pupilId: number, decision: ConsentDecision) => request<PupilConsent>('PUT', `/pupils/${pupilId}/consent`, decision),
  birthDate: (pupilId: number, year: number | null, month: number | null) =>
    request<PupilConsent>('PUT', `/pupils/${pupilId}/birth-date`, { year, month }),
  lettersUrl: (classId: number, pupilId?: number) => withQuery(`${API}/classes/${classId}/consent-letters`, { pupil_id: pupilId }),
  /** Print-ready HTML; with `newPasswords` every pupil of the class gets a new password. */
  cards: (classId: number, newPasswords: boolean) => post<string>(`/classes/${classId}/sign-in-cards`, { new_passwords: newPasswords }),
}

export const training = {
  events: (query: { kind?: string; format?: string; language?: string }) =>
    get<TrainingEvent[]>('/training/events', { ...query, tz: localZone(), limit: 100 }),
  enrol: (id: number) => post<Seat>(`/training/events/${id}/enrolment`),
  cancel: (id: number) => del<Seat>(`/training/events/${id}/enrolment`),
  mine: () => get<HistoryEntry[]>('/me/training', { tz: localZone() }),
  calendarUrl: `${API}/me/training.ics`,
}

export const labels = {
  applications: (status?: string) => get<LabelApplication[]>('/labels/applications', { status, limit: 100 }),
  apply: (projectId: number, statements: Record<Criterion, string>) =>
    post<LabelApplication>('/labels/applications', { project_id: projectId, statements }),
  withdraw: (id: number) => del<void>(`/labels/applications/${id}`),
  review: (
    id: number,
    body: { decision: 'award' | 'reject'; scores: Record<Criterion, number>; reason: string | null; nominate: boolean },
  ) => post<LabelApplication>(`/labels/applications/${id}/review`, body),
  ofTeacher: (userId: number) => get<Label[]>(`/teachers/${userId}/labels`),
}

export function localZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined
  } catch {
    return undefined
  }
}

export const moderation = {
  queue: (projectId: number, state: 'open' | 'resolved' | 'all' = 'open', before?: number) =>
    get<QueueEntry[]>(`/projects/${projectId}/moderation/queue`, { state, limit: 100, before }),
  decide: (projectId: number, queueId: number, decision: QueueDecision, reason = '') =>
    post<QueueEntry>(`/projects/${projectId}/moderation/queue/${queueId}/${decision}`, { reason }),
  hide: (projectId: number, kind: ItemKind, itemId: number, reason = '') =>
    post<unknown>(`/projects/${projectId}/moderation/items/${kind}/${itemId}/hide`, { reason }),
  restore: (projectId: number, kind: ItemKind, itemId: number, reason = '') =>
    post<unknown>(`/projects/${projectId}/moderation/items/${kind}/${itemId}/restore`, { reason }),
  report: (projectId: number, kind: ItemKind, itemId: number, reason: string) =>
    post<{ reported: boolean }>(`/projects/${projectId}/reports`, { item_kind: kind, item_id: itemId, reason }),
  policy: (projectId: number) => get<Policy>(`/projects/${projectId}/moderation/policy`),
  setPolicy: (projectId: number, policy: Policy) => request<Policy>('PUT', `/projects/${projectId}/moderation/policy`, policy),
  setOverride: (space: 'channels' | 'boards', id: number, body: PolicyOverride) =>
    request<void>('PUT', `/${space}/${id}/moderation/policy`, body),
  clearOverride: (space: 'channels' | 'boards', id: number) => del<void>(`/${space}/${id}/moderation/policy`),
  mutes: (projectId: number) => get<Mute[]>(`/projects/${projectId}/mutes`),
  mute: (projectId: number, userId: number, minutes: number, reason: string) =>
    post<Mute>(`/projects/${projectId}/mutes`, { user_id: userId, minutes, reason }),
  unmute: (projectId: number, userId: number) => del<void>(`/projects/${projectId}/mutes/${userId}`),
  activity: (projectId: number, userId: number) => get<Activity>(`/projects/${projectId}/members/${userId}/activity`, { limit: 50 }),
  audit: (projectId: number, before?: number) => get<AuditEntry[]>(`/projects/${projectId}/audit`, { limit: 100, before }),
  auditCsvUrl: (projectId: number) => `${API}/projects/${projectId}/audit.csv`,
}

export const privacy = {
  exportUrl: (pupilId: number) => `${API}/pupils/${pupilId}/export`,
  erase: (pupilId: number, content: 'anonymise' | 'delete') => del<void>(`/pupils/${pupilId}`, { content }),
}

export type { NewSession }

const tz = (): { tz: string | undefined } => ({ tz: localZone() })

export const liveSessions = {
  list: (projectId: number) => get<SessionList>(`/projects/${projectId}/live-sessions`, tz()),
  schedule: (projectId: number, body: NewSession) =>
    request<LiveSession>('POST', withQuery(`/projects/${projectId}/live-sessions`, tz()), body),
  get: (id: number) => get<LiveSession>(`/live-sessions/${id}`, tz()),
  open: (id: number) => request<LiveSession>('POST', withQuery(`/live-sessions/${id}/open`, tz()), {}),
  extend: (id: number, minutes: number) => request<LiveSession>('POST', withQuery(`/live-sessions/${id}/extend`, tz()), { minutes }),
  end: (id: number) => request<LiveSession>('POST', withQuery(`/live-sessions/${id}/end`, tz()), {}),
  readOnly: (id: number, on: boolean) =>
    request<LiveSession>(on ? 'PUT' : 'DELETE', withQuery(`/live-sessions/${id}/read-only`, tz())),
  codes: (id: number) => get<JoinCode[]>(`/live-sessions/${id}/codes`, tz()),
  regenerate: (id: number, classId: number) =>
    request<JoinCode>('POST', withQuery(`/live-sessions/${id}/codes/${classId}/regenerate`, tz()), {}),
  join: (id: number, code?: string) =>
    request<LiveSession>('POST', withQuery(`/live-sessions/${id}/join`, tz()), code ? { code } : {}),
  roster: (id: number) => get<Roster>(`/live-sessions/${id}/roster`),
  attendance: (id: number) => get<Attendance>(`/live-sessions/${id}/attendance`, tz()),
  log: (id: number) => get<SessionLogEntry[]>(`/live-sessions/${id}/log`, tz()),
  /** The TwinSpace's classes a session can include (teachers). */
  projectClasses: (projectId: number) => get<ProjectClass[]>(`/projects/${projectId}/live-sessions/classes`),
  addClasses: (id: number, classIds: number[]) =>
    request<LiveSession>('POST', withQuery(`/live-sessions/${id}/classes`, tz()), { class_ids: classIds }),
  removeClass: (id: number, classId: number) => request<LiveSession>('DELETE', withQuery(`/live-sessions/${id}/classes/${classId}`, tz())),
  cancel: (id: number) => request<LiveSession>('POST', withQuery(`/live-sessions/${id}/cancel`, tz()), {}),
  /** Let a pupil of the caller's own class in without a code. */
  admit: (id: number, pupilId: number) =>
    request<LiveSession>('POST', withQuery(`/live-sessions/${id}/pupils/${pupilId}/admit`, tz()), {}),
}
