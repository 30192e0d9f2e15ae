"""Consent letters and sign-in cards for a class, for its teachers only (docs/consent.md)."""

from __future__ import annotations

from twinspace.consent.ages import consent_age
from twinspace.consent.printables import CardFacts, LetterFacts, consent_letters, sign_in_cards
from twinspace.consent.wording import language_for
from twinspace.errors import NotFound
from twinspace.moderation.privacy import PrivacyService
from twinspace.storage import Storage
from twinspace.storage.records import ClassRecord, SchoolRecord, UserRecord
from twinspace.workspace.access import AccessRules


class ClassPrints:
    def __init__(self, storage: Storage, access: AccessRules, privacy: PrivacyService) -> None:
        self._storage = storage
        self._access = access
        self._privacy = privacy

    async def _class(
        self, teacher: UserRecord, class_id: int
    ) -> tuple[ClassRecord, SchoolRecord, list[UserRecord]]:
        school_class = await self._access.responsible_class(teacher, class_id)
        school = await self._storage.schools.get(school_class.school_id)
        if school is None:
            raise NotFound("no such class")
        return school_class, school, await self._storage.pupils.in_class(school_class.id)

    @staticmethod
    def _chosen(pupils: list[UserRecord], pupil_ids: list[int] | None) -> list[UserRecord]:
        """The class's pupils named in `pupil_ids` (all when None); an id that is not a
        pupil of this class is NotFound, so ids of other classes do not leak."""
        if pupil_ids is None:
            return pupils
        by_id = {p.id: p for p in pupils}
        missing = [i for i in pupil_ids if i not in by_id]
        if missing:
            raise NotFound("no such pupil in this class", pupil_ids=missing)
        return [by_id[i] for i in dict.fromkeys(pupil_ids)]

    async def letters(
        self, teacher: UserRecord, class_id: int, pupil_ids: list[int] | None, language: str | None
    ) -> str:
        school_class, school, pupils = await self._class(teacher, class_id)
        chosen = self._chosen(pupils, pupil_ids)
        age = consent_age(school.country).age
        return consent_letters(
            language_for(school.country, language),
            [
                LetterFacts(
                    pupil=p.display_name,
                    class_name=school_class.name,
                    school=school.name,
                    age=age,
                    teacher=teacher.display_name,
                )
                for p in chosen
            ],
        )

    async def cards(
        self,
        teacher: UserRecord,
        class_id: int,
        pupil_ids: list[int] | None,
        *,
        new_passwords: bool,
        language: str | None,
        address: str,
    ) -> str:
        """Sign-in cards; with `new_passwords` each chosen pupil gets a new generated password
        (their sessions end; audited like a reset), printed once on their card."""
        school_class, school, pupils = await self._class(teacher, class_id)
        cards = []
        for pupil in self._chosen(pupils, pupil_ids):
            password = None
            if new_passwords:
                _, password = await self._privacy.reset_password(teacher, pupil.id)
            cards.append(CardFacts(pupil.display_name, pupil.username, password))
        return sign_in_cards(
            language_for(school.country, language), school_class.name, school.name, address, cards
        )
