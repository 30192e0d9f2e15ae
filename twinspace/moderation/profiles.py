"""Pupils' names: a teacher types them, everyone in the pupil's TwinSpaces (partner schools
abroad included) reads them, so they may not carry contact details.

Only personal-data filters run on names (phone, e-mail, social handles and invitations,
links, street addresses): the offensive-word lists would refuse real first names.
"""

from __future__ import annotations

from collections.abc import Sequence

from twinspace.errors import RuleViolation
from twinspace.moderation.filters import Category, FilterConfig, scan_text
from twinspace.moderation.filters.wordlists import WordLists

CONTACT_DETAILS = frozenset(
    {
        Category.PHONE,
        Category.EMAIL,
        Category.SOCIAL_HANDLE,
        Category.EXTERNAL_LINK,
        Category.ADDRESS,
    }
)


class NameRefused(RuleViolation):
    code, title = "name-refused", "Not a name"


class ProfileScreen:
    def __init__(self, wordlists: WordLists) -> None:
        self._config = FilterConfig(wordlists=wordlists, categories=CONTACT_DETAILS)

    def check_names(self, names: Sequence[str], region: str | None) -> None:
        """Raise `NameRefused` (422) naming each name that carries contact details."""
        refused = []
        for index, name in enumerate(names):
            found = scan_text(name, config=self._config, region_hint=region)
            if found:
                refused.append(
                    {
                        "index": index,
                        "name": name,
                        "categories": sorted({f.category.value for f in found}),
                    }
                )
        if refused:
            raise NameRefused(
                "a pupil's name is shown to partner schools: leave out phone numbers, e-mail"
                " addresses, social media names, links and addresses",
                names=refused,
            )
