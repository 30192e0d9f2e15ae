"""Mail templates are data: one JSON file per language in `mail/templates/`, each with a subject
and a plain-text body per kind and the footers (docs/mail.md, "Languages")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from twinspace.mail.kinds import KINDS

LANGUAGES: tuple[str, ...] = ("en", "pl", "it", "de", "fr", "fi", "es")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    body_text: str


def language_of(locale: str | None) -> str:
    """`pl-PL` -> `pl`; a language without templates falls back to English."""
    code = (locale or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalogue(language: str) -> dict[str, Any]:
    text = files("twinspace.mail").joinpath("templates", f"{language}.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def render(kind: str, language: str, params: dict[str, str], footer: dict[str, str]) -> Rendered:
    """The subject and plain-text body of `kind` in `language`; `footer` fills the footer (the
    unsubscribe and preferences links for an account, nothing for a bare address)."""
    book = catalogue(language_of(language))
    template = book[kind]
    if kind == "digest":
        params = {**params, "items": _worded(params.get("items", ""), book["notification_kinds"])}
    subject = " ".join(template["subject"].format_map(params).split())  # one line, always
    body = template["body"].format_map(params)
    foot = book["footer"].format_map(footer) if footer else book["footer_address"]
    return Rendered(subject=subject[:300], body_text=f"{body}\n-- \n{foot}\n")


def _worded(items: str, kinds: dict[str, str]) -> str:
    """Digest lines arrive as `<kind code> · <about>` (notifications/scheduler.py): the code is
    worded in the recipient's language."""
    lines = []
    for line in items.splitlines():
        code, sep, rest = line.partition(" · ")
        lines.append(f"- {kinds.get(code, code)}{sep}{rest}")
    return "\n".join(lines)


def check_catalogues() -> None:
    """Every language has every kind and uses every one of its parameters (run by the tests)."""
    for language in LANGUAGES:
        for name, kind in KINDS.items():
            sample = {p: f"<{p}>" for p in kind.params}
            mail = render(name, language, sample, {"unsubscribe_url": "", "preferences_url": ""})
            missing = [p for p in kind.params if f"<{p}>" not in mail.subject + mail.body_text]
            if missing:
                raise ValueError(f"{language}/{name} does not use {missing}")
