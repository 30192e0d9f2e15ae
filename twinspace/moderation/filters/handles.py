"""Social-media handles and invitations to move a conversation off the platform.

Finds "@handle" mentions, Discord tags (``name#1234``), invite links (discord.gg, t.me,
wa.me ...), and phrases in the six main languages that share or ask for an account:
invitations ("add me on snap", "dodaj mnie na insta", "seguimi su tiktok",
"folg mir auf insta", "ajoute-moi sur snap", "sígueme en insta"), possessives
("my insta is ...", "mój snap to ...", "il mio nick su discord è ...") and questions
("do you have snap?", "masz snapa?", "hast du Discord?", "t'as snap ?", "¿tienes insta?").
Merely naming a platform ("a video about TikTok") is not a finding, and neither is an
@mention of a classmate by first name ("@Sophie can you ask for the school e-mail?"): a
capitalised name of letters only is how pupils address each other in the project's own
chat, while account names ("@emma_2010", "@lucas.bcn", "@nikos_gr") are still findings.
"""

from __future__ import annotations

import re

from twinspace.moderation.filters.findings import Category, Finding, finding

# Canonical name -> spellings (with Polish case endings). Full names only are safe in
# questions and possessives; the short forms (ig, sc, fb ...) also appear there, since a
# possessive or a verb of inviting comes first.
_PLATFORMS: dict[str, str] = {
    "Instagram": r"insta(?:gram)?(?:ie|a|u|em|ka|ku)?|ig",
    "Snapchat": r"snap(?:chat|chacie|chata|chatu)?(?:ie|a|u|em)?|sc",
    "TikTok": r"tik\s?tok(?:u|a|iem|ie|er)?|tt",
    "Discord": r"discord(?:zie|a|u|em)?|dc",
    "WhatsApp": r"whats\s?app(?:ie|a|u|em)?|whatsap|watsap|wassap|guasap|wsp|wa",
    "Telegram": r"telegram(?:ie|a|u|em)?|tg",
    "Facebook": r"facebook(?:u|a|iem)?|fejs(?:ie|a|ik|iku)?|fb",
    "Messenger": r"messenger(?:ze|a|em)?|messanger(?:ze)?",
    "Twitter": r"twitter(?:ze|a|u)?",
    "YouTube": r"youtube(?:'?ie|a|u)?|yt",
    "Twitch": r"twitch(?:u|a)?",
    "Viber": r"viber(?:ze|a)?",
    "Skype": r"skype(?:'?ie|a)?",
    "Kik": r"kik",
    "Reddit": r"reddit(?:cie|a)?",
    "BeReal": r"bereal",
    "Roblox": r"roblox(?:ie|a)?",
    "Fortnite": r"fortnite",
    "FaceTime": r"facetime",
    "Spotify": r"spotify",
    "Xbox": r"xbox(?:ie|a)?",
    "PlayStation": r"psn",
}
_PLATFORM_REGEXES = {name: re.compile(rf"(?:{p})", re.I) for name, p in _PLATFORMS.items()}
_PLATFORM = r"(?:" + "|".join(_PLATFORMS.values()) + r")(?![\w'])"
# Every phrase below names a platform after a non-word character: messages without one
# skip the phrase pattern (docs/pupil-safety-evaluation.md, "Speed").
_ANY_PLATFORM = re.compile(rf"(?<!\w){_PLATFORM}", re.IGNORECASE)

