"""Links to sites outside the project's allow-list.

Finds URLs with a scheme, ``www.`` addresses and bare domains with a known top-level
domain (``brainly.com``) or with a path (``forms.gle/AbC1``). A bare domain needs a
lower-case TLD, so a missing space ("finished.It was") is not a link. Subdomains of an
allowed domain are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from twinspace.moderation.filters.config import normalize_domain
from twinspace.moderation.filters.domains import FILE_LIKE_TLDS, KNOWN_TLDS
from twinspace.moderation.filters.findings import Category, Finding, finding

_URL = re.compile(
    r"(?P<scheme>\b(?:https?|ftp)://[^\s<>\"'`]+)"
    r"|(?P<www>(?<![\w.@/-])www\d{0,3}\.[^\s<>\"'`]+)"
    r"|(?P<bare>(?<![\w.@/:-])(?P<host>(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?P<tld>[a-z]{2,24}))"
    r"(?![\w-])(?::\d{2,5})?(?P<path>/[^\s<>\"'`]*)?)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"»…"


def _trim(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def _host_of(url: str) -> str:
    if "://" in url:
        try:
            return (urlsplit(url).hostname or "").lower()
        except ValueError:
            return ""
    return re.split(r"[/?#:]", url, maxsplit=1)[0].lower()


def is_allowed(host: str, allowed_domains: Iterable[str]) -> bool:
    host = host.rstrip(".").removeprefix("www.")
    return any(host == domain or host.endswith("." + domain) for domain in allowed_domains)


def find_links(
    text: str, allowed_domains: Iterable[str], skip: Iterable[tuple[int, int]] = ()
) -> list[Finding]:
    """External links; ``skip`` holds spans already explained (e-mail addresses)."""
    if "." not in text:
        return []
    skipped = list(skip)
    allowed = [normalize_domain(domain) for domain in allowed_domains]
    findings: list[Finding] = []
    for found in _URL.finditer(text):
        if found["bare"] is not None:
            tld, has_path = found["tld"], len(found["path"] or "") > 1
            if not tld.islower():
                continue
            # An unknown TLD, or a file-like one ("notes.md"), needs a path to be a link.
            if (tld not in KNOWN_TLDS or tld in FILE_LIKE_TLDS) and not has_path:
                continue
        url = _trim(found.group())
        start, end = found.start(), found.start() + len(url)
        if any(start < s_end and s_start < end for s_start, s_end in skipped):
            continue
        host = _host_of(url)
        if not host or is_allowed(host, allowed):
            continue
        rule = f"external link ({host.removeprefix('www.')})"
        findings.append(finding(text, Category.EXTERNAL_LINK, start, end, rule))
    return findings
