// The client's names for the shapes of the TwinSpaces HTTP API and events socket. Every shape
// is GENERATED (scripts/generate-web-types.sh): ./api/schema.d.ts from the server's OpenAPI
// document (/api/v1/openapi.json), ./api/events.d.ts from the events protocol's JSON Schema
// (docs/events-protocol.md). Nothing here is written by hand but names and constant lists,
// and those lists are checked against the generated unions.
import type { components, paths } from './api/schema'
import type { MemberName, PresenceEntry as PresenceData } from './api/events'

export type { ModerationNotice } from './api/events'

type Schemas = components['schemas']

export type UserKind = Schemas['UserKind']
export type Role = Schemas['Role']
export type ItemStatus = Schemas['ItemStatus']

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
] as const satisfies readonly Schemas['StaffRole'][]
export type StaffRole = Schemas['StaffRole']

export type TeacherProfile = Schemas['TeacherProfileView']
export type User = Schemas['UserView']
export type CurrentSession = Schemas['CurrentSession']
export type SignedIn = Schemas['SignInView']
export type Person = Schemas['PersonView']
export type TeacherOut = Schemas['TeacherView']
export type Member = Schemas['MemberView']
export type Project = Schemas['ProjectView'] & Partial<Pick<Schemas['ProjectDetail'], 'member_counts' | 'my_mute'>>
export type ProjectDetail = Schemas['ProjectDetail']
export type Invitation = Schemas['InvitationView']
export type AddressInvitation = Schemas['AddressInvitationView']
export type InvitationLink = Schemas['InvitationLinkView']
export type MailPreferences = Schemas['MailPreferencesView']
export type NewProject = Schemas['NewProject']
export type Page = Schemas['PageView']
export type Version = Schemas['VersionView']
export type VersionContent = Schemas['VersionContentView']
export type Channel = Schemas['ChannelView']
export type Author = Schemas['AuthorView']
export type Reaction = Schemas['ReactionView']
export type Message = Schemas['MessageView']
export type ReadState = Schemas['ReadState']
export type UnreadSummary = Schemas['UnreadSummary']
export type BoardSettings = Schemas['BoardSettings']
export type BoardSummary = Schemas['BoardSpaceView']
export type MediaRef = Schemas['MediaRef']
export type Section = Schemas['SectionView']
export type PostKind = Schemas['PostKind']
export type Post = Schemas['PostView']
export type Comment = Schemas['CommentView']
export type Board = Schemas['BoardView']
export type SchoolOut = Schemas['SchoolView']
export type Country = Schemas['CountryView']
export type ClassOut = Schemas['ClassView']
/** A pupil of a class; `can_manage`: the viewer may reset, export and erase them. */
export type ClassPupil = Schemas['ClassPupilView']
export type PupilCredentials = Schemas['PupilCredentialsView']
export type LocalTimes = Schemas['LocalTimes']
export type ConsentState = Schemas['ConsentState']
export type ConsentMethod = Schemas['ConsentMethod']
/** A pupil's guardian consent as their class teachers see it. */
export type PupilConsentSummary = Schemas['ConsentView']
export type PupilConsent = Schemas['PupilConsentView']
export type MyConsent = Schemas['MyConsentView']

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
] as const satisfies readonly Schemas['TrainingKind'][]
export type TrainingKind = Schemas['TrainingKind']

export type TrainingEvent = Schemas['TrainingEventView']
export type Certificate = Schemas['CertificateView']
export type Seat = Schemas['SeatView']
export type HistoryEntry = Schemas['HistoryEntryView']

export const CRITERIA = [
  'pedagogical_innovation',
  'curriculum_integration',
  'communication',
  'collaboration',
  'use_of_technology',
] as const satisfies readonly (keyof Schemas['CriterionStatements'])[]
export type Criterion = (typeof CRITERIA)[number]

export type LabelApplication = Schemas['ApplicationView']
export type Label = Schemas['LabelView']

// ---- events socket (protocol v1): see ./lib/events.ts for the typed frames

export type PresenceUser = MemberName
export type PresenceEntry = PresenceData

// ---- moderation (teacher desk)

export type ItemKind = Schemas['ItemKind']
export const CATEGORIES = [
  'offensive',
  'phone',
  'email',
  'social_handle',
  'external_link',
  'address',
] as const satisfies readonly Schemas['Category'][]
export type Category = Schemas['Category']

export type QueueItemRef = Schemas['ItemView']
export type QueueEntry = Schemas['QueueEntryView']
export type Flag = QueueEntry['flags'][number]

type QueueDecisionPath = `/api/v1/projects/{project_id}/moderation/queue/{queue_id}/${string}`
/** The decisions the queue offers: the last segment of its decision endpoints. */
export type QueueDecision =
  Extract<keyof paths, QueueDecisionPath> extends `/api/v1/projects/{project_id}/moderation/queue/{queue_id}/${infer D}`
    ? D
    : never

export type Policy = Schemas['Policy-Output']
export type PolicyInput = Schemas['Policy-Input']
export type PolicyOverride = Schemas['PolicyOverride-Input']
export type Mute = Schemas['MuteView']
export type ActivityItem = Schemas['ActivityItemView']
export type Activity = Schemas['ActivityView']
export type AuditEntry = Schemas['AuditView']

// ---- live sessions

export type Instant = Schemas['Instant']
export type SchoolRef = Schemas['SchoolRef']
export type SessionClass = Schemas['SessionClass']
export type SessionState = Schemas['SessionState']
export type LiveSession = Schemas['SessionView']
export type SessionList = Schemas['SessionList']
export type JoinCode = Schemas['JoinCode']
export type RosterPerson = Schemas['RosterPerson']
export type Roster = Schemas['Roster']
export type Attendee = Schemas['Attendee']
export type Attendance = Schemas['SessionAttendance']
export type SessionLogEntry = Schemas['LogEntry']
export type NewSession = Schemas['NewLiveSession']
/** A class of the TwinSpace a session can include; `yours`: the viewer teaches it. */
export type ProjectClass = Schemas['ProjectClassView']
export type SchoolAttendance = Schemas['SchoolAttendance']