_INVITE_VERBS = (
    # en
    r"add me|follow me|text me|message me|msg me|dm me|pm me|write me|write to me|hmu|"
    r"hit me up|find me|talk to me|chat with me|call me|ping me|contact me|reach me|"
    r"sub to me|subscribe to me|let'?s talk|let'?s chat|we can talk|join me|"
    # pl
    r"dodaj(?:cie)? mnie|dodaj|obserwuj(?:cie)? mnie|zaobserwuj(?:cie)?(?: mnie)?|obserwuj|"
    r"napisz(?:cie)? do mnie|napisz(?:cie)? mi|napisz|pisz(?:cie)? do mnie|pisz|"
    r"zagadaj(?: do mnie)?|znajd[źz] mnie|odezwij si[ęe]|zadzwo[ńn]|pogadajmy|pogadamy|"
    r"wbijaj(?:cie)?|wbij(?:cie)?|"
    # it
    r"aggiungimi|seguimi|scrivimi|contattami|trovami|cercami|chiamami|sentiamoci|"
    r"ci sentiamo|messaggiami|aggiungetemi|seguitemi|"
    # de
    r"adde mich|add mich|addet mich|folg(?:e|t)? mir|schreib(?:t)? mir|schreib mich an|"
    r"meld(?:e)? dich|such mich|kontaktier(?:e)? mich|ruf mich an|"
    # fr
    r"ajoute[sz]?[- ]moi|suis[- ]moi|suivez[- ]moi|[ée]cri[st][- ]moi|[ée]crivez[- ]moi|"
    r"contacte[sz]?[- ]moi|retrouve[sz]?[- ]moi|parle[sz]?[- ]moi|"
    # es
    r"agr[ée]game|agr[ée]gadme|a[ñn][áa]deme|s[íi]gueme|seguidme|escr[íi]beme|h[áa]blame|"
    r"b[úu]scame|cont[áa]ctame|ll[áa]mame"
)
_PREPOSITIONS = r"on|at|in|via|over|na|w|przez|po|su|per|auf|bei|über|ueber|sur|par|en|por|al"
# "schreib mir privat auf Snapchat", "add me pls on snap"
_ADVERBS = (
    r"privat|privately|prywatnie|in privato|en priv[ée]|en privado|pls|plz|please|bitte|"
    r"proszę|prosze|per favore|por favor|now|teraz|jetzt|subito|vite|ya|quickly|szybko"
)
_ARTICLES = r"the|my|il|la|lo|den|dem|die|le|el|mój|moim|mio"
_OWN = (
    r"my|mój|moj|moje|moja|moim|mojego|mojej|il mio|la mia|mio|mia|mein|meine|meinen|mon|ma|"
    r"mi|mis"
)
_YOUR = r"your|ur|yr|tw[óo]j|twoje|twoja|il tuo|la tua|tuo|tua|dein|deine|deinen|ton|ta|tu"
_ACCOUNT_WORDS = (
    r"nick|nickname|name|username|user|handle|account|profile|pseudo|nom|konto|profil|"
    r"nazwa|numer|number|id|tag|nome|utente|cuenta|perfil|usuario|compte|numéro|número"
)
_HAVE = (
    r"do you have|do u have|have you got|have u got|you got|u got|masz|macie|ma kto[śs]|"
    r"hai|avete|qualcuno ha|hast du|habt ihr|hat jemand|t'as|tu as|as-tu|vous avez|"
    r"avez-vous|quelqu'un a|tienes|ten[ée]is|alguien tiene|ten[ée]s"
)
_ASK_NAME = (
    r"jak(?:i)? masz(?: nick)? na|jak si[ęe] nazywasz na|come ti chiami su|"
    r"wie hei(?:ß|ss)t du auf|comment tu t'appelles sur|c[óo]mo te llamas en|"
    r"what'?s your name on|whats ur name on"
)
# A handle after the phrase: "is anna_k", ": anna_k", " to anna.k", or a handle-like word.
_TAIL = (
    r"(?:(?:\s*[:=\u2013-]\s*|\s+(?:is|to|jest|è|e|ist|lautet|c'est|est|es|:)\s+)@?[\w.#-]{2,40}"
    r"|\s+@[\w.]{2,40}|\s+(?=[\w.#-]*[\d_.#])[\w.#-]{2,40})?"
)

