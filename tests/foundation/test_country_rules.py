"""Per-country registration rules live in each country's policy data (issue 22, item 6)."""

from __future__ import annotations

from typing import Any

from tests.foundation.test_registry import registration, school
from tests.support.world import World


async def test_the_vocational_rule_is_italys_and_records_compulsory_schooling(
    world: World,
) -> None:
    """Italian seed: "Teachers working at Vocational Training Centres (CFP) offering courses
    of at least 3 years, open to learners in compulsory schooling, may also register."

    The rule is Italy's: Polish and Finnish vocational schools with 2-year courses register;
    an Italian centre needs both 3 years and courses open to pupils in compulsory schooling.
    """
    two_years: dict[str, Any] = {"type": "vocational", "vocational_course_years": 2}
    async with world.client() as http:
        countries = {c["code"]: c for c in (await http.get("/api/v1/countries")).json()}
        polish = await http.post(
            "/api/v1/registrations",
            json=registration("voc-pl", "teacher", school("PL", **two_years)),
        )
        finnish = await http.post(
            "/api/v1/registrations",
            json=registration("voc-fi", "teacher", school("FI", **two_years)),
        )
        italian_short = await http.post(
            "/api/v1/registrations",
            json=registration("voc-it1", "teacher", school("IT", **two_years)),
        )
        italian_closed = await http.post(
            "/api/v1/registrations",
            json=registration(
                "voc-it2",
                "teacher",
                school(
                    "IT",
                    type="vocational",
                    vocational_course_years=3,
                    open_to_compulsory_schooling=False,
                ),
            ),
        )
        italian_ok = await http.post(
            "/api/v1/registrations",
            json=registration(
                "voc-it3",
                "teacher",
                school(
                    "IT",
                    type="vocational",
                    vocational_course_years=3,
                    open_to_compulsory_schooling=True,
                ),
            ),
        )
    assert countries["IT"]["policy"]["vocational_min_course_years"] == 3
    assert countries["IT"]["policy"]["vocational_requires_compulsory_schooling"] is True
    for code in ("PL", "FI", "FR"):
        assert countries[code]["policy"]["vocational_min_course_years"] is None, code
        assert countries[code]["policy"]["vocational_requires_compulsory_schooling"] is False
    assert polish.status_code == 201, polish.text
    assert finnish.status_code == 201, finnish.text
    assert italian_short.status_code == 422
    assert italian_short.json()["rule"] == "vocational-course-years"
    assert italian_closed.status_code == 422
    assert italian_closed.json()["rule"] == "vocational-compulsory-schooling"
    assert italian_ok.status_code == 201, italian_ok.text
    school_id = italian_ok.json()["user"]["school_id"]
    async with world.client() as http:
        stored = (await http.get(f"/api/v1/schools/{school_id}")).json()
    assert stored["open_to_compulsory_schooling"] is True
