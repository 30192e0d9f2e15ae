"""Offensive-language filter: word lists matched against normalised text.

Robust to case, diacritics, leetspeak (``sh1t``, ``@ss``, ``c4zz0``), masking stars
(``f*ck``), stretched letters (``fuuuck``; a single letter matches one or three-plus
repeats, so "cul" does not match "cull"), separators inside a word (``k.u.r.w.a``,
``f-u-c-k``, ``f u c k``) and Cyrillic look-alikes. Words are matched whole (or by an
explicit stem), so "Scunthorpe", "classic" and "cocktail" stay clean.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple

import ahocorasick

from twinspace.moderation.filters.findings import Category, Finding, finding, resolve_overlaps
from twinspace.moderation.filters.lexicon import Lexicons
from twinspace.moderation.filters.normalize import NormalizedText, normalize
from twinspace.moderation.filters.wordlists import Entry, WordLists

# Symbols and digits that stand for a letter.
_LEET = {"a": "4@", "b": "8", "e": "3€", "g": "9", "i": "1!|", "l": "1|", "o": "0",
         "s": "5$", "t": "7+",
         # Greek alpha, epsilon, iota, omicron, sigma, tau and Cyrillic a, ie, i, o: the same
         # symbols stand for them ("\u03bc@\u03bb@\u03ba\u03b1\u03c2")
         "\u03b1": "4@", "\u03b5": "3€", "\u03b9": "1!|", "\u03bf": "0",
         "\u03c3": "5$", "\u03c4": "7+",
         "\u0430": "4@", "\u0435": "3€", "\u0456": "1!|", "\u043e": "0"}  # fmt: skip
_STAR = "*"  # a masked letter: "f*ck", "sh*t"


def _script(char: str) -> str:
    if "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff":
        return "greek"
    return "cyrillic" if "\u0400" <= char <= "\u04ff" else "latin"


# (symbol, script of the letters after it) -> the letters it may stand for ("1" -> i, l in
# "1diot"; iota in a Greek word), to find a token's first letter.
_FIRST_LETTERS: dict[tuple[str, str], frozenset[str]] = {
    (symbol, script): frozenset(
        letter for letter, stands in _LEET.items() if symbol in stands and _script(letter) == script
    )
    for symbol in "".join(_LEET.values())
    for script in ("latin", "greek", "cyrillic")
}

_TOKEN = re.compile(r"(?:[^\W_]|[@$!|*€+])+")
_LEAD_TRIM = "!|*+€"
_TRAIL_TRIM = "!|*+€"
_CHUNK = re.compile(r"\S+")
_INNER_SEPARATORS = frozenset(".-_*~·•/\\'")
_LETTER_GAP = re.compile(r"[\s.\-_*~·•/\\|:+]{1,3}")
_MAX_TOKEN = 40
_MAX_STRETCH = 24  # "fuuuuuck": a letter may repeat up to this many times
_STRETCHED = re.compile(r"(.)\1\1")  # a letter three times: the regexes decide
_STRETCHED_LETTERS = re.compile(r"([^\W\d_])\1\1")


def _letter_class(char: str) -> str:
    members = char + _LEET.get(char, "") + _STAR
    return "[" + "".join(re.escape(c) for c in members) + "]"


def _word_pattern(word: str, prefix: bool) -> str:
    parts: list[str] = []
    for char, group in groupby(word):
        count = len(list(group))
        cls = _letter_class(char)
        stretched = f"{{{max(count, 2)},{_MAX_STRETCH}}}"  # bounded: no runaway backtracking
        parts.append(f"{cls}(?:{cls}{stretched})?" if count == 1 else f"{cls}{stretched}")
    if prefix:
        parts.append(r"(?:[^\W_]|[@$!|*€+])*")
    return "".join(parts)


class _Token(NamedTuple):
    start: int  # offsets in the normalised text
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    entry: Entry


class _WordIndex:
    """Single-word patterns bucketed by first letter; one alternation regex per bucket.

    Most tokens are plain letters with no letter written three times or more; for them the
    patterns reduce to "equals a word" or "starts with a stem", answered from hash tables
    (whole words, then stems by length) with the same entry the regex would pick: the
    first in ``entries``. Only disguised tokens (leetspeak, stars, stretched letters) run
    the regexes (docs/pupil-safety-evaluation.md, "Speed").
    """

    def __init__(self, entries: list[Entry]) -> None:
        # Whole words before stems, so "merde" is reported as French, not as Italian "merd*".
        self.entries = sorted(entries, key=lambda e: e.prefix)
        buckets: dict[str, list[str]] = {}
        self.whole: dict[str, Entry] = {}
        self.stems: dict[str, tuple[int, Entry]] = {}
        whole_index: dict[str, int] = {}  # the whole word's entry's index in ``entries``
        for index, entry in enumerate(self.entries):
            pattern = _word_pattern(entry.words[0], entry.prefix)
            buckets.setdefault(entry.words[0][0], []).append(f"(?P<e{index}>{pattern})")
            if entry.prefix:
                self.stems.setdefault(entry.words[0], (index, entry))
            elif entry.words[0] not in self.whole:
                self.whole[entry.words[0]] = entry
                whole_index[entry.words[0]] = index
        # compiled on first use: a lexicon's thousands of words take a second to compile, and
        # most first letters are never asked for in a process's life
        self._sources = {k: "|".join(v) for k, v in buckets.items()}
        self._compiled: dict[str, re.Pattern[str]] = {}
        self.stem_lengths = sorted({len(stem) for stem in self.stems})
        # The same tables as one automaton over a message's tokens joined by spaces:
        # " word " for a whole word, " stem" for a stem (payload: key length, entry index).
        self.automaton = ahocorasick.Automaton()
        for word, index in whole_index.items():
            self.automaton.add_word(f" {word} ", (len(word) + 2, index))
        for stem, (index, _entry) in self.stems.items():
            self.automaton.add_word(f" {stem}", (len(stem) + 1, index))
        if self.entries:
            self.automaton.make_automaton()

    def match_all(self, tokens: list[_Token], line: _Line) -> dict[int, Entry]:
        """``match`` of every token, by token index (only the tokens with an entry).

        Plain tokens are answered by one automaton pass over ``line``; the others (leetspeak,
        stars, stretched letters) by the regexes.
        """
        found: dict[int, int] = {}
        if self.entries:
            for end, (length, index) in self.automaton.iter(line.text):
                token = line.token_at[end - length + 2]
                if line.plain[token] and (token not in found or index < found[token]):
                    found[token] = index
        result = {token: self.entries[index] for token, index in found.items()}
        for token in line.disguised:
            entry = self.match(tokens[token].text)
            if entry is not None:
                result[token] = entry
        return dict(sorted(result.items()))

    def _plain(self, word: str) -> Entry | None:
        """``match`` for a word of letters only with no letter run longer than two."""
        entry = self.whole.get(word)
        if entry is not None:
            return entry
        best: tuple[int, Entry] | None = None
        for length in self.stem_lengths:
            if length > len(word):
                break
            found = self.stems.get(word[:length])
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return None if best is None else best[1]

    def match(self, word: str) -> Entry | None:
        if word.isalpha() and _STRETCHED.search(word) is None:
            return self._plain(word)
        return self.match_by_patterns(word)

    def match_by_patterns(self, word: str) -> Entry | None:
        """The regexes alone (the reference the tables must agree with)."""
        for letter in self._letters(word, 0):
            regex = self._bucket(letter)
            if regex is None:
                continue
            found = regex.fullmatch(word)
            if found is not None and found.lastgroup is not None:
                return self.entries[int(found.lastgroup[1:])]
        return None

    def starts_at(self, text: str, position: int) -> bool:
        """Whether some entry matches a prefix of ``text[position:]`` (a cheap pre-check)."""
        for letter in self._letters(text, position):
            regex = self._bucket(letter)
            if regex is not None and regex.match(text, position, position + _MAX_TOKEN):
                return True
        return False

    def _bucket(self, letter: str) -> re.Pattern[str] | None:
        regex = self._compiled.get(letter)
        if regex is None:
            source = self._sources.get(letter)
            if source is None:
                return None
            regex = self._compiled[letter] = re.compile(source)
        return regex

    def _letters(self, text: str, position: int) -> Iterator[str]:
        first = text[position]
        if first == _STAR:
            yield from self._sources
            return
        yield first
        if first.isalpha():
            return
        script = "latin"
        for char in text[position + 1 : position + _MAX_TOKEN]:
            if char.isalpha():
                script = _script(char)
                break
        yield from _FIRST_LETTERS.get((first, script), ())


@dataclass(frozen=True, slots=True)
class _Phrase:
    entry: Entry
    words: tuple[re.Pattern[str], ...]


class _PhraseIndex:
    """Phrases grouped by first word: one word-index lookup per token finds candidates."""

    def __init__(self, entries: list[Entry]) -> None:
        self.groups: dict[str, list[_Phrase]] = {}
        heads: dict[str, Entry] = {}
        for entry in entries:
            self.groups.setdefault(entry.words[0], []).append(_compile_phrase(entry))
            heads.setdefault(
                entry.words[0], Entry(entry.language, entry.words[:1], False, entry.exact_accents)
            )
        self.heads = _WordIndex(list(heads.values()))

    def matches(self, tokens: list[_Token], line: _Line) -> Iterator[tuple[_Phrase, int, int]]:
        if not self.groups:
            return
        for index, head in self.heads.match_all(tokens, line).items():
            for phrase in self.groups[head.words[0]]:
                last = index + len(phrase.words) - 1
                if last < len(tokens) and all(
                    regex.fullmatch(tokens[index + offset].text)
                    for offset, regex in enumerate(phrase.words[1:], start=1)
                ):
                    yield phrase, index, last


class _Matcher:
    """All entries of one kind (accent-folded or exact), with the exceptions."""

    def __init__(
        self, entries: list[Entry], exceptions: list[Entry], max_run: int | None = None
    ) -> None:
        # longer runs of single letters are not read (the lexicons' thousands of words make
        # each position of a run cost a regex match: "k.k.k." x 8,000 took a second)
        self.max_run = max_run
        self.words = _WordIndex([e for e in entries if len(e.words) == 1])
        self.phrases = _PhraseIndex([e for e in entries if len(e.words) > 1])
        self.exception_words = _WordIndex([e for e in exceptions if len(e.words) == 1])
        self.exception_phrases = _PhraseIndex([e for e in exceptions if len(e.words) > 1])

    def _nothing_listed(self, text: str) -> bool:
        """A cheap screen: every word is plain (letters only, none three times in a row; a
        number alone is never a word), at most two one-letter words, and no listed word,
        stem or phrase head among them, so only words split by separators can match."""
        words = [word.strip(_LEAD_TRIM + _TRAIL_TRIM) for word in _TOKEN.findall(text)]
        words = [word for word in words if word]  # "friday!" is looked up as "friday"
        others = [word for word in words if not word.isalpha()]
        if others and not all(map(str.isdecimal, others)):
            return False
        if _STRETCHED_LETTERS.search(text) is not None or list(map(len, words)).count(1) > 2:
            return False
        line = " " + " ".join(word for word in words if not word.isdecimal()) + " "
        return not any(
            index.entries and next(index.automaton.iter(line), None) is not None
            for index in (self.words, self.phrases.heads)
        )

    def scan(self, norm: NormalizedText) -> list[_Hit]:
        if self._nothing_listed(norm.text):
            return list(self._joined_chunks(norm.text))
        return self.scan_tokens(norm)

    def scan_tokens(self, norm: NormalizedText) -> list[_Hit]:
        """``scan`` without the screen: every token looked up."""
        tokens, line = _tokens(norm.text)
        allowed = self._excepted(tokens, line)
        hits: list[_Hit] = []
        for index, entry in self.words.match_all(tokens, line).items():
            if index not in allowed:
                token = tokens[index]
                hits.append(_Hit(token.start, token.end, entry))
        for phrase, first, last in self.phrases.matches(tokens, line):
            if not allowed.issuperset(range(first, last + 1)):
                hits.append(_Hit(tokens[first].start, tokens[last].end, phrase.entry))
        hits.extend(self._joined(norm.text, tokens, allowed))
        return hits

    def _excepted(self, tokens: list[_Token], line: _Line) -> set[int]:
        allowed = set(self.exception_words.match_all(tokens, line))
        for _phrase, first, last in self.exception_phrases.matches(tokens, line):
            allowed.update(range(first, last + 1))
        return allowed

    def _check_joined(self, word: str, start: int, end: int) -> _Hit | None:
        if not _plausible(word) or self.exception_words.match(word) is not None:
            return None
        entry = self.words.match(word)
        return None if entry is None else _Hit(start, end, entry)

    def _joined(self, text: str, tokens: list[_Token], allowed: set[int]) -> Iterator[_Hit]:
        """Words broken up by separators: "k.u.r.w.a", "sh-it", "f u c k"."""
        yield from self._joined_chunks(text)
        yield from self._letter_runs(text, tokens, allowed)

    def _joined_chunks(self, text: str) -> Iterator[_Hit]:
        for chunk in _CHUNK.finditer(text):
            if _INNER_SEPARATORS.isdisjoint(chunk.group()):
                continue  # nothing to join
            hit = self._joined_chunk(chunk.group(), chunk.start())
            if hit is not None:
                yield hit

    def _joined_chunk(self, chunk: str, offset: int) -> _Hit | None:
        kept = [(i, c) for i, c in enumerate(chunk) if c not in _INNER_SEPARATORS]
        if len(kept) == len(chunk) or len(kept) < 2:
            return None
        word = "".join(c for _, c in kept)
        found = _TOKEN.fullmatch(word)
        if found is None:
            return None
        lead = len(word) - len(word.lstrip(_LEAD_TRIM))
        trail = len(word) - len(word.rstrip(_TRAIL_TRIM))
        core = word[lead : len(word) - trail]
        if len(core) < 2 or len(core) > _MAX_TOKEN:
            return None
        start = offset + kept[lead][0]
        end = offset + kept[len(word) - trail - 1][0] + 1
        return self._check_joined(core, start, end)

    def _letter_runs(self, text: str, tokens: list[_Token], allowed: set[int]) -> Iterator[_Hit]:
        if sum(len(token.text) == 1 for token in tokens) < 3:
            return  # a listed word needs a run of three single letters or more
        run: list[int] = []
        for index, token in enumerate(tokens):
            single = len(token.text) == 1 and index not in allowed
            gap = _LETTER_GAP.fullmatch(text, tokens[run[-1]].end, token.start) if run else None
            if single and (not run or gap is not None):
                run.append(index)
                continue
            yield from self._best_in_run(tokens, run)
            run = [index] if single else []
        yield from self._best_in_run(tokens, run)

    def _best_in_run(self, tokens: list[_Token], run: list[int]) -> Iterator[_Hit]:
        """Longest listed words inside a run of single letters, left to right."""
        if self.max_run is not None and len(run) > self.max_run:
            return
        letters = "".join(tokens[i].text for i in run)
        position = 0
        while position <= len(letters) - 3:
            hit, end = None, position + 1
            if self.words.starts_at(letters, position):
                for end in range(min(len(letters), position + _MAX_TOKEN), position + 2, -1):
                    start_at, end_at = tokens[run[position]].start, tokens[run[end - 1]].end
                    hit = self._check_joined(letters[position:end], start_at, end_at)
                    if hit is not None:
                        break
            if hit is None:
                position += 1
                continue
            yield hit
            position = end


def _compile_phrase(entry: Entry) -> _Phrase:
    last = len(entry.words) - 1
    return _Phrase(
        entry,
        tuple(
            re.compile(_word_pattern(word, entry.prefix and i == last))
            for i, word in enumerate(entry.words)
        ),
    )


def _plausible(word: str) -> bool:
    """At least one letter, and stars only where letters are around them ("k***a")."""
    if word.isalpha():
        return True
    letters = sum(c.isalpha() for c in word)
    stars = word.count(_STAR)
    return letters >= 1 and (stars == 0 or (letters >= 2 and stars <= letters + 1))


@dataclass(frozen=True, slots=True)
class _Line:
    """A message's tokens joined by single spaces (a space at each end) for the automata."""

    text: str
    token_at: dict[int, int]  # offset of a token in ``text`` -> its index
    plain: list[bool]  # letters only, no letter three times in a row
    disguised: list[int]  # indices of the other tokens


@lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[list[_Token], _Line]:
    """The word tokens of a normalised text, and their line for the automata (kept for the
    few passes over one message: the word lists' and the lexicons' disguised words; read
    only)."""
    tokens: list[_Token] = []
    token_at: dict[int, int] = {}
    plain: list[bool] = []
    disguised: list[int] = []
    pieces: list[str] = [""]
    position = 1
    for found in _TOKEN.finditer(text):
        core = found.group()
        start = found.start()
        if core.isalpha():
            if len(core) > _MAX_TOKEN:
                continue
            simple = _STRETCHED.search(core) is None
        else:
            lead = len(core) - len(core.lstrip(_LEAD_TRIM))
            core = core[lead:].rstrip(_TRAIL_TRIM)
            if not core or len(core) > _MAX_TOKEN or not _plausible(core):
                continue
            start += lead
            # "friday!" is the plain word "friday" once the mark is trimmed off
            simple = core.isalpha() and _STRETCHED.search(core) is None
        if not simple:
            disguised.append(len(tokens))
        token_at[position] = len(tokens)
        position += len(core) + 1
        plain.append(simple)
        pieces.append(core)
        tokens.append(_Token(start, start + len(core), core))
    pieces.append("")
    return tokens, _Line(" ".join(pieces), token_at, plain, disguised)