_PHRASES = re.compile(
    rf"(?<![\w-])(?:"
    rf"(?P<invite>(?:{_INVITE_VERBS})\s+(?:(?:{_ADVERBS})\s+)?(?:(?:{_PREPOSITIONS})\s+)?"
    rf"(?:(?:{_ARTICLES}|{_OWN})\s+)?"
    rf"(?P<p1>{_PLATFORM}))"
    rf"|(?P<own>(?:{_OWN})\s+(?:(?:{_ACCOUNT_WORDS})\s+(?:(?:{_PREPOSITIONS}|de|di)\s+)?)?"
    rf"(?P<p2>{_PLATFORM})(?:[- ](?:{_ACCOUNT_WORDS}))?)"
    rf"|(?P<ask>(?:(?:{_HAVE})\s+(?:(?:a|an|un|una|einen|ein|eine)\s+)?|(?:{_YOUR})\s+"
    rf"|(?:{_ASK_NAME})\s+)(?P<p3>{_PLATFORM}))"
    rf"|(?P<me>(?P<p4>snap|snapchat|whatsapp|insta|instagram|telegram|discord|facetime)"
    rf"\s+me\b)"
    rf"|(?P<label>(?P<p5>{_PLATFORM})\s*:\s*@?(?=[\w.]*[\d_.])[\w.]{{2,30}})"
    rf"){_TAIL}",
    re.IGNORECASE,
)
_MENTION = re.compile(
    r"(?<![\w@./])@(?P<name>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@])"
)
_DISCORD_TAG = re.compile(r"(?<![\w#])[\w.]{2,32}#\d{4}(?!\w)")
_INVITE_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.)?(?:discord\.gg|discord(?:app)?\.com/invite|t\.me|"
    r"wa\.me|chat\.whatsapp\.com|instagram\.com|snapchat\.com/add|tiktok\.com/@|"
    r"facebook\.com|fb\.me|m\.me)/?[\w.@/-]+",
    re.IGNORECASE,
)
# "@" meaning "at": "@home", "@ school", "@5pm".
_AT_WORDS = frozenset(
    "home school work casa scuola lavoro szkole szkoła domu pracy schule hause arbeit "
    "école ecole maison trabajo colegio cole all everyone here channel".split()
)
# "@Sophie": a classmate addressed by first name inside the project.
_FIRST_NAME = re.compile(r"[A-Z][a-z]{1,20}")
_TIME = re.compile(r"\d{1,2}(?:[:.h]\d{2})?(?:am|pm|h|uhr)?", re.I)
_KINDS = {
    "invite": "invitation",
    "own": "handle",
    "ask": "contact question",
    "me": "invitation",
    "label": "handle",
}


def _platform_name(word: str) -> str:
    for name, regex in _PLATFORM_REGEXES.items():
        if regex.fullmatch(word):
            return name
    return word


def find_handles(text: str) -> list[Finding]:
    findings: list[Finding] = []
    phrases = _PHRASES.finditer(text) if _ANY_PLATFORM.search(text) is not None else ()
    for found in phrases:
        kind = next(k for k in _KINDS if found[k] is not None)
        platform = next(found[g] for g in ("p1", "p2", "p3", "p4", "p5") if found[g])
        rule = f"social media {_KINDS[kind]} ({_platform_name(platform)})"
        findings.append(finding(text, Category.SOCIAL_HANDLE, found.start(), found.end(), rule))
    if "@" in text:
        for found in _MENTION.finditer(text):
            name = found["name"]
            if name.lower() in _AT_WORDS or name.isdigit() or _TIME.fullmatch(name):
                continue
            if _FIRST_NAME.fullmatch(name):
                continue
            rule = "social media handle (@mention)"
            findings.append(finding(text, Category.SOCIAL_HANDLE, found.start(), found.end(), rule))
    if "#" in text:
        for found in _DISCORD_TAG.finditer(text):
            rule = "social media handle (Discord tag)"
            findings.append(finding(text, Category.SOCIAL_HANDLE, found.start(), found.end(), rule))
    if "/" in text or "." in text:
        for found in _INVITE_LINK.finditer(text):
            rule = "social media link"
            findings.append(finding(text, Category.SOCIAL_HANDLE, found.start(), found.end(), rule))
    return findings
