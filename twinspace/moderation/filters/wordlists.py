"""Offensive-word lists: plain UTF-8 data files, built in and extendable per deployment.

File format (``<lang>.txt``, one entry per line, ``#`` starts a comment)::

    word          the whole word only ("dick" does not match "Dickens")
    stem*         any word starting with the stem ("kurw*": kurwa, kurwy, kurwica)
    two words     a phrase: consecutive words ("send nudes"); the last may end with *
    =word         diacritics must match ("=coño" flags "coño" but not Italian "cono")
    !entry        an exception: words or phrases matching it are never flagged
                  ("!cazzuol*", "!cavallo di troia")

In a deployment's override directory, ``<lang>.txt`` adds entries to that language;
a ``!entry`` line removes the same entry if the built-in list of that language has it,
and otherwise becomes an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from twinspace.moderation.filters.normalize import normalize

_LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})?$")
_WORD = re.compile(r"^[^\W\d_]+\*?$")


class WordListError(ValueError):
    """A word-list line cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One list line, normalised: ``words`` are lower-case, accent-folded unless exact."""

    language: str
    words: tuple[str, ...]
    prefix: bool
    exact_accents: bool

    @property
    def key(self) -> str:
        mark = "=" if self.exact_accents else ""
        return mark + " ".join(self.words) + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class WordLists:
    """Entries and exceptions of every language, in reporting order (compared by identity)."""

    languages: tuple[str, ...]
    entries: tuple[Entry, ...]
    exceptions: tuple[Entry, ...]

    def __repr__(self) -> str:
        return f"WordLists({len(self.entries)} entries, languages={self.languages})"

    def for_language(self, language: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.language == language)


def parse_entry(line: str, language: str, source: str = "<text>") -> Entry:
    exact = line.startswith("=")
    body = line[1:] if exact else line
    prefix = body.endswith("*")
    body = body.removesuffix("*").strip()
    folded = normalize(body, fold_accents=not exact).text
    words = tuple(folded.split())
    # One-letter words only inside phrases ("a retard"); a single word needs two letters.
    too_short = len(words) == 1 and len(words[0]) < 2
    if not words or too_short or not all(_WORD.match(word) for word in words):
        raise WordListError(f"{source}: {line!r} is not a word, stem* or phrase")
    return Entry(language, words, prefix, exact)


def parse_wordlist(
    text: str, language: str, source: str = "<text>"
) -> tuple[list[Entry], list[Entry]]:
    """Return (entries, exceptions) of one list file."""
    entries: list[Entry] = []
    exceptions: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{number}"
        if line.startswith("!"):
            exceptions.append(parse_entry(line[1:].strip(), language, where))
        else:
            entries.append(parse_entry(line, language, where))
    return entries, exceptions


def builtin_languages() -> tuple[str, ...]:
    folder = resources.files("twinspace.moderation").joinpath("wordlists")
    names = (item.name for item in folder.iterdir() if item.name.endswith(".txt"))
    return tuple(sorted(name.removesuffix(".txt") for name in names))


def _builtin_text(language: str) -> str:
    folder = resources.files("twinspace.moderation").joinpath("wordlists")
    return folder.joinpath(f"{language}.txt").read_text(encoding="utf-8")


# Reporting order when a word is listed in several languages.
_PREFERRED_ORDER = ("en", "pl", "it", "de", "fr", "es")


def _ordered(languages: Iterable[str]) -> tuple[str, ...]:
    unique = set(languages)
    first = [lang for lang in _PREFERRED_ORDER if lang in unique]
    return (*first, *sorted(unique - set(first)))


def load_wordlists(
    override_dir: str | Path | None = None, *, languages: Iterable[str] | None = None
) -> WordLists:
    """Built-in lists (all, or only ``languages``) plus a deployment's override directory."""
    chosen = _ordered(languages if languages is not None else builtin_languages())
    per_language: dict[str, list[Entry]] = {}
    exceptions: list[Entry] = []
    available = set(builtin_languages())
    for language in chosen:
        if language not in available:
            per_language[language] = []
            continue
        found, excepted = parse_wordlist(_builtin_text(language), language, f"{language}.txt")
        per_language[language] = found
        exceptions.extend(excepted)
    if override_dir is not None:
        _apply_overrides(Path(override_dir), per_language, exceptions)
    order = _ordered(per_language)
    entries = tuple(entry for lang in order for entry in _dedupe(per_language[lang]))
    return WordLists(order, entries, tuple(_dedupe(exceptions)))


def _apply_overrides(
    folder: Path, per_language: dict[str, list[Entry]], exceptions: list[Entry]
) -> None:
    if not folder.is_dir():
        raise WordListError(f"{folder}: not a directory")
    for path in sorted(folder.glob("*.txt")):
        language = path.stem.lower()
        if not _LANGUAGE_FILE.match(language):
            continue
        added, removals = parse_wordlist(path.read_text(encoding="utf-8"), language, str(path))
        current = per_language.setdefault(language, [])
        for removal in removals:
            kept = [e for e in current if e.key != removal.key]
            if len(kept) == len(current):
                exceptions.append(removal)
            current[:] = kept
        current.extend(added)


def _dedupe(entries: Iterable[Entry]) -> list[Entry]:
    seen: set[tuple[str, str]] = set()
    unique: list[Entry] = []
    for entry in entries:
        marker = (entry.language, entry.key)
        if marker not in seen:
            seen.add(marker)
            unique.append(entry)
    return unique


@cache
def default_wordlists() -> WordLists:
    """The built-in lists, loaded once per process."""
    return load_wordlists()
