"""Top-level domains and mail providers shared by the e-mail and link filters."""

from __future__ import annotations

# Generic TLDs pupils meet, and the country TLDs of Europe and its neighbours.
GENERIC_TLDS = frozenset(
    "com net org edu gov info biz eu io app dev me tv co ly gg xyz site online blog shop "
    "club link live news page art store tech games game social wiki cloud email".split()
)
COUNTRY_TLDS = frozenset(
    "at be bg hr cy cz dk ee fi fr de gr hu ie it lv lt lu mt nl pl pt ro sk si es se "
    "al ba is li mk no rs tr am az ge jo lb md me tn ua ch uk us ca au ru by ad mc sm va "
    "gi fo gl ma dz eg il ps".split()
)
KNOWN_TLDS = GENERIC_TLDS | COUNTRY_TLDS
# TLDs that are also common file extensions: a bare "notes.md" is not taken for a link.
FILE_LIKE_TLDS = frozenset({"md", "rs", "sh", "py", "ps"})

MAIL_PROVIDERS = frozenset(
    "gmail googlemail hotmail outlook live msn yahoo ymail icloud me mac aol proton "
    "protonmail gmx web t-online freenet posteo wp o2 onet interia op poczta tlen vp "
    "libero virgilio tiscali alice tin email orange free laposte sfr wanadoo yandex "
    "seznam centrum abv freemail ukr inbox zoho mail".split()
)