@dataclass(frozen=True, slots=True)
class _Compiled:
    folded: _Matcher
    exact: _Matcher | None
    # Non-ASCII letters of the accent-exact entries ("ñ" of "=coño"): a letter pattern accepts
    # only itself or a star, so a text with neither cannot match them. None: always scan.
    exact_letters: frozenset[str] | None


def _exact_letters(entries: list[Entry]) -> frozenset[str] | None:
    letters: set[str] = set()
    for entry in entries:
        mine = {c for word in entry.words for c in word if not c.isascii()}
        if not mine:
            return None
        letters |= mine
    return frozenset(letters | {_STAR})


@lru_cache(maxsize=32)
def _compile(wordlists: WordLists) -> _Compiled:
    folded = [e for e in wordlists.entries if not e.exact_accents]
    exact = [e for e in wordlists.entries if e.exact_accents]
    exceptions = list(wordlists.exceptions)
    return _Compiled(
        _Matcher(folded, exceptions),
        _Matcher(exact, exceptions) if exact else None,
        _exact_letters(exact),
    )


def find_offensive(text: str, wordlists: WordLists) -> list[Finding]:
    compiled = _compile(wordlists)
    findings: list[Finding] = []
    passes: list[tuple[_Matcher, NormalizedText]] = [(compiled.folded, normalize(text))]
    if compiled.exact is not None and not text.isascii():
        exact = normalize(text, fold_accents=False)
        letters = compiled.exact_letters
        if letters is None or not letters.isdisjoint(exact.text):
            passes.append((compiled.exact, exact))
    for matcher, norm in passes:
        for hit in matcher.scan(norm):
            start, end = norm.span(hit.start, hit.end)
            kind = "phrase" if len(hit.entry.words) > 1 else "word"
            rule = f"offensive {kind} ({hit.entry.language})"
            findings.append(finding(text, Category.OFFENSIVE, start, end, rule, hit.entry.language))
    return resolve_overlaps(findings)


