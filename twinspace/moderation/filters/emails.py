"""E-mail addresses, including light obfuscation.

Recognises ``name@host.tld``, spaces around ``@`` and ``.`` (``name @ gmail . com``),
bracketed words (``name (at) gmail.com``, ``name [at] wp [dot] pl``) and spelled-out
symbols: the built-in ones below (at/dot, małpa/kropka, chiocciola/punto, punkt,
arobase/point, arroba/punto) and every lexicon's ``[at]`` and ``[dot]`` words
("apenstaartje", "zavináč", "kukac", "маймунка", "παπάκι", "snabel-a", "piste" ...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from twinspace.moderation.filters.domains import KNOWN_TLDS, MAIL_PROVIDERS
from twinspace.moderation.filters.findings import Category, Finding, finding

_BASE_AT = ("at", "małpa", "malpa", "małpka", "chiocciola", "arroba", "arobase", "ät")
_BASE_DOT = ("dot", "kropka", "punto", "punkt", "point", "ponto")
_OPEN = r"[(\[{<]"
_CLOSE = r"[)\]}>]"
_ATOM = r"[\w!#$%&'*+=?^`{|}~-]{1,64}"
_LABEL = r"[^\W_](?:[\w-]{0,62}[^\W_])?"


def _without_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _alternatives(words: tuple[str, ...]) -> str:
    """Every word as written and without its accents ("zavináč" and "zavinac", "tečka" and
    "tecka"): pupils often type without diacritics."""
    variants = {*words, *(_without_accents(w) for w in words)}
    spelled = sorted(variants, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(r"[\s-]+".join(map(re.escape, w.split())) for w in spelled) + ")"


@lru_cache(maxsize=8)
def _patterns(
    at_words: tuple[str, ...], dot_words: tuple[str, ...]
) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The address pattern, the host splitter and a cheap screen for these spelled-out
    symbols."""
    at = _alternatives(_BASE_AT + at_words)
    dot = _alternatives(_BASE_DOT + dot_words)
    bracket_at = rf"\s*{_OPEN}\s*(?:@|a|{at})\s*{_CLOSE}\s*"
    word_at = rf"\s+{at}\s+"
    bracket_dot = rf"\s*{_OPEN}\s*(?:\.|{dot})\s*{_CLOSE}\s*"
    word_dot = rf"\s+{dot}\s+"
    email = re.compile(
        rf"(?<![\w.@+-])"
        rf"(?P<local>{_ATOM}(?:(?:\.|{bracket_dot}|{word_dot}){_ATOM}){{0,6}})"
        rf"(?P<at>\s*@\s*|{bracket_at}|{word_at})"
        rf"(?P<host>{_LABEL}(?:(?:\s*\.\s*|{bracket_dot}|{word_dot}){_LABEL}){{1,6}})"
        rf"(?![\w@-])",
        re.IGNORECASE,
    )
    # Every address has "@", "a" in brackets, or a word for "at" between spaces or brackets:
    # messages without one skip the address pattern (docs/pupil-safety-evaluation.md).
    screen = re.compile(
        rf"@|{_OPEN}\s*a\s*{_CLOSE}|(?<![^\s(\[{{<]){at}(?![^\s)\]}}>])", re.IGNORECASE
    )
    host_split = re.compile(rf"\s*\.\s*|{bracket_dot}|{word_dot}", re.IGNORECASE)
    return email, host_split, screen


def _acceptable(at: str, host: str, host_split: re.Pattern[str]) -> bool:
    labels = host_split.split(host)
    tld = labels[-1].lower()
    spelled_dot = host_split.sub(".", host) != host.replace(" ", "")
    if at == "@" and not spelled_dot and " " not in host:
        return tld.isalpha() and len(tld) >= 2
    if tld not in KNOWN_TLDS:
        return False
    if at.strip().startswith(("(", "[", "{", "<")) or spelled_dot:
        return True
    # "name at gmail.com", "name @ gmail.com": a known mail provider is needed, so
    # "look at example.com" and "follow @anna.pl" are not taken for addresses. A word that
    # only ever means "@" ("arroba", "małpa", "chiocciola", "kukac") needs none: "rui.s
    # arroba sapo.pt" (docs/pupil-safety-evaluation.md, "Fifth round").
    word = " ".join(at.split()).lower()
    return labels[0].lower() in MAIL_PROVIDERS or (
        word not in _ORDINARY_AT and not word.startswith(("(", "[", "{", "<", "@"))
    )


# Words for "@" that are also ordinary words of some language ("look at", Turkish "et").
_ORDINARY_AT = frozenset({"", "at", "ät", "et", "a", "en"})


def find_emails(
    text: str, at_words: tuple[str, ...] = (), dot_words: tuple[str, ...] = ()
) -> list[Finding]:
    """E-mail addresses; ``at_words``/``dot_words`` add spelled-out symbols (lexicons)."""
    email, host_split, screen = _patterns(at_words, dot_words)
    findings: list[Finding] = []
    if screen.search(text) is None:
        return findings
    for found in email.finditer(text):
        if _acceptable(found["at"], found["host"], host_split):
            findings.append(
                finding(text, Category.EMAIL, found.start(), found.end(), "e-mail address")
            )
    return findings
