"""E-mail addresses, including light obfuscation.

Recognises ``name@host.tld``, spaces around ``@`` and ``.`` (``name @ gmail . com``),
bracketed words (``name (at) gmail.com``, ``name [at] wp [dot] pl``) and spelled-out
symbols in the six main languages (at/dot, małpa/kropka, chiocciola/punto,
punkt, arobase/point, arroba/punto).
"""

from __future__ import annotations

import re

from twinspace.moderation.filters.domains import KNOWN_TLDS, MAIL_PROVIDERS
from twinspace.moderation.filters.findings import Category, Finding, finding

_AT_WORDS = r"(?:at|małpa|malpa|małpka|chiocciola|arroba|arobase|ät)"
_DOT_WORDS = r"(?:dot|kropka|punto|punkt|point|ponto)"
_OPEN = r"[(\[{<]"
_CLOSE = r"[)\]}>]"
_BRACKET_AT = rf"\s*{_OPEN}\s*(?:@|a|{_AT_WORDS})\s*{_CLOSE}\s*"
_WORD_AT = rf"\s+{_AT_WORDS}\s+"
_BRACKET_DOT = rf"\s*{_OPEN}\s*(?:\.|{_DOT_WORDS})\s*{_CLOSE}\s*"
_WORD_DOT = rf"\s+{_DOT_WORDS}\s+"
_ATOM = r"[\w!#$%&'*+=?^`{|}~-]{1,64}"
_LABEL = r"[^\W_](?:[\w-]{0,62}[^\W_])?"

_EMAIL = re.compile(
    rf"(?<![\w.@+-])"
    rf"(?P<local>{_ATOM}(?:(?:\.|{_BRACKET_DOT}|{_WORD_DOT}){_ATOM}){{0,6}})"
    rf"(?P<at>\s*@\s*|{_BRACKET_AT}|{_WORD_AT})"
    rf"(?P<host>{_LABEL}(?:(?:\s*\.\s*|{_BRACKET_DOT}|{_WORD_DOT}){_LABEL}){{1,6}})"
    rf"(?![\w@-])",
    re.IGNORECASE,
)
_HOST_SPLIT = re.compile(rf"\s*\.\s*|{_BRACKET_DOT}|{_WORD_DOT}", re.IGNORECASE)


def _acceptable(at: str, host: str) -> bool:
    labels = _HOST_SPLIT.split(host)
    tld = labels[-1].lower()
    spelled_dot = _HOST_SPLIT.sub(".", host) != host.replace(" ", "")
    if at == "@" and not spelled_dot and " " not in host:
        return tld.isalpha() and len(tld) >= 2
    if tld not in KNOWN_TLDS:
        return False
    if at.strip().startswith(("(", "[", "{", "<")) or spelled_dot:
        return True
    # "name at gmail.com", "name @ gmail.com": a known mail provider is needed, so
    # "look at example.com" and "follow @anna.pl" are not taken for addresses.
    return labels[0].lower() in MAIL_PROVIDERS


def find_emails(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for found in _EMAIL.finditer(text):
        if _acceptable(found["at"], found["host"]):
            findings.append(
                finding(text, Category.EMAIL, found.start(), found.end(), "e-mail address")
            )
    return findings
