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

from twinspace.moderation.filters.findings import Category, Finding, finding
from twinspace.moderation.filters.lexicon import Lexicons
from twinspace.moderation.filters.lexicon_hits import message_hits

_APP_GAP = 3


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
