// Shapes of the TwinSpaces HTTP API (/api/v1/openapi.json) and events socket
// (docs/events-protocol.md) that the client reads. Fields the client does not use are left out.

export type UserKind = 'teacher' | 'pupil' | 'nso' | 'admin'
export type Role = 'founder' | 'teacher_admin' | 'teacher' | 'pupil' | 'guest'
export type ItemStatus = 'published' | 'held' | 'blocked' | 'rejected' | 'hidden' | 'deleted'

export const STAFF_ROLES = [
  'teacher',
  'technical_practical_teacher',
  'boarding_educator',
  'head',
  'librarian',
  'pedagogue',
  'language_assistant',
  'administrative',
  'technical',
  'other_staff',
] as const
export type StaffRole = (typeof STAFF_ROLES)[number]

export interface TeacherProfile {
  staff_role: StaffRole
  status: 'pending' | 'validated' | 'rejected'
  subjects: string[]
  languages: string[]
  age_min: number | null
  age_max: number | null
  bio: string
  review_reason: string | null
}

export interface User {
  id: number
  username: string
  kind: UserKind
  display_name: string
  email: string | null
  country: string | null
  school_id: number | null
  locale: string | null
  teacher: TeacherProfile | null
}

export interface Person {
  id: number
  display_name: string
  kind: UserKind
  country: string | null
  school_id: number | null
}

export interface TeacherOut extends Person {
  profile: TeacherProfile
}

export interface Member extends Person {
  role: Role
  added_at: string
}

export interface Project {
  id: number
  title: string
  description: string
  subjects: string[]
  languages: string[]
  age_min: number | null
  age_max: number | null
  kind: 'european' | 'national'
  state: 'active' | 'archived' | 'closed'
  created_at: string
  my_role: Role | null
  member_counts?: Record<string, number>
}

export interface Invitation {
  id: number
  project_id: number
  inviter_id: number | null
  invitee_id: number
  role: Role
  message: string
  status: string
  created_at: string
}

export interface Page {
  id: number
  project_id: number
  title: string
  room: string
  locked: boolean
  created_at: string
  updated_at: string
  deleted: boolean
  can_edit: boolean | null
}

export interface Version {
  id: number
  page_id: number
  kind: string
  name: string | null
  size: number
  created_by: number | null
  created_at: string
}

export interface VersionContent extends Version {
  text: string
  html: string
}

export interface Channel {
  id: number
  project_id: number
  name: string
  kind: 'project' | 'class' | 'staff'
  class_id: number | null
  archived: boolean
}

export interface Author {
  id: number
  display_name: string
}

export interface Reaction {
  emoji: string
  count: number
  user_ids: number[]
}

export interface Message {
  id: number
  channel_id: number
  parent_id: number | null
  author: Author | null
  text: string | null
  status: ItemStatus
  reason: string | null
  /** `reason` as a code to translate, e.g. "held.filter:phone" (see reasonText). */
  reason_code?: string | null
  pending: boolean
  removed: boolean
  created_at: string
  edited_at: string | null
  reply_count: number
  reactions: Reaction[]
}

export interface ReadState {
  channel_id: number
  last_read_message_id: number
  unread: number
}

export interface UnreadSummary {
  channels: ReadState[]
  total: number
}

export interface BoardSettings {
  who_may_post: 'everyone' | 'teachers'
  comments: boolean
  reactions: boolean
  approval_required: boolean
}

export interface BoardSummary {
  id: number
  project_id: number
  title: string
  description: string
  archived: boolean
}

export interface MediaRef {
  id: number
  kind: string
  mime: string
  size: number
  name: string
  width: number | null
  height: number | null
  status: ItemStatus
  url: string
  thumb_url: string | null
}

export interface Section {
  id: number
  board_id: number
  title: string
  position: number
}

export type PostKind = 'text' | 'image' | 'video' | 'audio' | 'file' | 'link'

