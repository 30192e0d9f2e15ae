"""Invitations to move a conversation off the platform, in every language.

An ``[invite]`` phrase is a finding on its own ("DM me", "schreib mir privat", "napiš mi
soukromě"); an ``[invite_app]`` phrase ("let's move to", "lass uns", "hablamos por",
Turkish "konusalim") is one when a messaging or social app is named within three words
before or after it ("let's move to WhatsApp", "WhatsApp'tan konusalim"). Merely naming an
app ("a video about TikTok") is not a finding. Both are reported as ``social_handle``,
the category teachers already review for off-platform contact. A message that carries the
phone number or e-mail address itself ("text me, 0601 ...") is held for that datum; a
generic "text me" in it is not reported a second time.
"""

from __future__ import annotations

import re

from twinspace.moderation.filters.findings import Category, Finding, finding
from twinspace.moderation.filters.lexicon import Lexicons
from twinspace.moderation.filters.lexicon_hits import message_hits

_APP_GAP = 3
# An account name: a letter first, then letters, digits, "." or "_", with at least one digit,
# "." or "_" ("ola.k", "zeynep_09", "jake2011"), next to an app's name in any language: "min
# snap är elsa.k", "snapim: zeynep_09", "мій снеп: olia_08", "add me: jake_2011 on snap"
# (docs/pupil-safety-evaluation.md, "Fifth round").
_ACCOUNT = re.compile(
    r"(?<![\w@.])@?(?=[A-Za-z0-9._]*[._\d])[A-Za-z][A-Za-z0-9._]{2,29}(?<![.])(?![\w@])"
)
# Between the app and the account after it: a colon or dash, or up to two copulas and
# possessives ("snap: x", "min snap är x", "το snap μου είναι x", "insta mea e x"), after a
# question ("tens snap? o meu é x", docs/pupil-safety-evaluation.md, "Sixth round");
# before the app: a preposition ("jake_2011 on snap"). "TikTok dance part_2" is no account.
_BETWEEN = re.compile(
    r"(?:\s*[:=\u2013-]\s*|\s*[?!]?\s+)(?:(?:is|ist|è|e|é|es|est|c'est|är|er|on|je|jest|to|"
    r"este|είναι|μου|mi|mio|meu|můj|min|mijn|mein|az|van|це|є|nevem|name|nick|nombre|nome|"
    # an article before the possessive: "tens snap? o meu é bia_10", "il mio è ..."
    r"o|a|il|el|la|le)"
    r"\s*[:=]?\s+){0,3}",
    re.IGNORECASE,
)
_ON = re.compile(
    r"\s+(?:on|at|na|auf|bei|sur|en|su|op|på|em|no|pe|în|в|на|στο|ve|dan|den|tan|ten|ban|ben)\s+",
    re.IGNORECASE,
)
# Endings that make a dotted word a domain or a file, not an account ("gmail.com", "cv.pdf").
_NOT_ACCOUNT_ENDINGS = frozenset(
    "com net org edu gov io co uk pl de it fr es fi se nl pt cz ro gr hu tr ua eu info me tv "
    "app gg ly be at ch dk no ie sk si hr lt lv ee bg mt is rs al mk html php pdf doc docx ppt "
    "pptx xls xlsx jpg jpeg png gif txt mp3 mp4 zip".split()
)


GENERIC = "off-platform invitation ("


def find_invitations(text: str, lexicons: Lexicons) -> list[Finding]:
    hits = message_hits(text, lexicons)
    tokens = hits.view.tokens
    findings: list[Finding] = []
    for hit in hits.of("invite"):
        rule = f"{GENERIC}{hit.entry.language})"
        start, end = tokens[hit.first].start, tokens[hit.last].end
        findings.append(finding(text, Category.SOCIAL_HANDLE, start, end, rule, hit.entry.language))
    apps = hits.of("platform")
    if not apps:
        return findings
    findings.extend(
        _accounts_next_to_apps(text, [(tokens[a.first].start, tokens[a.last].end) for a in apps])
    )
    for verb in hits.of("invite_app"):
        for app in apps:
            before = verb.last < app.first <= verb.last + _APP_GAP
            after = app.last < verb.first <= app.last + _APP_GAP
            if before or after:
                first, last = min(verb.first, app.first), max(verb.last, app.last)
                rule = f"off-platform invitation to an app ({verb.entry.language})"
                start, end = tokens[first].start, tokens[last].end
                findings.append(
                    finding(text, Category.SOCIAL_HANDLE, start, end, rule, verb.entry.language)
                )
                break
    return findings


_NEAR_APP = 40  # characters around an app's name searched for an account


def _accounts_next_to_apps(text: str, apps: list[tuple[int, int]]) -> list[Finding]:
    found: list[Finding] = []
    if not any(c.isdigit() or c in "._" for c in text):
        return found  # an account name holds a digit, "." or "_"
    windows = sorted({(max(0, a - _NEAR_APP), min(len(text), b + _NEAR_APP)) for a, b in apps})
    accounts = {
        account.span(): account
        for low, high in windows
        for account in _ACCOUNT.finditer(text, low, high)
    }
    for _span, account in sorted(accounts.items()):
        name = account.group().lstrip("@")
        if "." in name and name.rsplit(".", 1)[1].lower() in _NOT_ACCOUNT_ENDINGS:
            continue
        if name.replace(".", "").replace("_", "").isdigit() or not any(c.isalpha() for c in name):
            continue
        if sum(c.isalpha() for c in name) < 2:
            continue  # "v2.5", "7b"
        start, end = account.span()
        if any(
            (app_end <= start and _BETWEEN.fullmatch(text, app_end, start) is not None)
            or (end <= app_start and _ON.fullmatch(text, end, app_start) is not None)
            for app_start, app_end in apps
        ):
            rule = "social media handle (account name next to an app)"
            found.append(finding(text, Category.SOCIAL_HANDLE, start, end, rule))
    return found
