"""Domain errors: raised by services, turned into problem JSON or close codes by handlers.

Every problem carries a stable `code` (its class's, or a more precise `Problem` given where it
is raised) and its values as structured members (`max_chars`, `minimum`, `name`…): the web
client translates the code with those values and shows the English `detail` only for codes it
does not know (docs/i18n.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Problem(StrEnum):
    """Precise codes for refusals people meet in forms; each has a message in every web
    catalogue (`problem.code.<code>`, checked by the web build against the exported list)."""

    USERNAME_TAKEN = "username-taken"
    CLASS_EXISTS = "class-exists"
    CLASS_NAME_LENGTH = "class-name-length"
    PASSWORD_TOO_SHORT = "password-too-short"
    PASSWORD_TOO_LONG = "password-too-long"
    TEXT_EMPTY = "text-empty"
    TEXT_TOO_LONG = "text-too-long"
    REACTION_NOT_OFFERED = "reaction-not-offered"
    ALREADY_REPORTED = "already-reported"
    AUTHOR_DELETED = "author-deleted"
    ALREADY_DECIDED = "already-decided"
    ONLY_PUPILS_MUTED = "only-pupils-muted"
    MUTE_WINDOW = "mute-window"
    LABEL_HELD = "label-held"
    LABEL_APPLICATION_OPEN = "label-application-open"
    ALREADY_ENROLLED = "already-enrolled"
    ENROLMENT_NOT_OPEN = "enrolment-not-open"
    ENROLMENT_CLOSED = "enrolment-closed"
    EVENT_FULL = "event-full"
    EVENT_AUDIENCE = "event-audience"
    EMPTY_QUERY = "empty-query"
    PROJECT_READ_ONLY = "project-read-only"
    ROLE_NOT_ALLOWED = "role-not-allowed"
    PUPIL_SCHOOL_DECIDES = "pupil-school-decides"
    REGISTRATION_PENDING = "registration-pending"
    CLASS_TEACHERS_ONLY = "class-teachers-only"
    ADDRESS_INVITATION_OPEN = "address-invitation-open"
    INVITATION_EXPIRED = "invitation-expired"
    ETWINNING_FOUNDER = "etwinning-founder"
    EUROPEAN_FOUNDERS = "european-founders"
    NATIONAL_FOUNDERS = "national-founders"
    LAST_FOUNDER = "last-founder"
    ALREADY_MEMBER = "already-member"
    INVITATION_PENDING = "invitation-pending"
    PROJECT_CLOSED_TO_MEMBERS = "project-closed-to-members"
    STAFF_ROLE_NOT_ELIGIBLE = "staff-role-not-eligible"
    SCHOOL_NOT_ELIGIBLE = "school-not-eligible"
    AGE_RANGE = "age-range"
    REJECTION_NEEDS_REASON = "rejection-needs-reason"
    # a space's write rules (WriteBlock codes: live sessions, parents' consent)
    SESSION_NOT_JOINED = "session-not-joined"
    SESSION_READ_ONLY = "session-read-only"
    CONSENT_REQUIRED = "consent-required"
    # the precise refusals of every service (docs/i18n.md, "Problems")
    ADDRESS_INVITATION_ROLE = "address-invitation-role"
    ALREADY_ENTERED = "already-entered"
    ALREADY_TEACHES_CLASS = "already-teaches-class"
    APPLICANT_ONLY = "applicant-only"
    APPLICATION_NOT_OPEN = "application-not-open"
    BIRTH_MONTH = "birth-month"
    BIRTH_YEAR_RANGE = "birth-year-range"
    BOARD_CHANGED = "board-changed"
    BOARD_TEACHERS_ONLY = "board-teachers-only"
    BODY_TOO_LARGE = "body-too-large"
    CALL_UNREACHABLE = "call-unreachable"
    CAPACITY_BELOW_CONFIRMED = "capacity-below-confirmed"
    CATEGORY_MISSING = "category-missing"
    CATEGORY_NAMES_REPEAT = "category-names-repeat"
    CENTRAL_ADMIN_ONLY = "central-admin-only"
    CERTIFICATE_REVOKED = "certificate-revoked"
    CLASS_CHANNEL_CLASS = "class-channel-class"
    CLASS_NOT_IN_SESSION = "class-not-in-session"
    CLASS_NOT_PARTNER = "class-not-partner"
    CLIENT_KEY_REUSED = "client-key-reused"
    CLOSED_FOR_GOOD = "closed-for-good"
    COMMENTS_OFF = "comments-off"
    COMPETITIONS_AUDIENCE = "competitions-audience"
    COMPETITION_COUNTRY = "competition-country"
    COMPLETION_FINAL = "completion-final"
    CONSENT_NOTE_REQUIRED = "consent-note-required"
    COUNTRY_NOT_PARTICIPATING = "country-not-participating"
    CURRENT_PASSWORD_WRONG = "current-password-wrong"
    DATE_RANGE = "date-range"
    DEADLINE_PAST = "deadline-past"
    DECISION_DATE_FUTURE = "decision-date-future"
    EDITION_NOT_OPEN = "edition-not-open"
    EDITION_YEAR = "edition-year"
    ENROLMENT_NOT_CONFIRMED = "enrolment-not-confirmed"
    ENTRIES_CLOSED = "entries-closed"
    ENTRIES_OPEN = "entries-open"
    EUROPEAN_PARTNERS = "european-partners"
    EVENT_DETAILS = "event-details"
    EVENT_NOT_STARTED = "event-not-started"
    EVENT_OVER = "event-over"
    EVIDENCE_OF_PROJECT = "evidence-of-project"
    FILE_DAMAGED = "file-damaged"
    FILE_TOO_LARGE = "file-too-large"
    FILE_TYPE_NOT_ALLOWED = "file-type-not-allowed"
    FOUNDERS_ONLY = "founders-only"
    FOUNDER_NEEDS_COUNTRY = "founder-needs-country"
    GUESTS_FOLLOW = "guests-follow"
    IMAGE_TOO_LARGE = "image-too-large"
    INVITATION_NOT_OPEN = "invitation-not-open"
    INVITATION_ROLE = "invitation-role"
    JOIN_ATTEMPTS = "join-attempts"
    JUROR_NOT_ELIGIBLE = "juror-not-eligible"
    JUROR_OWN_PROJECT = "juror-own-project"
    JURY_ONLY = "jury-only"
    LABEL_REQUIRED = "label-required"
    LAST_CLASS_TEACHER = "last-class-teacher"
    LINK_POST_URL = "link-post-url"
    MAIL_KIND_UNKNOWN = "mail-kind-unknown"
    MAIL_NOT_CONFIGURED = "mail-not-configured"
    NATIONAL_PARTNER = "national-partner"
    NOT_ATTENDED = "not-attended"
    NOT_FOR_PUPILS = "not-for-pupils"
    NOT_PARTNER_SCHOOL = "not-partner-school"
    NOT_PUBLISHED = "not-published"
    NO_FREE_USERNAME = "no-free-username"
    NO_LONGER_EDITABLE = "no-longer-editable"
    NSO_OR_ADMIN_ONLY = "nso-or-admin-only"
    NSO_OWN_COUNTRY = "nso-own-country"
    ORGANISER_ONLY = "organiser-only"
    OWN_ITEMS_ONLY = "own-items-only"
    PAGES_PAUSED = "pages-paused"
    PAGE_MODERATION = "page-moderation"
    POLICY_SCOPE = "policy-scope"
    POST_FILE = "post-file"
    PROJECT_FOUNDING = "project-founding"
    PROJECT_TEACHERS_ONLY = "project-teachers-only"
    PUPIL_ACCOUNT_BY_TEACHER = "pupil-account-by-teacher"
    PUPIL_NO_MAIL = "pupil-no-mail"
    PUPIL_ROLE_FIXED = "pupil-role-fixed"
    REACTIONS_OFF = "reactions-off"
    REPLY_DEPTH = "reply-depth"
    REQUEST_FORMAT = "request-format"
    RESULT_NOT_IN_PROJECT = "result-not-in-project"
    SCHOOLS_ADDED_BY = "schools-added-by"
    SCHOOL_CHOICE = "school-choice"
    SCORES_BELOW_THRESHOLD = "scores-below-threshold"
    SCORES_MISSING = "scores-missing"
    SESSION_KEEPS_A_CLASS = "session-keeps-a-class"
    SESSION_LINK_INVALID = "session-link-invalid"
    SESSION_PARTICIPANTS_ONLY = "session-participants-only"
    SESSION_TIMES = "session-times"
    SIGN_IN_ATTEMPTS = "sign-in-attempts"
    SLOW_MODE = "slow-mode"
    SPACE_ARCHIVED = "space-archived"
    STAFF_ACCOUNT = "staff-account"
    TEACHERS_ONLY = "teachers-only"
    TEACHER_NOT_VALIDATED = "teacher-not-validated"
    TOO_FAST = "too-fast"
    TOO_MANY_SUBSCRIPTIONS = "too-many-subscriptions"
    UPLOAD_UNAVAILABLE = "upload-unavailable"
    VALIDATED_TEACHERS_ONLY = "validated-teachers-only"
    WINNERS_ANNOUNCED = "winners-announced"
    # produced by the HTTP face itself
    MALFORMED_JSON = "malformed-json"
    VALIDATION_ERROR = "validation-error"
    STORAGE_UNAVAILABLE = "storage-unavailable"
    INTERNAL_ERROR = "internal-error"
    METHOD_NOT_ALLOWED = "method-not-allowed"


class DomainError(Exception):
    status = 400
    code = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, problem: Problem | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        if problem is not None:  # `type` keeps naming the class of problem (its URI is API)
            self.type_code = type(self).code
            self.code = problem.value


def problem_codes() -> list[str]:
    """Every code a problem can carry: the `Problem` codes and those of every DomainError class
    (the caller imports the modules that define them first). Exported to the web client."""
    codes = {p.value for p in Problem}
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        codes.add(cls.code)
        pending.extend(cls.__subclasses__())
    return sorted(codes)


class Unauthenticated(DomainError):
    status, code, title = 401, "unauthenticated", "Not signed in"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, code, title = 404, "not-found", "Not found"


class RequestTimeout(DomainError):
    status, code, title = 408, "request-timeout", "Request timeout"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class Gone(DomainError):
    status, code, title = 410, "gone", "Gone"


class PayloadTooLarge(DomainError):
    status, code, title = 413, "too-large", "Too large"


class UnsupportedMedia(DomainError):
    status, code, title = 415, "unsupported-media-type", "Unsupported media type"


class RuleViolation(DomainError):
    """The request is well-formed but a domain rule refuses it."""

    status, code, title = 422, "rule-violation", "Not permitted by the rules"


class Throttled(DomainError):
    status, code, title = 429, "throttled", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = max(1, int(retry_after))


class Unavailable(DomainError):
    status, code, title = 503, "unavailable", "Temporarily unavailable"

    def __init__(self, detail: str, *, retry_after: int | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = None if retry_after is None else max(1, int(retry_after))