# The lexicons' swear words and insults ("[offensive]", "[insult]", every language) in
# disguise: "vi*tu", "j*vla", "s*ktir", "m3rda", "k*cs*g" (docs/pupil-safety-evaluation.md,
# "Ninth round" and "Thirteenth round"). Plain tokens are the
# lexicons' own business (harm.py, language-aware, with false friends); only tokens written
# with stars, symbols or digits for letters, or stretched letters, are matched here, with
# the word lists' patterns. Words shorter than this are left out: three letters in disguise
# match too much ("4mk", "c*n").
_DISGUISED_MIN_LETTERS = 4


@lru_cache(maxsize=8)
def _lexicon_words(lexicons: Lexicons) -> _WordIndex:
    return _WordIndex(
        [
            Entry(entry.language, entry.words, entry.prefix, False)
            for section in ("offensive", "insult")
            for entry in lexicons.section(section)
            if len(entry.words) == 1 and len(entry.words[0]) >= _DISGUISED_MIN_LETTERS
        ]
    )


_MAX_JOINED_RUN = 3 * _MAX_TOKEN  # single letters in a row the lexicon join reads


@lru_cache(maxsize=8)
def _lexicon_joiner(lexicons: Lexicons) -> _Matcher:
    """The same swear words split by separators ("k.u.r.v.a", "p u l a"); a joined word
    that is an ordinary or false-friend word of any language ("[common]", "[safe]") is not
    one of them."""
    ordinary = [
        Entry(entry.language, entry.words, entry.prefix, False)
        for section in ("common", "safe")
        for entry in lexicons.section(section)
        if len(entry.words) == 1
    ]
    return _Matcher(_lexicon_words(lexicons).entries, ordinary, max_run=_MAX_JOINED_RUN)