export interface Post {
  id: number
  board_id: number
  section_id: number | null
  author: Author | null
  kind: PostKind
  title: string
  body: string | null
  url: string | null
  media: MediaRef | null
  position: number
  status: ItemStatus
  reason: string | null
  /** `reason` as a code to translate, e.g. "held.filter:phone" (see reasonText). */
  reason_code?: string | null
  pending: boolean
  removed: boolean
  created_at: string
  edited_at: string | null
  comment_count: number
  reactions: Reaction[]
}

export interface Comment {
  id: number
  post_id: number
  board_id: number
  author: Author | null
  text: string | null
  status: ItemStatus
  reason: string | null
  /** `reason` as a code to translate, e.g. "held.filter:phone" (see reasonText). */
  reason_code?: string | null
  pending: boolean
  removed: boolean
  created_at: string
}

export interface Board extends BoardSummary {
  settings: BoardSettings
  sections: Section[]
  posts: Post[]
}

export interface SchoolOut {
  id: number
  name: string
  country: string
  city: string
  type: string
  ownership: string
  timezone: string
}

export interface Country {
  code: string
  name: string
  status: string
  timezone: string
}

export interface ClassOut {
  id: number
  school_id: number
  name: string
  teacher_id: number | null
}

export interface PupilCredentials {
  user: User
  password: string
}

export interface LocalTimes {
  timezone: string
  starts_at: string
  ends_at: string
  enrol_opens_at: string
  enrol_closes_at: string
}

export const TRAINING_KINDS = [
  'national_conference',
  'international_training',
  'international_workshop',
  'contact_seminar',
  'national_training',
  'national_seminar',
  'online_course_monthly',
  'online_course_weekly',
  'regional_workshop',
  'learning_event',
  'webinar',
  'expert_talk',
] as const
export type TrainingKind = (typeof TRAINING_KINDS)[number]

export interface TrainingEvent {
  id: number
  kind: TrainingKind
  title: string
  description: string
  language: string
  format: 'online' | 'in_person'
  place: string | null
  link: string | null
  organiser_country: string | null
  capacity: number
  seats_taken: number
  waiting: number
  enrol_opens_at: string
  enrol_closes_at: string
  starts_at: string
  ends_at: string
  local: LocalTimes
  open_to_you: boolean | null
}

export interface Certificate {
  code: string
  verify_path: string
  status: 'valid' | 'revoked'
}

export interface Seat {
  event_id: number
  status: 'confirmed' | 'waiting' | 'cancelled'
  waiting_rank: number | null
  enrolled_at: string
  certificate: Certificate | null
}

export interface HistoryEntry extends Seat {
  event: TrainingEvent
}

export const CRITERIA = [
  'pedagogical_innovation',
  'curriculum_integration',
  'communication',
  'collaboration',
  'use_of_technology',
] as const
export type Criterion = (typeof CRITERIA)[number]

export interface LabelApplication {
  id: number
  project_id: number
  teacher_id: number
  school_id: number
  country: string
  statements: Record<Criterion, string>
  status: 'submitted' | 'awarded' | 'rejected' | 'withdrawn'
  scores: Record<Criterion, number> | null
  reason: string | null
  nominated: boolean
  submitted_at: string
  reviewed_at: string | null
  teacher_name: string
  school_name: string
  project_title: string
}

export interface Label {
  id: number
  level: 'national' | 'european'
  teacher_name: string
  project_title: string
  school_name: string
  country: string
  nominated: boolean
  edition: number | null
  awarded_at: string
}

// ---- events socket (protocol v1)

export interface EventFrame<T = unknown> {
  v: number
  id: string
  type: string
  ts: string
  data: T
}

export interface PresenceUser {
  id: number
  display_name: string
  role?: Role
}

export interface PresenceEntry {
  user: PresenceUser
  location: { kind: 'channel' | 'board' | 'page'; id: number } | null
}

// ---- moderation (teacher desk)

export type ItemKind = 'message' | 'post' | 'comment' | 'upload' | 'page'
export const CATEGORIES = ['offensive', 'phone', 'email', 'social_handle', 'external_link', 'address'] as const
export type Category = (typeof CATEGORIES)[number]

export interface Flag {
  category: string
  reason?: string
  start?: number
  end?: number
  excerpt?: string
  location?: { line: number; column: number }
}

