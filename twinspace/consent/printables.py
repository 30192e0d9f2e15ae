"""Print-ready HTML: guardian consent letters and pupils' sign-in cards for one class
(docs/consent.md, "Printables"). Every filled-in value is escaped; a password appears only
when it was generated for this printing (stored passwords are argon2 hashes, never shown)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from twinspace.consent.wording import WORDING

_STYLE = """
body { font-family: system-ui, sans-serif; color: #111; margin: 2rem; }
.hint { background: #eef; padding: .5rem 1rem; border-radius: .3rem; }
.letter { max-width: 42rem; page-break-after: always; break-after: page; }
.letter:last-child { page-break-after: auto; break-after: auto; }
.letter h1 { font-size: 1.4rem; }
.facts { border-collapse: collapse; margin: 1rem 0; }
.facts th { text-align: left; padding-right: 1rem; }
.choice { margin: .6rem 0; font-size: 1.05rem; }
.box { display: inline-block; width: 1rem; height: 1rem; border: 2px solid #111;
  vertical-align: middle; margin-right: .5rem; }
.line { margin-top: 1.6rem; border-top: 1px solid #111; padding-top: .2rem; width: 24rem;
  font-size: .85rem; }
.cards { display: grid; grid-template-columns: repeat(2, 1fr); gap: .8rem; }
.card { border: 2px dashed #555; padding: .8rem 1rem; border-radius: .4rem;
  break-inside: avoid; page-break-inside: avoid; }
.card h2 { margin: 0 0 .4rem; font-size: 1.1rem; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: 0; }
.card dd { margin: 0; font-family: ui-monospace, monospace; font-size: 1.1rem; }
.card .small { font-size: .8rem; color: #444; margin: .4rem 0 0; }
@media print {
  body { margin: 0; }
  .hint { display: none; }
  @page { margin: 1.5cm; }
}
"""


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """What one letter names: the pupil, class, school, age of consent and teacher."""

    pupil: str
    class_name: str
    school: str
    age: int
    teacher: str


@dataclass(frozen=True, slots=True)
class CardFacts:
    display_name: str
    username: str
    password: str | None  # a new one generated for this printing, else None


def _page(language: str, title: str, body: str) -> str:
    words = WORDING[language]
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        f'<p class="hint">{escape(words["print_hint"])}</p>\n{body}\n</body></html>\n'
    )


def _fill(template: str, facts: LetterFacts) -> str:
    return escape(template).format(
        pupil=escape(facts.pupil),
        class_name=escape(facts.class_name),
        school=escape(facts.school),
        age=facts.age,
        teacher=escape(facts.teacher),
    )


def consent_letters(language: str, letters: list[LetterFacts]) -> str:
    """One printed page per pupil, for their guardian to tick, sign and return."""
    words = WORDING[language]
    parts = []
    for facts in letters:
        parts.append(
            f'<section class="letter">\n<h1>{escape(words["letter_title"])}</h1>\n'
            f'<table class="facts">'
            f"<tr><th>{escape(words['pupil'])}</th><td>{escape(facts.pupil)}</td></tr>"
            f"<tr><th>{escape(words['class'])}</th><td>{escape(facts.class_name)}</td></tr>"
            f"<tr><th>{escape(words['school'])}</th><td>{escape(facts.school)}</td></tr>"
            "</table>\n"
            f"<p>{_fill(words['greeting'], facts)}</p>\n"
            f"<p>{_fill(words['about'], facts)}</p>\n"
            f"<p>{_fill(words['rule'], facts)}</p>\n"
            f"<p>{_fill(words['data'], facts)}</p>\n"
            f'<p class="choice"><span class="box"></span>{escape(words["yes"])}</p>\n'
            f'<p class="choice"><span class="box"></span>{escape(words["no"])}</p>\n'
            f'<p class="line">{escape(words["guardian"])}</p>\n'
            f'<p class="line">{escape(words["signature"])}</p>\n'
            f'<p class="line">{escape(words["date"])}</p>\n'
            f"<p>{_fill(words['return'], facts)}</p>\n</section>"
        )
    return _page(language, words["letter_title"], "\n".join(parts))


def sign_in_cards(
    language: str, class_name: str, school: str, address: str, cards: list[CardFacts]
) -> str:
    """Cards to cut out: name, sign-in address, username and (when new) password."""
    words = WORDING[language]
    title = escape(words["cards_title"]).format(class_name=escape(class_name))
    parts = []
    for card in cards:
        password = (
            f"<dd>{escape(card.password)}</dd>"
            if card.password
            else f'<dd class="small">{escape(words["password_blank"])}</dd>'
        )
        parts.append(
            f'<article class="card">\n<h2>{escape(card.display_name)}</h2>\n<dl>'
            f"<dt>{escape(words['address'])}</dt><dd>{escape(address)}</dd>"
            f"<dt>{escape(words['username'])}</dt><dd>{escape(card.username)}</dd>"
            f"<dt>{escape(words['password'])}</dt>{password}</dl>\n"
            f'<p class="small">{escape(school)} · {escape(class_name)} · '
            f"{escape(words['keep_secret'])}</p>\n</article>"
        )
    body = f'<h1>{title}</h1>\n<div class="cards">\n' + "\n".join(parts) + "\n</div>"
    return _page(language, words["cards_title"].format(class_name=class_name), body)
