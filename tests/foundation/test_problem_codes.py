"""Every refusal a person can meet carries a precise code (docs/i18n.md "Problems"): a raise of
a general DomainError class names a `Problem`, each code's English message uses only values its
raise sites send, and every `Problem` is raised somewhere. The web build checks the rest (a
message in every catalogue, placeholders consistent across languages)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from twinspace.errors import Problem

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "twinspace"
ENGLISH = ROOT / "web" / "src" / "i18n" / "en.ts"

# Classes whose code says only "a rule / a conflict / too many…": every raise names a Problem.
GENERAL = {
    "RuleViolation",
    "Conflict",
    "Forbidden",
    "Throttled",
    "PayloadTooLarge",
    "UnsupportedMedia",
    "Unavailable",
}
# Forbidden raised without a precise code on purpose, by (file, English detail): the generic
# "You are not allowed to do this" is all a person may learn or could act on.
GENERIC_FORBIDDEN = {
    # a sign-in from a foreign web origin: a CSRF defence, nothing the person can change
    ("twinspace/face/http/session.py", "sign-in from this Origin is not allowed"),
    # a typing signal on a socket: never shown, the client sends it without waiting for an answer
    ("twinspace/face/sockets/project_connection.py", "you cannot write in this channel"),
}
# Members every problem has (twinspace/face/problems.py `problem()`): a value may not take the name.
RESERVED = {"type", "title", "status", "detail", "code", "instance", "headers", "type_code"}
# Values the client adds itself: the wait of a 429 comes from its Retry-After header.
CLIENT_VALUES = {"Throttled": {"seconds"}}


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    cls: str
    detail: str | None
    problem: str | None  # the Problem member's name
    values: frozenset[str] | None  # keyword values sent (None: a **splat, unknown)


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _sites() -> list[Site]:
    """Every call that names a Problem, and every raise of a general class."""
    found: list[Site] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        raised = {
            id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            cls = _name(node.func) or ""
            keywords = {k.arg: k.value for k in node.keywords}
            given = keywords.get("problem")
            problem = (
                given.attr
                if isinstance(given, ast.Attribute) and _name(given.value) == "Problem"
                else None
            )
            if problem is None and not (cls in GENERAL and id(node) in raised):
                continue
            first = node.args[0] if node.args else None
            detail = (
                first.value
                if isinstance(first, ast.Constant) and isinstance(first.value, str)
                else None
            )
            names = [k.arg for k in node.keywords]
            values = (
                None  # a **splat: the values are not known here
                if None in names
                else frozenset(k for k in names if k and k not in {"problem", "retry_after"})
            )
            rel = path.relative_to(ROOT).as_posix()
            found.append(Site(rel, node.lineno, cls, detail, problem, values))
    return found


def _english() -> dict[str, str]:
    text = ENGLISH.read_text("utf-8").split("export const enPupil")[0]
    return dict(re.findall(r"^\s*'problem\.code\.([a-z0-9-]+)': '((?:[^'\\]|\\.)*)',", text, re.M))


def test_every_general_refusal_names_a_precise_problem() -> None:
    sites = _sites()
    general = [s for s in sites if s.cls in GENERAL]
    assert len(general) > 150  # the walk sees the services' raises
    missing = [
        f"{s.path}:{s.line} raise {s.cls}({s.detail!r})"
        for s in general
        if s.problem is None and (s.path, s.detail) not in GENERIC_FORBIDDEN
    ]
    assert missing == []
    allowed = {(s.path, s.detail) for s in general if s.problem is None}
    assert allowed == GENERIC_FORBIDDEN  # an allow-list entry that no longer exists goes too
    assert all(s.cls == "Forbidden" for s in general if s.problem is None)


def test_every_problem_message_uses_only_values_its_raise_sites_send() -> None:
    english = _english()
    by_code: dict[str, list[Site]] = defaultdict(list)
    for site in _sites():
        if site.problem is not None:
            by_code[Problem[site.problem].value].append(site)
    wrong = []
    for code, sites in sorted(by_code.items()):
        placeholders = set(re.findall(r"\{(\w+)\}", english[code]))
        for site in sites:
            if site.values is None:
                continue
            sent = site.values | CLIENT_VALUES.get(site.cls, set())
            if placeholders - sent:
                wrong.append(f"{site.path}:{site.line} {code} lacks {sorted(placeholders - sent)}")
    assert wrong == []


def test_no_value_takes_the_name_of_a_problem_member() -> None:
    clashes = [
        f"{s.path}:{s.line} {sorted(s.values & RESERVED)}"
        for s in _sites()
        if s.values is not None and s.values & RESERVED
    ]
    assert clashes == []


def test_every_problem_is_raised_somewhere() -> None:
    """A code nobody sends is a message nobody reads: each is named by a raise site, a
    WriteBlock, or the HTTP face (its handlers write the code as a string)."""
    source = "\n".join(
        p.read_text("utf-8") for p in PACKAGE.rglob("*.py") if p != PACKAGE / "errors.py"
    )
    unused = [
        p.value
        for p in Problem
        if f"Problem.{p.name}" not in source and f'"{p.value}"' not in source
    ]
    assert unused == []


def test_the_walk_reads_values_and_the_allow_list() -> None:
    """The test above sees keyword values and a deliberate generic Forbidden."""
    sites = {(s.path, s.detail): s for s in _sites()}
    taken = [s for s in sites.values() if s.problem == "USERNAME_TAKEN"]
    assert taken and all(s.values is not None and "username" in s.values for s in taken)
    origin = sites[next(iter(sorted(GENERIC_FORBIDDEN)))]
    assert origin.cls == "Forbidden" and origin.problem is None
