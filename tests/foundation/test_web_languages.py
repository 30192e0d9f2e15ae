"""The web client's languages (docs/i18n.md): every code the server sends has an English message,
and the catalogue check that `npm run lint` runs catches a missing plural form or a stray
placeholder. Missing keys themselves fail `tsc` (each catalogue is typed `Catalogue`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import twinspace.app.factory  # noqa: F401  (defines every DomainError class)
from tests.foundation.test_registry import registration, school
from tests.support.world import World
from twinspace.errors import Problem, problem_codes
from twinspace.moderation.filters.findings import Category
from twinspace.moderation.views import REASON_HEADS, audit_reason_code, queue_reason_code

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "web" / "src" / "i18n"
CHECK = ROOT / "web" / "scripts" / "check-catalogues.mjs"
LANGUAGES = "en pl it de fr es fi sv nl pt cs ro el hu tr uk".split()


def _keys(lang: str) -> set[str]:
    return set(re.findall(r"^\s*'([^']+)':", (I18N / f"{lang}.ts").read_text("utf-8"), re.M))


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is not installed (CI=true)", pytrace=False)
        pytest.skip("node is not installed")
    return node


def test_every_server_code_has_an_english_message() -> None:
    english = _keys("en")
    assert "username-taken" in problem_codes()
    missing = [f"problem.code.{code}" for code in problem_codes()]
    missing += [f"reason.{head}" for head in REASON_HEADS]
    missing += [f"category.{category.value}" for category in Category]
    assert [key for key in missing if key not in english] == []
    assert {p.value for p in Problem} <= set(problem_codes())


def test_every_language_has_a_complete_catalogue() -> None:
    english = _keys("en")
    for lang in LANGUAGES:
        assert english - _keys(lang) == set(), lang


def test_reason_codes_of_queue_and_audit_entries() -> None:
    flags = [{"category": "phone"}, {"category": "email"}, {"category": "phone"}]
    assert queue_reason_code("filter", "held", flags) == "held.filter:email,phone"
    assert queue_reason_code("approval", "x", []) == "held.approval"
    assert queue_reason_code("page_scan", "2 new finding(s)", flags) == "page_scan:email,phone"
    assert queue_reason_code("report", "reported", []) == "reported"
    assert queue_reason_code("report", "he was rude", []) is None  # the reporter's own words
    assert audit_reason_code("blocked", "", {"flags": ["offensive"]}) == "blocked.filter:offensive"
    assert audit_reason_code("held", "", {"reason_code": "held.pre"}) == "held.pre"
    assert audit_reason_code("hide", "spam", {}) is None


def test_catalogue_check_passes_and_catches_a_missing_plural_form(tmp_path: Path) -> None:
    node = _node()
    ok = subprocess.run([node, str(CHECK)], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    broken = tmp_path / "i18n"
    shutil.copytree(I18N, broken)
    polish = broken / "pl.ts"
    text = polish.read_text("utf-8")
    polish.write_text(
        "\n".join(line for line in text.splitlines() if "'boards.comments_few'" not in line),
        "utf-8",
    )
    czech = broken / "cs.ts"
    czech.write_text(czech.read_text("utf-8").replace("'Odeslat'", "'Odeslat {kdo}'", 1), "utf-8")
    failed = subprocess.run([node, str(CHECK), str(broken)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "pl.ts: boards.comments_few is missing" in failed.stderr
    assert "cs.ts: chat.send uses {kdo}" in failed.stderr


async def test_a_problem_carries_its_code_and_values(world: World) -> None:
    existing = await world.teacher("PL")
    async with world.client() as http:
        taken = await http.post(
            "/api/v1/registrations",
            json=registration(existing.user.username, "teacher", school("PL")),
        )
        weak = await http.post(
            "/api/v1/registrations",
            json={**registration("newbie", "teacher", school("PL")), "password": "123"},
        )
        ineligible = await http.post(
            "/api/v1/registrations", json=registration("clerk", "administrative", school("IT"))
        )
    body = taken.json()
    assert (taken.status_code, body["type"], body["code"]) == (
        409,
        "/problems/conflict",
        "username-taken",
    )
    assert body["username"] == existing.user.username
    assert weak.json()["code"] == "password-too-short" and weak.json()["minimum"] >= 8
    assert ineligible.json()["code"] == "staff-role-not-eligible"
    assert ineligible.json()["country"] == "IT"
