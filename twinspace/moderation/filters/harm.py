"""Harm between pupils in every language: swearing, bullying, threats, and self-harm.

Built from the lexicon sections (see ``lexicon.py``) by structure, not by sentences:

- offensive words and insults, exclusion phrases and threat phrases are findings alone;
- a degrading word is bullying when aimed at a person: a second-person marker of the same
  language up to four words before it ("you're so ugly", "du bist so hässlich", "eres tan
  fea") or right after it (Hungarian "hülye vagy"), or a capitalised name and a
  third-person copula before it ("Anna is so dumb");
- "nobody" followed within four words by an object form of "you" is exclusion ("nobody
  wants you", "nikt cię nie lubi", "personne ne t'aime", "kimse seni istemiyor");
- keeping a named classmate out of a group is exclusion: a ``[leave_out]`` verb within
  three words of a capitalised name, with a group word near the name or a "don't tell him"
  (``[secret]``) in the message ("Nie zapraszajcie Bartka do grupy", "Vi bjuder inte in
  Oskar till gruppen"); "without" and a name need both ("the group without Tom, don't tell
  him"), so "let's start the call without Anna, she is late" passes;
- a violent verb within three words of an object form of "you" is a threat
  ("je vais te frapper", "cię pobiję", "seni döveceğim");
- a classmate compared to an animal is bullying: a ``[like]`` word, an ``[animal]`` within
  three words after it (two before Turkish "gibi"), and a capitalised name or a
  second-person word up to five words before ("Tim sieht aus wie ein Schwein", "o Rui tem
  cara de sapo"; docs/pupil-safety-evaluation.md, "Sixth round");
- self-harm statements (phrases, or a first-person wish followed by a word for dying, or a
  negated wish to live "anymore") are their own category, so the pipeline can treat them
  with care.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from twinspace.moderation.filters.findings import Category, Finding
from twinspace.moderation.filters.harm_grammar import (
    _CLAUSE_END,
    _ENDINGS,
    _make,
    _negated_before,
    _pairs,
    _question,
    _second_person,
    _within,
    _you_between,
)
from twinspace.moderation.filters.harm_parts import (
    _KEEPING_OUT,
    _STRONG_SIGNS,
    _goodbye_signs,
    _kept_out,
    _threat_parts,
)
from twinspace.moderation.filters.lexicon import Hit, Lexicons
from twinspace.moderation.filters.lexicon_hits import MessageHits, message_hits

_ALONE = {
    "offensive": "offensive word",
    "insult": "insult",
    "exclusion": "exclusion",
    "threat": "threat",
}
_AIM_BEFORE = 4
_AIM_AFTER = 1
_EXCLUSION_GAP = 5
_THREAT_GAP = 3


def _near(
    anchors: tuple[Hit, ...], target: Hit, before: int, after: int, same_language: bool = True
) -> Hit | None:
    for anchor in anchors:
        if same_language and anchor.entry.language != target.entry.language:
            continue
        if target.first - before <= anchor.last < target.first:
            return anchor
        if target.last < anchor.first <= target.last + after:
            return anchor
    return None


# Languages that capitalise every noun: a capitalised word after an article is no name.
_NOUNS_CAPITALISED = frozenset({"de", "lb"})
# Languages whose present tense drops "is": "Dani csúnya", "Ayşe çok çirkin", "Марко тупий".
_NO_COPULA = frozenset({"hu", "tr", "uk", "ru", "lt", "lv"})


def _named(hits: MessageHits, target: Hit) -> Hit | None:
    """A capitalised name, then a third-person copula, then (within 3 words) ``target``;
    in languages without a present-tense copula the name itself, within 3 words.

    In German a capitalised word after a common word is a noun, not a name ("Die Aufgabe
    ist dumm"); elsewhere an article may stand before a name (Greek, Portuguese "a Joana").
    """
    language = target.entry.language
    tokens = hits.view.tokens
    common = {
        index
        for hit in hits.of("common")
        if hit.entry.language == language
        for index in range(hit.first, hit.last + 1)
    }
    # The name alone (no copula) only in a message that is not written in another language:
    # "Soy idiota" is Spanish, not "Soy" called an idiot in Hungarian.
    if language in _NO_COPULA and hits.language in (None, language):
        for name in range(max(0, target.first - 3), target.first):
            if (
                tokens[name].capitalised
                and name not in common
                and (name == 0 or name - 1 in common)
            ):
                return Hit(name, name, target.entry)
    for copula in hits.of("third"):
        if copula.entry.language != target.entry.language:
            continue
        if not target.first - 3 <= copula.last < target.first or copula.first == 0:
            continue
        name = copula.first - 1
        noun = language in _NOUNS_CAPITALISED and name - 1 in common
        if tokens[name].capitalised and not noun and name not in common:
            return copula
    return None


# Languages whose infinitive comes before the wish: "ölmek istiyorum", "meghalni akarok".
_WISH_AFTER_DYING = frozenset({"tr", "hu"})


def _wishes(text: str, hits: MessageHits) -> Iterator[Finding]:
    """A first-person wish, then within three words a word for dying ("I just want to die",
    "ich will einfach nur sterben"), or in Turkish and Hungarian the word for dying and
    within two words the wish ("ölmek istiyorum", "meghalni akarok"), unless a negation
    stands between them."""
    negations = hits.of("negation")
    for die in hits.of("die"):
        language = die.entry.language
        for wish in hits.of("want_self"):
            if wish.entry.language != language:
                continue
            if die.first - 4 <= wish.last < die.first:
                first, last = wish.first, die.last
                if any(wish.first - 2 <= n.first and n.last < die.first for n in negations):
                    continue
            elif language in _WISH_AFTER_DYING and die.last < wish.first <= die.last + 2:
                first, last = die.first, wish.last
                if any(die.first <= n.first and n.last <= wish.last for n in negations):
                    continue
            else:
                continue
            yield _make(text, hits, first, last, Category.SELF_HARM, "self-harm", language)
            break


def _negated(hits: MessageHits, first: int, last: int, language: str) -> bool:
    """A negation of the language between tokens ``first`` and ``last`` ("you are not
    stupid")."""
    return any(
        n.entry.language == language and first <= n.first and n.last <= last
        for n in hits.of("negation")
    )


def _aimed(text: str, hits: MessageHits, lexicons: Lexicons) -> Iterator[Finding]:
    markers = hits.of("you")
    possessives = hits.of("your")
    fond = _fond(text, hits)
    for word in hits.of("degrading"):
        if _praising(hits, word, lexicons):
            continue  # "you're crazy good at this", "du bist wahnsinnig schnell"
        anchor = _near(markers, word, _AIM_BEFORE, _AIM_AFTER)
        if anchor is not None and fond:
            continue  # "you're such a weirdo, love you ❤️": teasing a friend
        anchor = anchor or _named(hits, word)
        if anchor is None:
            # "your drawings are pathetic": a classmate's work (docs/pupil-safety-evaluation.md,
            # "Fifth round"); "is your cat fat?" asks
            anchor = _near(possessives, word, _AIM_BEFORE, 0)
            if anchor is not None and _question(text, hits, anchor.first):
                anchor = None
        if anchor is None:
            continue
        if _negated(
            hits, min(anchor.last, word.last), max(anchor.first, word.first), word.entry.language
        ):
            continue
        first, last = min(anchor.first, word.first), max(anchor.last, word.last)
        yield _make(text, hits, first, last, Category.OFFENSIVE, "bullying", word.entry.language)


# Hearts and kisses: affection, to a friend the message teases (thirteenth round)
_HEARTS = frozenset(
    "\u2764\u2665\U0001f495\U0001f496\U0001f497\U0001f498\U0001f49e\U0001f970\U0001f618\U0001f60d"
)


def _fond(text: str, hits: MessageHits) -> bool:
    """The message says "love you" or sends a heart ("ur such a nerd ❤️")."""
    return bool(hits.of("love_you")) or not _HEARTS.isdisjoint(text)


def _praising(hits: MessageHits, word: Hit, lexicons: Lexicons) -> bool:
    """A degrading word used as an intensifier: a ``good`` word of its language right after
    it ("crazy good", "wahnsinnig schnell", "stupidly talented")."""
    goods = _looked_up(lexicons, "good").get(word.entry.language, _NO_PHRASES)
    return bool(_phrase_at(hits, word.last + 1, goods))


def _paired(
    text: str, hits: MessageHits, heads: str, gap_before: int, gap_after: int, rule: str
) -> Iterator[Finding]:
    objects = hits.of("you_obj")
    for head in hits.of(heads):
        anchor = _near(objects, head, gap_before, gap_after)
        if anchor is None:
            continue
        if heads == "nobody" and _question(text, hits, head.first):
            continue  # "nobody told you? the call moved" asks, it does not exclude
        if heads == "nobody" and _split_by_clause(text, hits, head, anchor):
            continue  # "nobody is perfect, don't worry": "you" is in the next clause
        if heads == "violent" and hits.of("game"):
            continue  # "I'll smash you in FIFA tonight": game talk (seventh round)
        if heads == "violent" and _nobody_does(hits, min(anchor.first, head.first), head):
            continue  # "nobody will hit you", "niemand kann dich schlagen" reassures
        first, last = min(anchor.first, head.first), max(anchor.last, head.last)
        if heads == "nobody" and _praised(hits, first, last, head.entry.language):
            continue  # "nobody can beat you at chess" praises
        yield _make(text, hits, first, last, Category.OFFENSIVE, rule, head.entry.language)


def _text_between(text: str, hits: MessageHits, one: Hit, other: Hit) -> str:
    tokens = hits.view.tokens
    first, second = (one, other) if one.first < other.first else (other, one)
    return text[tokens[first.last].end : tokens[second.first].start]


def _split_by_clause(text: str, hits: MessageHits, one: Hit, other: Hit) -> bool:
    """A clause end or a comma between two hits ("Niemand ist perfekt, mach dir keinen Kopf";
    docs/pupil-safety-evaluation.md, "Seventh round")."""
    between = _text_between(text, hits, one, other)
    return _CLAUSE_END.search(between) is not None or "," in between


def _dismissed(text: str, hits: MessageHits) -> Iterator[Finding]:
    """A command to go that reads as a plain verb too ("odlazi": "go away", "she leaves"),
    as exclusion only where it opens the message or a clause: a subject before it makes it
    the verb ("Vlak odlazi u 8", "A neve desaparece"). A negation before it opens nothing."""
    for hit in hits.of("dismiss"):
        if _clause_starts_at(text, hits, hit.first) and not hits.false_friend(hit):
            yield _make(
                text, hits, hit.first, hit.last, Category.OFFENSIVE, "exclusion", hit.entry.language
            )


def _clause_starts_at(text: str, hits: MessageHits, index: int) -> bool:
    """Whether token ``index`` opens the message or a clause (a semicolon opens one too)."""
    if index == 0 or _clause_ends_after(text, hits, index - 1):
        return True
    tokens = hits.view.tokens
    return ";" in text[tokens[index - 1].end : tokens[index].start]


_NAME_GAP = 3  # words between a leave-out verb and the name
_GROUP_GAP = 6  # words between the name and the group word


def _left_out(text: str, hits: MessageHits) -> Iterator[Finding]:
    """A capitalised classmate's name kept out of a group (docs/pupil-safety-evaluation.md,
    "Fifth round"): a leave-out verb near the name, and a group word near it or a secret in
    the message; "without" needs both."""
    if not (hits.of("group") or hits.of("secret")):
        return
    tokens = hits.view.tokens
    lexical = {
        i
        for section, found in hits.sections.items()
        if section not in ("common", "safe", "degrading")
        for hit in found
        for i in range(hit.first, hit.last + 1)
    }
    negations = {n.first for n in hits.of("negation")}
    for section, needs_both in (("leave_out", False), ("without", True), ("let_in", False)):
        for verb in hits.of(section):
            language = verb.entry.language
            groups = [g for g in hits.of("group") if g.entry.language == language]
            secret = any(h.entry.language == language for h in hits.of("secret"))
            # A common word of the verb's language is no name ("We", "Die"); one of another
            # language may be ("Sam", "Mert").
            common = {
                i
                for hit in hits.of("common")
                if hit.entry.language == language
                for i in range(hit.first, hit.last + 1)
            }
            for name in range(
                max(0, verb.first - _NAME_GAP), min(len(tokens), verb.last + _NAME_GAP + 1)
            ):
                if verb.first <= name <= verb.last or not tokens[name].capitalised:
                    continue
                if name in common or name in lexical or not tokens[name].text.isalpha():
                    continue
                if name == 0 and section == "without":
                    continue  # a name does not open a sentence with "without" after it
                if section == "let_in" and not (
                    name > verb.last and {name + 1, name + 2} & negations
                ):
                    continue  # "Lasst Mia nicht in die Gruppe": the negation after the name
                grouped = any(
                    abs(g.first - name) <= _GROUP_GAP or abs(g.last - name) <= _GROUP_GAP
                    for g in groups
                )
                if section == "let_in":
                    # the group in the same clause, after the name: "Lasst Jonas nicht
                    # warten, die Gruppe fängt an" keeps no one out
                    grouped = any(
                        name < g.first <= name + _GROUP_GAP
                        and _CLAUSE_END.search(text, tokens[name].end, tokens[g.first].start)
                        is None
                        and "," not in text[tokens[name].end : tokens[g.first].start]
                        for g in groups
                    )
                if (grouped and secret) if needs_both else (grouped or secret):
                    first, last = min(verb.first, name), max(verb.last, name)
                    yield _make(text, hits, first, last, Category.OFFENSIVE, "exclusion", language)
                    break


_THEIR_GAP = 4  # words from "look at" to "her"
_MOCK_GAP = 6  # words from "her" (or "look at") to the mocking word
# Languages whose possessives are endings (Hungarian "cipőjét", her shoe): "look at" and a mock
# word suffice.
_POSSESSIVE_ENDINGS = frozenset({"hu", "tr"})


def _mocked(text: str, hits: MessageHits) -> Iterator[Finding]:
    """ "Look at her shoes lol, so poor", "Zobaczcie jej buty, biedaczka": a classmate
    pointed at and mocked in the third person (docs/pupil-safety-evaluation.md, "Fifth
    round"); "look at this stupid printer" names no one."""
    if not (hits.of("mock") or hits.of("degrading")):
        return
    for look in hits.of("look_at"):
        language = look.entry.language
        words = [w for w in hits.of("mock") if w.entry.language == language]
        if language in _POSSESSIVE_ENDINGS:
            anchors = [look]
        else:
            words += [w for w in hits.of("degrading") if w.entry.language == language]
            anchors = [
                t
                for t in hits.of("their")
                if t.entry.language == language and look.last < t.first <= look.last + _THEIR_GAP
            ]
        for anchor in anchors:
            word = next(
                (w for w in words if anchor.last < w.first <= anchor.last + _MOCK_GAP), None
            )
            if word is not None:
                yield _make(
                    text, hits, look.first, word.last, Category.OFFENSIVE, "mocking", language
                )
                return


_SPLIT_GAP = 5  # words between the two parts of a split threat


def _split_threats(text: str, hits: MessageHits) -> Iterator[Finding]:
    """A threat split by adverbs: "kriegst du morgen auf dem Schulhof richtig was ab",
    "dostaniesz jutro w łeb" (docs/pupil-safety-evaluation.md, "Fifth round")."""
    ends = hits.of("threat_end")
    for start in hits.of("threat_start"):
        if _negated_before(hits, start):
            continue  # "no te vas a arrepentir": a promise, not a threat (seventh round)
        for end in ends:
            if end.entry.language != start.entry.language:
                continue
            if start.last < end.first <= start.last + _SPLIT_GAP + 1:
                language = start.entry.language
                yield _make(
                    text, hits, start.first, end.last, Category.OFFENSIVE, "threat", language
                )
                break


def _wait_and_see(text: str, hits: MessageHits, lexicons: Lexicons) -> Iterator[Finding]:
    """ "Wait till Monday, you'll see", "stai până mâine, o să vezi ce pățești": a wait, then
    "you'll see" ending the message or sentence or followed by "what"; "espera, ya verás el
    resultado" and "warte, du wirst sehen, es klappt" pass (docs/pupil-safety-evaluation.md,
    "Sixth round")."""
    sees = hits.of("see")
    tokens = hits.view.tokens
    for start in hits.of("wait"):
        language = start.entry.language
        for see in sees:
            if see.entry.language != language:
                continue
            if not start.last < see.first <= start.last + _SPLIT_GAP + 1:
                continue
            after = see.last + 1
            ends = after >= len(tokens) or (
                _CLAUSE_END.search(text, tokens[see.last].end, tokens[after].start) is not None
            )
            what = _phrase_at(hits, after, _looked_up(lexicons, "what").get(language, _NO_PHRASES))
            if ends or what:
                yield _make(
                    text, hits, start.first, see.last, Category.OFFENSIVE, "threat", language
                )
                return


# Frequent words ("like", "in", "a", "ya", "ce") are not matched by the automaton for every
# message: they are looked up around a rarer hit ("animal", "live_on", "see") only
# (docs/pupil-safety-evaluation.md, "Sixth round", speed).
@dataclass(frozen=True, slots=True)
class _Phrases:
    """One language's phrases of a looked-up section, by first word (a stem's words start
    with its letters, so stems are tried one by one); shortest first, as ``_phrase_at``
    answers with the first that fits."""

    by_first: dict[str, tuple[tuple[str, ...], ...]]
    stems: tuple[tuple[str, ...], ...]  # phrases whose first word is a stem ("zdjęci*")


_NO_PHRASES = _Phrases({}, ())


@lru_cache(maxsize=32)
def _looked_up(lexicons: Lexicons, section: str) -> dict[str, _Phrases]:
    found: dict[str, set[tuple[str, ...]]] = {}
    for entry in lexicons.section(section):
        # a stem keeps its star on its last word ("zdjęci*": any word starting "zdjeci")
        words = (*entry.words[:-1], entry.words[-1] + "*") if entry.prefix else entry.words
        found.setdefault(entry.language, set()).add(words)
    phrases: dict[str, _Phrases] = {}
    for language, all_words in found.items():
        by_first: dict[str, list[tuple[str, ...]]] = {}
        stems: list[tuple[str, ...]] = []
        for words in sorted(all_words, key=len):
            if words[0].endswith("*"):
                stems.append(words)
            else:
                by_first.setdefault(words[0], []).append(words)
        phrases[language] = _Phrases({k: tuple(v) for k, v in by_first.items()}, tuple(stems))
    return phrases


def _phrase_at(hits: MessageHits, index: int, phrases: _Phrases) -> int:
    """The number of tokens of the shortest of ``phrases`` that starts at token ``index``."""
    tokens = hits.view.tokens
    if index < 0 or index >= len(tokens):
        return 0
    candidates = phrases.by_first.get(tokens[index].text, ())
    if phrases.stems:
        candidates = tuple(sorted((*candidates, *phrases.stems), key=len))
    for words in candidates:
        end = index + len(words)
        if end <= len(tokens) and all(
            tokens[index + k].text == word
            or (word[-1] == "*" and tokens[index + k].text.startswith(word[:-1]))
            for k, word in enumerate(words)
        ):
            return len(words)
    return 0


_ANIMAL_AFTER = 3  # words from "like" to the animal ("like a wet poodle")
_ANIMAL_BEFORE = 2  # Turkish puts "gibi" after the animal ("domuz gibi")
_POSTPOSITIONS = frozenset({"tr"})
_PERSON_GAP = 5  # words from the name or "you" to the comparison


_OTHERS_MAY_NAME = frozenset({"common", "animal"})


def _person_before(hits: MessageHits, index: int, language: str) -> bool:
    """A capitalised name (no common or lexicon word of ``language``) or a second-person word
    of ``language`` within five words before token ``index`` ("your drawing looks like a dog"
    is about the drawing)."""
    low = max(0, index - _PERSON_GAP)
    for section in ("you", "you_obj"):
        if any(h.entry.language == language and low <= h.first < index for h in hits.of(section)):
            return True
    return _name_within(hits, low, index, language)


def _name_within(hits: MessageHits, low: int, high: int, language: str) -> bool:
    """A capitalised name (no common or lexicon word of ``language``) among tokens ``low``
    up to ``high`` (excluded)."""
    tokens = hits.view.tokens
    low, high = max(0, low), min(high, len(tokens))
    # a lexicon word is no name, except another language's comparison noun (Polish "burak",
    # beetroot, is Turkish "Burak" before "gibi") or common word
    taken = {
        i
        for section, found in hits.sections.items()
        if section != "safe"
        for hit in found
        if hit.entry.language == language or section not in _OTHERS_MAY_NAME
        for i in range(hit.first, hit.last + 1)
    }
    common = {
        i
        for hit in hits.of("common")
        if hit.entry.language == language
        for i in range(hit.first, hit.last + 1)
    }
    for name in range(low, high):
        token = tokens[name]
        if not token.capitalised or name in taken or not token.text.isalpha():
            continue
        if len(token.text) < 2:
            continue  # English "I", a capital initial: no name ("I slept like a log")
        if language in _NOUNS_CAPITALISED and name - 1 in common:
            continue  # "Der Hund": a noun, not a name
        return True
    return False


def _compared(text: str, hits: MessageHits, lexicons: Lexicons) -> Iterator[Finding]:
    """A classmate compared to an animal (docs/pupil-safety-evaluation.md, "Sixth round")."""
    likes = _looked_up(lexicons, "like")
    for animal in hits.of("animal"):
        language = animal.entry.language
        phrases = likes.get(language, _NO_PHRASES)
        # (first, last) of a comparison word 1-3 words before the animal, or (Turkish) 1-2
        # words after it
        found: tuple[int, int] | None = None
        for start in range(animal.first - _ANIMAL_AFTER - 2, animal.first):
            length = _phrase_at(hits, start, phrases)
            if length and animal.first - _ANIMAL_AFTER <= start + length - 1 < animal.first:
                found = (start, start + length - 1)
                break
        if found is None and language in _POSTPOSITIONS:
            for start in range(animal.last + 1, animal.last + _ANIMAL_BEFORE + 1):
                length = _phrase_at(hits, start, phrases)
                if length:
                    found = (start, start + length - 1)
                    break
        if found is None:
            continue
        like_first, like_last = found
        other = hits.language
        if other not in (None, language) and _phrase_at(
            hits, like_first, likes.get(other, _NO_PHRASES)
        ):
            continue  # a comparison word of the message's language too ("jak"): judged there
        first = min(like_first, animal.first)
        # a name or "you" before the comparison, or the comparison's own verb in the second
        # person ("sembri un maiale", "виглядаєш як свиня"; Turkish: "domuz gibi görünüyorsun")
        low, high = (like_first, animal.first)
        if language in _POSTPOSITIONS:
            low, high = like_first, like_last + _ANIMAL_BEFORE + 1
        person = _person_before(hits, first, language) or any(
            h.entry.language == language and low <= h.first < high for h in hits.of("you")
        )
        if not person:
            continue
        last = max(like_last, animal.last)
        yield _make(text, hits, first, last, Category.OFFENSIVE, "bullying", language)
        return


_LIFE_GAP = 3  # words between "want" and "live", and around them for the negation


def _clause_ends_after(text: str, hits: MessageHits, index: int) -> bool:
    tokens = hits.view.tokens
    if index + 1 >= len(tokens):
        return True
    return _CLAUSE_END.search(text, tokens[index].end, tokens[index + 1].start) is not None or (
        "," in text[tokens[index].end : tokens[index + 1].start]
    )


def _no_life(text: str, hits: MessageHits, lexicons: Lexicons) -> Iterator[Finding]:
    """A negated wish to live, with "anymore" or ending the clause: "I don't want to live
    anymore", "ya no quiero seguir viviendo", "en jaksa enää elää"; "I don't want to live in
    Berlin" passes (docs/pupil-safety-evaluation.md, "Sixth round")."""
    for live in hits.of("live_on"):
        language = live.entry.language
        for wish in hits.of("want_self"):
            if wish.entry.language != language:
                continue
            if not live.first - _LIFE_GAP <= wish.last < live.first:
                continue
            if not any(
                n.entry.language == language and wish.first - _LIFE_GAP <= n.first < live.first
                for n in hits.of("negation")
            ):
                continue
            # "anymore" before the wish or just after "live": "je veux plus vivre", "leva
            # längre"; "vivre à Paris plus tard" is later, not anymore
            low, high = wish.first - _LIFE_GAP, live.last + 2
            anymores = _looked_up(lexicons, "anymore").get(language, _NO_PHRASES)
            anymore = any(_phrase_at(hits, i, anymores) for i in range(max(0, low), high + 1))
            if _phrase_at(
                hits, live.last + 1, _looked_up(lexicons, "place").get(language, _NO_PHRASES)
            ):
                continue  # "non voglio più vivere a Milano": where, not whether
            if anymore or _clause_ends_after(text, hits, live.last):
                yield _make(
                    text, hits, wish.first, live.last, Category.SELF_HARM, "self-harm", language
                )
                return


def find_harm(text: str, lexicons: Lexicons) -> list[Finding]:
    hits = message_hits(text, lexicons)
    if not hits.sections:
        return []
    findings: list[Finding] = []
    for section, rule in _ALONE.items():
        for hit in hits.of(section):
            if section in ("exclusion", "threat") and _negated_before(hits, hit):
                continue
            if section == "threat" and hits.of("game"):
                continue  # "je vais t'éclater à FIFA": game talk
            if not hits.false_friend(hit):
                findings.append(
                    _make(
                        text,
                        hits,
                        hit.first,
                        hit.last,
                        Category.OFFENSIVE,
                        rule,
                        hit.entry.language,
                    )
                )
    # each construction only where the section it starts from was hit (most messages hit a
    # few sections only): the constructions themselves assume it
    present = hits.sections.keys()
    if "degrading" in present:
        findings.extend(_aimed(text, hits, lexicons))
    if "nobody" in present:
        findings.extend(_paired(text, hits, "nobody", 0, _EXCLUSION_GAP, "exclusion"))
    if "dismiss" in present:
        findings.extend(_dismissed(text, hits))
    if not present.isdisjoint(("leave_out", "without", "let_in")):
        findings.extend(_left_out(text, hits))
    if "threat_end" in present:
        findings.extend(_split_threats(text, hits))
    if "see" in present:
        findings.extend(_wait_and_see(text, hits, lexicons))
    if "look_at" in present:
        findings.extend(_mocked(text, hits))
    if "animal" in present:
        findings.extend(_compared(text, hits, lexicons))
    if "violent" in present:
        findings.extend(_paired(text, hits, "violent", _THREAT_GAP, _THREAT_GAP, "threat"))
    findings.extend(_seventh_round(text, hits))
    findings.extend(_eighth_round(text, hits))
    findings.extend(_eleventh_round(text, hits))
    if not present.isdisjoint(_THIRTEENTH_HEADS):
        findings.extend(_thirteenth_round(text, hits, lexicons))
    if not present.isdisjoint(_STRONG_SIGNS):
        findings.extend(_goodbye_signs(text, hits))
    if sum(section in present for section in _KEEPING_OUT) >= 2:
        findings.extend(_kept_out(text, hits))
    if "if_again" in present or ("violent" in present and "when_later" in present):
        findings.extend(_threat_parts(text, hits))
    if "nobody" in present:
        findings.extend(_you_first_excluded(text, hits))
    negated = hits.of("not_self_harm")
    if "die" in present:
        findings.extend(_wishes(text, hits))
    if "live_on" in present:
        findings.extend(_no_life(text, hits, lexicons))
    for hit in hits.of("self_harm"):
        if any(n.first <= hit.first and hit.last <= n.last for n in negated):
            continue  # "I don't want to die"
        findings.append(
            _make(
                text, hits, hit.first, hit.last, Category.SELF_HARM, "self-harm", hit.entry.language
            )
        )
    return findings


# Seventh round (docs/pupil-safety-evaluation.md, "Seventh round"): bullying without a swear
# word and threats and self-harm without a listed phrase, each a construction of two lexicon
# sections found near each other.
_SARCASM = "\U0001f644"  # face with rolling eyes
_CLOTHES_GAP = 8  # "deine Klamotten sind so peinlich, hat die deine Oma ausgesucht?"
_LAUGHS = ("\U0001f602", "\U0001f923")  # tears of joy, rolling on the floor laughing
# Laughter typed out ("xD", "hahaha", "jajaja", "mdr", "kkkk"), as a word of its own
_TYPED_LAUGH = re.compile(
    r"(?<!\w)(?:x+d+|(?:ha){2,}h?|(?:ja){2,}|(?:he){2,}|(?:ah){2,}|mdr+|kkkk+|lol+|lmao"
    # Greek and Cyrillic "haha" (chi alpha, ha a, ha ie)
    "|(?:\u03c7\u03b1){2,}|(?:\u0445\u0430){2,}|(?:\u0445\u0435){2,})(?!\\w)",
    re.I,
)


def _seventh_round(text: str, hits: MessageHits) -> Iterator[Finding]:
    offensive, self_harm = Category.OFFENSIVE, Category.SELF_HARM
    # "wow, genius, did you figure that out all by yourself? 🙄": sarcasm
    for genius in hits.of("genius"):
        language = genius.entry.language
        alone = any(a.entry.language == language for a in hits.of("alone"))
        if _SARCASM in text or (alone and "?" in text):
            yield _make(text, hits, genius.first, genius.last, offensive, "sarcasm", language)
            break
    # "you always stink of sweat", "puzzi", "hueles fatal": unless it asks
    for smell in hits.of("smell"):
        if not _question(text, hits, smell.first) and not _negated_before(hits, smell):
            language = smell.entry.language
            yield _make(text, hits, smell.first, smell.last, offensive, "bullying", language)
            break
    # "your weird accent", "ton accent bizarre": mocking how a classmate speaks
    for accent, odd in _pairs(hits, "accent", "odd", 3):
        language = accent.entry.language
        if _second_person(hits, language) or _laughed(text):
            first, last = min(accent.first, odd.first), max(accent.last, odd.last)
            yield _make(text, hits, first, last, offensive, "mocking", language)
            break
    # "your clothes look like your grandma's": mocking clothes
    for clothes, elder in _pairs(hits, "clothes", "elder", _CLOTHES_GAP):
        language = clothes.entry.language
        if _second_person(hits, language):
            first, last = min(clothes.first, elder.first), max(clothes.last, elder.last)
            yield _make(text, hits, first, last, offensive, "mocking", language)
            break
    # "wait till break.", "wacht maar tot de pauze": a wait for the break ending the message
    # or sentence, not a question ("can you wait till break?")
    for wait, pause in _pairs(hits, "wait", "school_break", 4):
        if pause.first < wait.first or "?" in text:
            continue
        # the break word ends the sentence, or a name after it does ("wait till break, Tom.")
        ends = any(
            _clause_ends_after(text, hits, i) and not _comma_after(text, hits, i)
            for i in (pause.last, pause.last + 1)
            if i < len(hits.view.tokens)
        )
        if ends:
            language = wait.entry.language
            yield _make(text, hits, wait.first, pause.last, offensive, "threat", language)
            break
    # "I'll tell everyone your secret"
    for secret, everyone in _pairs(hits, "secret_noun", "everyone"):
        language = secret.entry.language
        yours = language in _ENDINGS or any(
            y.entry.language == language and secret.first - 3 <= y.last < secret.first
            for y in hits.of("your")
        )
        if yours:
            first, last = min(secret.first, everyone.first), max(secret.last, everyone.last)
            yield _make(text, hits, first, last, offensive, "threat", language)
            break
    # "everyone would be happier without me", "fără mine toată lumea ar fi mai fericită"
    for without, better in _pairs(hits, "without_me", "better"):
        if _split_by_clause(text, hits, without, better):
            continue  # "we made it without me getting lost, better than last time"
        language = without.entry.language
        first, last = min(without.first, better.first), max(without.last, better.last)
        yield _make(text, hits, first, last, self_harm, "self-harm", language)
        break


def _comma_after(text: str, hits: MessageHits, index: int) -> bool:
    tokens = hits.view.tokens
    if index + 1 >= len(tokens):
        return False
    between = text[tokens[index].end : tokens[index + 1].start]
    return "," in between and _CLAUSE_END.search(between) is None


# Eighth round (docs/pupil-safety-evaluation.md, "Eighth round"): the phrases read in
# round8-dev, as two constructions that do not depend on their wording.
_SCORN_GAP = 3  # words between "everyone" and "laughs at"
_SMASH_GAP = 3  # words between "I'll smash" and "phone"


def _aimed_at_you(hits: MessageHits, hit: Hit, before: int, after: int) -> bool:
    """An object "you" or "your" of the hit's language from ``before`` words before it to
    ``after`` words after it, or inside it ("lacht je uit")."""
    language = hit.entry.language
    return any(
        y.entry.language == language and hit.first - before <= y.first <= hit.last + after
        for section in ("you_obj", "your")
        for y in hits.of(section)
    )


def _eighth_round(text: str, hits: MessageHits) -> Iterator[Finding]:
    offensive = Category.OFFENSIVE
    # "everyone laughs at you", "tutti ti odiano", "herkes sana gülüyor": a whole group's
    # scorn aimed at one pupil; "everyone hates Mondays, you know" and questions pass
    for scorn, everyone in _pairs(hits, "scorn", "everyone", _SCORN_GAP):
        if not _aimed_at_you(hits, scorn, 2, 1) or _question(text, hits, everyone.first):
            continue
        if _negated_before(hits, scorn) or _split_by_clause(text, hits, scorn, everyone):
            continue
        first, last = min(scorn.first, everyone.first), max(scorn.last, everyone.last)
        yield _make(text, hits, first, last, offensive, "exclusion", scorn.entry.language)
        break
    # "I'll smash your phone", "ti spacco il telefono", "rozwalę ci telefon": a first-person
    # verb that breaks a pupil's things or face; game talk, questions and negations pass
    if hits.of("game"):
        return
    for smash, thing in _pairs(hits, "smash", "belonging", _SMASH_GAP):
        language = smash.entry.language
        if not (language in _ENDINGS or _aimed_at_you(hits, thing, 2, 1)):
            continue
        if _question(text, hits, min(smash.first, thing.first)) or _negated_before(hits, smash):
            continue
        first, last = min(smash.first, thing.first), max(smash.last, thing.last)
        yield _make(text, hits, first, last, offensive, "threat", language)
        break


# Eleventh round (docs/pupil-safety-evaluation.md, "Eleventh round"): self-harm said without
# a word for dying, as two constructions of lexicon sections in one sentence.
_GONE_GAP = 8  # "if I wasn't here, honestly nobody would even notice"
_PILLS_GAP = 6  # "I've saved up my mum's sleeping pills in my drawer"


def _same_sentence(text: str, hits: MessageHits, one: Hit, other: Hit) -> bool:
    """No sentence end between two hits (a comma may join a condition to its clause)."""
    return _CLAUSE_END.search(_text_between(text, hits, one, other)) is None


def _eleventh_round(text: str, hits: MessageHits) -> Iterator[Finding]:
    self_harm = Category.SELF_HARM
    # "if I wasn't here nobody would notice", "kdybych tu nebyl, všem by se ulevilo": the
    # pupil's own absence and that nobody would miss them (or all would be better off)
    for gone in hits.of("gone_me"):
        for section in ("unnoticed", "better"):
            found = next(
                (
                    h
                    for h in hits.of(section)
                    if h.entry.language == gone.entry.language
                    and _within(gone, h, _GONE_GAP)
                    and _same_sentence(text, hits, gone, h)
                ),
                None,
            )
            if found is not None:
                first, last = min(gone.first, found.first), max(gone.last, found.last)
                yield _make(text, hits, first, last, self_harm, "self-harm", gone.entry.language)
                return
    # "I've hidden pills in my room", "voor als het te veel wordt": pills kept back, or kept
    # for when it gets too much
    for section in ("hoard", "too_much"):
        for pills, kept in _pairs(hits, "pills", section, _PILLS_GAP):
            if _same_sentence(text, hits, pills, kept) and not _question(text, hits, pills.first):
                first, last = min(pills.first, kept.first), max(pills.last, kept.last)
                yield _make(text, hits, first, last, self_harm, "self-harm", pills.entry.language)
                return


def _you_first_excluded(text: str, hits: MessageHits) -> Iterator[Finding]:
    """A stressed "you" opening the clause right before "nobody" (free word order): "тебе
    ніхто не кликав", "seni kimse sevmiyor"; not after "without" ("bez ciebie nikt nie da
    rady" praises), not praise ("ciebie nikt nie pokona"), not a question."""
    nobodies = hits.of("nobody")
    for you in hits.of("you_first"):
        language = you.entry.language
        nobody = next(
            (n for n in nobodies if n.entry.language == language and n.first == you.last + 1),
            None,
        )
        if nobody is None or _question(text, hits, you.first):
            continue
        if any(
            w.entry.language == language and w.last == you.first - 1 for w in hits.of("without")
        ):
            continue
        if _praised(hits, you.first, nobody.last, language):
            continue
        yield _make(text, hits, you.first, nobody.last, Category.OFFENSIVE, "exclusion", language)
        return


_PRAISE_AFTER = 3  # words after "nobody ... you" to the verb that makes it praise


def _praised(hits: MessageHits, first: int, last: int, language: str) -> bool:
    """A ``praise`` word ("beat", "pokona", "yenemez", "better than") or a violent verb
    inside "nobody ... you" or just after it: "nobody can beat you", "ciebie nikt nie pokona"
    praise, "nobody will hit you here" reassures; neither excludes."""
    return any(
        h.entry.language == language and first <= h.first <= last + _PRAISE_AFTER
        for section in ("praise", "violent")
        for h in hits.of(section)
    )


def _nobody_does(hits: MessageHits, first: int, head: Hit) -> bool:
    """A ``nobody`` word of the head's language up to three words before ``first``: the
    violent verb's subject is nobody ("nobody is going to hit you")."""
    language = head.entry.language
    return any(
        n.entry.language == language and first - 3 <= n.last < first for n in hits.of("nobody")
    )


# Thirteenth round (docs/pupil-safety-evaluation.md, "Thirteenth round"): exclusion of a
# classmate through the others, poverty mocked, pictures threatened, and self-harm in a
# pupil's goodbye, each a construction of lexicon sections.
_THIRTEENTH_HEADS = frozenset(
    {"shun", "nobody_wants", "poor", "smell_of", "look_like", "expose_verb", "give_away"}
    | {"not_here", "clothes"}
)
_SHUN_GAP = 3  # words between "ignore" and the name or "him"
_SEEMS_GAP = 6  # words from "you look like" to the animal or degrading word
_SUBJECT_GAP = 3  # words from the name or "you" to "looks like"
_VERB_LAST = frozenset({"tr", "hu", "fi"})
_NOBODY_GAP = 6  # words between "nobody wants" and "her"
# Object pronouns that are articles too (French "la", Greek "την", Portuguese "o"): after the
# verb they count only joined by a hyphen or ending the clause ("ignorez-la", "ignore her.").
_ARTICLES = {
    "fr": {"la", "le", "l", "les"},
    "es": {"la", "lo", "las", "los"},
    "it": {"la", "lo", "le", "gli", "l"},
    "pt": {"o", "a", "os", "as"},
    "ro": {"o", "a"},
    "el": {"τον", "την", "το", "του", "της"},
    "de": {"sie", "ihr"},
    "en": {"her"},
    "nl": {"haar"},
}


_DISGUST = ("\U0001f922", "\U0001f92e")  # nauseated face, face vomiting


def _you_near(hits: MessageHits, hit: Hit, gap: int) -> bool:
    """A second-person word of the hit's language within ``gap`` words of it, or inside it
    ("can't your parents buy", "habt ihr kein Geld")."""
    return _you_between(hits, hit.entry.language, hit.first - gap, hit.last + gap)


def _someone(hits: MessageHits, language: str) -> bool:
    """A classmate in the message: a name, "you", "your" or "her/his" of the language."""
    end = len(hits.view.tokens)
    return (
        _you_between(hits, language, 0, end)
        or any(t.entry.language == language for t in hits.of("their"))
        or _name_within(hits, 0, end, language)
    )


def _disgusted(text: str) -> bool:
    return any(mark in text for mark in _DISGUST)


def _asks(text: str, language: str) -> bool:
    """A question mark in the message; Greek writes it as ";" (and U+037E)."""
    return "?" in text or (language == "el" and (";" in text or "\u037e" in text))


def _laughed(text: str) -> bool:
    return any(laugh in text for laugh in _LAUGHS) or _TYPED_LAUGH.search(text) is not None


def _object_near(text: str, hits: MessageHits, head: Hit, lexicons: Lexicons, gap: int) -> bool:
    """A third-person object pronoun of the head's language within ``gap`` words after it,
    or right before it (clitics: "la ignoréis", "ne lui répondez pas")."""
    language = head.entry.language
    pronouns = _looked_up(lexicons, "them_obj").get(language, _NO_PHRASES)
    tokens = hits.view.tokens
    for index in range(max(0, head.first - 2), head.first):
        if _phrase_at(hits, index, pronouns):
            return True
    for index in range(head.last + 1, min(len(tokens), head.last + 1 + gap)):
        if _clause_ends_after(text, hits, index - 1) or _comma_after(text, hits, index - 1):
            return False  # "him" in the next clause is someone else's object
        length = _phrase_at(hits, index, pronouns)
        if not length:
            continue
        if tokens[index].text not in _ARTICLES.get(language, ()):
            return True
        glue = text[tokens[index - 1].end : tokens[index].start]
        if glue == "-" or _clause_ends_after(text, hits, index + length - 1):
            return True
    return False


def _thirteenth_round(text: str, hits: MessageHits, lexicons: Lexicons) -> Iterator[Finding]:
    offensive = Category.OFFENSIVE
    # "everyone just ignore Callum", "blocka Oskar allihop", "ignoriert ihn": the others told
    # to shun a classmate; "don't ignore her" and questions pass, "ignore the last message"
    # names no one
    for shun in hits.of("shun"):
        language = shun.entry.language
        if _negated_before(hits, shun) or _question(text, hits, shun.first):
            continue
        # the name after the command ("ignore Callum"); before it only where the verb comes
        # last ("Burak'a cevap vermeyin"): "Lena ignoriert mich" is a complaint, no command
        # German capitalises nouns: only the word right after the verb may be the name
        # ("ignoriert Tom", not "ignoriert mich seit Tagen")
        gap = 1 if language in _NOUNS_CAPITALISED else _SHUN_GAP
        named = _name_within(hits, shun.last + 1, shun.last + 1 + gap, language) or (
            language in _VERB_LAST
            and _name_within(hits, shun.first - _SHUN_GAP, shun.first, language)
        )
        if named or _object_near(text, hits, shun, lexicons, 2):
            yield _make(text, hits, shun.first, shun.last, offensive, "exclusion", language)
            break
    # "nobody wants to work with her", "nikt jej nie lubi", "senki se bírja" after a name
    for nobody in hits.of("nobody_wants"):
        language = nobody.entry.language
        if _question(text, hits, nobody.first) or _praised(
            hits, nobody.first, nobody.last, language
        ):
            continue
        you = any(
            y.entry.language == language
            and nobody.first - 2 <= y.first <= nobody.last + _NOBODY_GAP
            and not _split_by_clause(text, hits, nobody, y)
            for y in hits.of("you_obj")
        )
        aimed = you or _object_near(text, hits, nobody, lexicons, _NOBODY_GAP)
        ends = _clause_ends_after(text, hits, nobody.last)
        if aimed or (ends and _name_within(hits, 0, nobody.first, language)):
            yield _make(text, hits, nobody.first, nobody.last, offensive, "exclusion", language)
            break
    # "the same jacket every day, can't they afford anything else", "your parents can't buy
    # you anything normal?": poverty mocked beside clothes, at a classmate
    for poor in hits.of("poor"):
        language = poor.entry.language
        clothes = any(c.entry.language == language for c in hits.of("clothes"))
        if not clothes or _negated_before(hits, poor):
            continue
        person = _second_person(hits, language) or _someone(hits, language)
        # mocked, not said of oneself: laughter, disgust, a degrading word, or a question
        # put to the pupil ("can't your parents buy you anything normal?")
        mocked = (
            _laughed(text)
            or _disgusted(text)
            or any(d.entry.language == language for d in hits.of("degrading"))
            or (_asks(text, language) and _you_near(hits, poor, 3))
        )
        if person and mocked:
            yield _make(text, hits, poor.first, poor.last, offensive, "mocking", language)
            break
    # "Tomáš stinks like he hasn't washed", "Elin luktar som": a named classmate
    # said to smell; "the canteen smells of fish" names no one, questions and negations pass
    for smell in hits.of("smell_of"):
        language = smell.entry.language
        if _question(text, hits, smell.first) or _negated_before(hits, smell):
            continue
        if _name_within(hits, smell.first - 2, smell.first, language) or (
            _disgusted(text) and _someone(hits, language)
        ):
            yield _make(text, hits, smell.first, smell.last, offensive, "bullying", language)
            break
    # "Tom wears that jacket every day 🤢", "Lisa har samma skor igen 😂":
    # a classmate's clothes laughed at or met with disgust; hearts make it fond
    for garment in hits.of("clothes"):
        language = garment.entry.language
        if _fond(text, hits) or not (_laughed(text) or _disgusted(text)):
            break
        if _someone(hits, language) and not _question(text, hits, garment.first):
            yield _make(text, hits, garment.first, garment.last, offensive, "mocking", language)
            break
    # "you look like you got dressed in the dark 🤮", "on dirait une vache qui chante": a
    # classmate said to look or sound like an animal, or like something degrading
    for seems in hits.of("look_like"):
        language = seems.entry.language
        after = range(seems.last + 1, seems.last + 1 + _SEEMS_GAP)
        animal = any(a.entry.language == language and a.first in after for a in hits.of("animal"))
        degraded = _disgusted(text) or any(
            h.entry.language == language and h.first in after
            for section in ("degrading", "poor")
            for h in hits.of(section)
        )
        if not (animal or degraded) or _question(text, hits, seems.first):
            continue
        # its subject: a "you" written out (Finnish "näyttää" is "it looks" as much as "you
        # look") or a name, just before it ("Tom drew a horse that looks like a donkey" is
        # about the drawing)
        low = seems.first - _SUBJECT_GAP
        person = _you_between(hits, language, low, seems.last) or _name_within(
            hits, low, seems.first, language
        )
        if person and not _negated_before(hits, seems):
            yield _make(text, hits, seems.first, seems.last, offensive, "mocking", language)
            break
    # "the whole school will see your photo, you'll see", "wrzucę twoje zdjęcie na grupę.
    # zobaczysz": a picture of the pupil threatened, with "you'll see" or "everyone"
    for verb in hits.of("expose_verb"):
        language = verb.entry.language
        photos = _looked_up(lexicons, "photo").get(language, _NO_PHRASES)
        tokens = hits.view.tokens
        near = range(max(0, verb.first - 4), min(len(tokens), verb.last + 5))
        photo = next((i for i in near if _phrase_at(hits, i, photos)), None)
        if photo is None or _negated_before(hits, verb) or _question(text, hits, verb.first):
            continue
        yours = language in _ENDINGS or any(
            y.entry.language == language and photo - 2 <= y.last < photo
            for section in ("your", "you_obj")
            for y in hits.of(section)
        )
        menace = any(
            h.entry.language == language
            for section in ("see", "everyone")
            for h in hits.of(section)
        )
        if yours and menace:
            first, last = min(verb.first, photo), max(verb.last, photo)
            yield _make(text, hits, first, last, offensive, "threat", language)
            break
