"""The guardian-consent state machine (docs/consent.md, "States")."""

from __future__ import annotations

from twinspace.errors import Conflict
from twinspace.types import ConsentState

# Where each state may go. Nobody moves a decision back to "pending": the history keeps
# every decision, and a guardian who changes their mind gives or withdraws consent again.
TRANSITIONS: dict[ConsentState, frozenset[ConsentState]] = {
    ConsentState.PENDING: frozenset({ConsentState.GIVEN, ConsentState.WITHDRAWN}),
    ConsentState.GIVEN: frozenset({ConsentState.WITHDRAWN}),
    ConsentState.WITHDRAWN: frozenset({ConsentState.GIVEN}),
}


class InvalidConsentTransition(Conflict):
    code, title = "consent-transition", "Not a possible change of consent"


def check_transition(current: ConsentState, wanted: ConsentState) -> None:
    """Raise InvalidConsentTransition (409) unless `current` may become `wanted`."""
    if wanted not in TRANSITIONS[current]:
        raise InvalidConsentTransition(
            f"consent that is {current.value} cannot become {wanted.value}",
            current=current.value,
            wanted=wanted.value,
        )