export interface QueueItemRef {
  kind: ItemKind
  id: number
  author_id: number | null
  text: string
  status: string
  space: string
  space_id: number
}

export interface QueueEntry {
  id: number
  project_id: number
  item_kind: ItemKind
  item_id: number
  author_id: number | null
  origin: 'filter' | 'pre' | 'approval' | 'report' | 'page_scan'
  reason: string
  flags: Flag[]
  excerpt: string
  state: 'open' | 'resolved'
  resolution: string | null
  created_at: string
  item: QueueItemRef | null
}

export type QueueDecision = 'approve' | 'reject' | 'hide' | 'dismiss'

/** `moderation.notice` on the events socket (teachers only). */
export interface ModerationNotice {
  kind: 'held' | 'blocked' | 'report' | 'page' | 'resolved' | 'muted' | 'unmuted'
  item?: ItemKind
  item_id?: number
  queue_id?: number | null
  reason?: string | null
  author?: Author
  excerpt?: string
  flags?: (string | Flag)[]
  user_id?: number
  until?: string
}

export interface Policy {
  mode: 'off' | 'auto' | 'pre'
  actions: Record<string, 'hold' | 'block' | 'mask'>
  slow_mode_seconds: number
  quiet_hours: { start: string; end: string } | null
  filter_teachers: boolean
  link_allowlist: string[]
}

export interface PolicyOverride {
  mode?: Policy['mode'] | null
  slow_mode_seconds?: number | null
}

export interface Mute {
  user_id: number
  until: string
  reason: string
  created_by: number | null
  created_at: string
}

export interface ActivityItem {
  kind: string
  id: number
  space_id: number
  text: string
  status: string
  created_at: string
}

export interface Activity {
  user_id: number
  muted_until: string | null
  items: ActivityItem[]
}

export interface AuditEntry {
  id: number
  project_id: number | null
  actor_id: number | null
  actor_name: string
  action: string
  item_kind: string | null
  item_id: number | null
  subject_user_id: number | null
  reason: string
  details: Record<string, unknown>
  created_at: string
}

// ---- live sessions

export interface Instant {
  utc: string
  local: string
  timezone: string
}

export interface SchoolRef {
  id: number
  name: string
  country: string
  timezone: string
}

export interface SessionClass {
  class_id: number
  class_name: string
  school: SchoolRef
  starts_at: string
  ends_at: string
}

export type SessionState = 'scheduled' | 'live' | 'ended'

export interface LiveSession {
  id: number
  project_id: number
  title: string
  agenda: { title: string; minutes: number | null }[]
  state: SessionState
  read_only: boolean
  timezone: string
  starts_at: Instant
  ends_at: Instant
  opened_early: boolean
  started_at: Instant | null
  ended_at: Instant | null
  page_id: number | null
  page_room: string | null
  channel_id: number | null
  board_id: number | null
  made_for_session: string[]
  classes: SessionClass[]
  version_id: number | null
  created_by: number | null
  joined: boolean | null
}

export interface SessionList {
  timezone: string
  upcoming: LiveSession[]
  past: LiveSession[]
}

export interface JoinCode {
  class_id: number
  class_name: string
  school: SchoolRef
  code: string
  valid_from: Instant
  valid_until: Instant
  valid_now: boolean
}

export interface RosterPerson {
  user: { id: number; display_name: string; role: Role }
  class_id: number | null
  joined_at: string | null
  online: boolean
  location: { kind: string; id: number } | null
}

export interface Roster {
  session_id: number
  state: SessionState
  read_only: boolean
  schools: { school: SchoolRef; present: number; joined: number; expected: number; people: RosterPerson[] }[]
}

export interface Attendee {
  id: number
  display_name: string
  class_id: number | null
  joined_at: Instant
}

export interface Attendance {
  session_id: number
  state: SessionState
  final: boolean
  schools: {
    school: SchoolRef
    pupils_joined: number
    pupils_expected: number
    teachers_joined: number
    pupils: Attendee[]
    teachers: Attendee[]
  }[]
}

export interface SessionLogEntry {
  id: number
  at: Instant
  action: string
  actor: Author | null
  user: Author | null
  school_id: number | null
  details: Record<string, unknown>
}
