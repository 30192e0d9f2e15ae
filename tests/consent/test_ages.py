"""Ages of digital consent per country (GDPR art. 8) and a pupil's age from their birth date,
at the edges: one year below the age, the age itself, one year above."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.world import World
from twinspace.consent.ages import consent_age, known_countries, youngest_age

# GDPR art. 8 ages as the sources in digital_consent_ages.json give them.
EXPECTED = {
    "DE": 16, "NL": 16, "PL": 16, "IT": 14, "ES": 14, "FR": 15, "FI": 13, "SE": 13, "BE": 13,
    "DK": 13, "PT": 13, "CZ": 15, "GR": 15, "SI": 15, "AT": 14, "CY": 14, "LT": 14, "BG": 14,
    "RO": 16, "HU": 16, "SK": 16, "IE": 16, "LU": 16, "HR": 16, "MT": 13, "LV": 13, "EE": 13,
    "NO": 13, "IS": 13, "LI": 16,
}  # fmt: skip


def test_the_policy_data_gives_the_gdpr_ages() -> None:
    ages = known_countries()
    assert {code: ages[code] for code in EXPECTED} == EXPECTED
    assert all(13 <= age <= 16 for age in ages.values())
    assert consent_age("it").age == 14 and "SWD(2020)" in consent_age("AT").source


async def test_every_registry_country_has_an_age_and_others_default_to_16(world: World) -> None:
    countries = await world.storage.countries.all()
    ages = known_countries()
    assert {c.code for c in countries} <= set(ages)
    partners = [c.code for c in countries if c.status.value == "partner"]
    assert partners and all(ages[code] == 16 for code in partners)
    assert consent_age("ZZ").age == 16 and "default" in consent_age("ZZ").source


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        ((2012, 6), date(2026, 7, 1), 14),  # birthday month passed
        ((2012, 6), date(2026, 6, 15), 13),  # birthday month: maybe not yet
        ((2012, 6), date(2026, 5, 31), 13),
        ((2012, None), date(2026, 12, 6), 13),  # month unknown: counted as December
        ((None, None), date(2026, 12, 6), None),
        ((2026, 1), date(2026, 3, 1), 0),
    ],
)
def test_a_pupils_age_is_the_youngest_their_birth_date_allows(
    born: tuple[int | None, int | None], today: date, age: int | None
) -> None:
    assert youngest_age(born[0], born[1], today) == age


@pytest.mark.parametrize(
    ("country", "age"),
    [("PL", 16), ("IT", 14), ("FR", 15), ("FI", 13), ("DE", 16), ("ES", 14), ("SI", 15),
     ("NO", 13), ("UA", 16)],
)  # fmt: skip
async def test_pupils_just_below_the_age_need_consent_and_at_it_do_not(
    world: World, country: str, age: int
) -> None:
    teacher = await world.teacher(country)
    pupils = await world.pupils(teacher, 3, consent=False)
    today = date.today()
    may_post = {}
    for pupil, pupil_age in zip(pupils, (age - 1, age, age + 1), strict=True):
        async with world.client(teacher) as http:
            # a birth year without a month counts as born in December: exactly `pupil_age`
            set_birth = await http.put(
                f"/api/v1/pupils/{pupil.id}/birth-date", json={"year": today.year - pupil_age - 1}
            )
        assert set_birth.status_code == 200, set_birth.text
        view = set_birth.json()
        assert (view["age"], view["consent_age"], view["country"]) == (pupil_age, age, country)
        async with world.client(pupil) as http:
            may_post[pupil_age] = (await http.get("/api/v1/me/consent")).json()["may_post"]
    assert may_post == {age - 1: False, age: True, age + 1: True}
