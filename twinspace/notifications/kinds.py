"""What a notification is about: a code the client translates, never an English sentence."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    HELD = "held"  # a pupil's item waits for a teacher (teachers who may moderate)
    REPORTED = "reported"  # a member reported an item (teachers who may moderate)
    URGENT_SAFETY = "urgent_safety"  # self-harm: the pupil's own teachers, also e-mailed at once
    INVITATION = "invitation"  # you are invited into a TwinSpace
    REPLY = "reply"  # someone answered your message or commented on your post
    MENTION = "mention"  # someone wrote @you
    REGISTRATION_VALIDATED = "registration_validated"
    REGISTRATION_REJECTED = "registration_rejected"
    LABEL_AWARDED = "label_awarded"
    LABEL_REJECTED = "label_rejected"
    TRAINING_SEAT = "training_seat"  # a seat freed up and is yours (from the waiting list)
    SESSION_SOON = "session_soon"  # a live session starts in a few minutes
    SESSION_INVITED = "session_invited"  # your class was added to a partner's live session


# Kinds only the adults who may moderate ever receive.
TEACHER_ONLY = frozenset(
    {NotificationKind.HELD, NotificationKind.REPORTED, NotificationKind.URGENT_SAFETY}
)