def find_disguised_lexicon_words(text: str, lexicons: Lexicons) -> list[Finding]:
    """Swear words of the lexicons written in disguise (see above)."""
    disguised = _DISGUISED.search(text) is not None
    separated = _SEPARATED_LETTERS.search(text) is not None
    if not disguised and not separated:
        return []
    norm = normalize(text)
    tokens, line = _tokens(norm.text)
    findings: list[Finding] = []
    index = _lexicon_words(lexicons)
    for position in line.disguised if disguised else ():
        token = tokens[position]
        entry = index.match(token.text)
        if entry is None and _STAR in token.text.strip(_STAR):
            # one star for two letters ("kö*ög" for Hungarian "köcsög")
            entry = index.match(token.text.replace(_STAR, _STAR * 2))
        if entry is None:
            continue
        start, end = norm.span(token.start, token.end)
        rule = f"offensive word ({entry.language})"
        findings.append(finding(text, Category.OFFENSIVE, start, end, rule, entry.language))
    if separated:
        for hit in _lexicon_joiner(lexicons)._joined(norm.text, tokens, set()):
            start, end = norm.span(hit.start, hit.end)
            rule = f"offensive word ({hit.entry.language})"
            findings.append(finding(text, Category.OFFENSIVE, start, end, rule, hit.entry.language))
    return resolve_overlaps(findings)


# Letters split by separators: a word cut in three pieces or more ("p.u.l.a", "ku-r-va"), or
# three single letters in a row ("k u r v a"). One hyphen or apostrophe is a compound or an
# elision far more often than a disguise ("e-mail", "l'amour"); the word lists' own join
# (above) still reads those for their words.
_SEPARATED_LETTERS = re.compile(
    r"[^\W\d_][.\-_*~·•/\\][^\W\d_]*[.\-_*~·•/\\][^\W\d_]"
    r"|(?<![^\W_])[^\W\d_][\s.\-_*~·•/\\|:+]{1,3}[^\W\d_][\s.\-_*~·•/\\|:+]{1,3}[^\W\d_](?![^\W_])"
)


# A letter next to a digit or symbol that stands for one ("m3rda", "k*rwa", "sh!t"), or a
# letter three times ("fuuuck"): dates, times and phone numbers alone are neither.
_DISGUISED = re.compile(r"[^\W\d_][\d@$*]|[\d@$*!|+][^\W\d_]|([^\W\d_])\1\1")
