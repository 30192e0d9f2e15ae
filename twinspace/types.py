"""Small shared vocabulary: enums used by every layer."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class UserKind(StrEnum):
    TEACHER = "teacher"
    PUPIL = "pupil"
    NSO = "nso"
    ADMIN = "admin"


class StaffRole(StrEnum):
    TEACHER = "teacher"
    TECHNICAL_PRACTICAL_TEACHER = "technical_practical_teacher"
    BOARDING_EDUCATOR = "boarding_educator"
    HEAD = "head"
    LIBRARIAN = "librarian"
    PEDAGOGUE = "pedagogue"
    LANGUAGE_ASSISTANT = "language_assistant"
    ADMINISTRATIVE = "administrative"
    TECHNICAL = "technical"
    OTHER_STAFF = "other_staff"


class TeacherStatus(StrEnum):
    PENDING = "pending"
    VALIDATED = "validated"
    REJECTED = "rejected"


class CountryStatus(StrEnum):
    ETWINNING = "etwinning"
    PARTNER = "partner"


class SchoolType(StrEnum):
    NURSERY = "nursery"
    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    VOCATIONAL = "vocational"


class Ownership(StrEnum):
    PUBLIC = "public"
    MUNICIPAL = "municipal"
    PRIVATE_PUBLIC_RIGHTS = "private_public_rights"
    PRIVATE = "private"


class ProjectKind(StrEnum):
    EUROPEAN = "european"
    NATIONAL = "national"


class ProjectState(StrEnum):
    FOUNDING = "founding"  # waiting for invited co-founders (docs/etwinning-rules.md)
    ACTIVE = "active"
    ARCHIVED = "archived"
    CLOSED = "closed"


class Role(StrEnum):
    """A member's role inside one TwinSpace."""

    FOUNDER = "founder"
    TEACHER_ADMIN = "teacher_admin"
    TEACHER = "teacher"
    PUPIL = "pupil"
    GUEST = "guest"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


class ChannelKind(StrEnum):
    PROJECT = "project"
    CLASS = "class"
    STAFF = "staff"


TEACHER_ROLES = frozenset({Role.FOUNDER, Role.TEACHER_ADMIN, Role.TEACHER})
ADMIN_ROLES = frozenset({Role.FOUNDER, Role.TEACHER_ADMIN})


API_PREFIX: Final = "/api/v1"
"""Where the JSON API lives; views build links under it (docs/design.md, "External contract")."""


class ConsentState(StrEnum):
    """A guardian's consent to a pupil's account (docs/consent.md); transitions are checked
    in `consent/states.py`."""

    PENDING = "pending"
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ConsentMethod(StrEnum):
    """How a guardian's decision reached the school."""

    PAPER_FORM = "paper_form"
    GUARDIAN_EMAIL = "guardian_email"
    SCHOOL_EXISTING = "school_existing"  # the school's own, existing consent records
    OTHER = "other"  # with a note saying what
