"""Per-language lexicons: plain UTF-8 data files with sections, matched in one pass.

Each ``lexicons/<lang>.txt`` has ``[section]`` headers followed by entries in the word-list
syntax (``word``, ``stem*``, ``two words``, ``!entry``; ``#`` starts a comment), except in
``[numbers]``, whose lines are ``word = digits``. Sections (all optional):

    offensive      swear words and slurs, flagged on their own
    insult         words that insult a person on their own ("loser", Turkish "aptalsin")
    degrading      adjectives and nouns that degrade a person when aimed at one ("ugly")
    you            second-person markers a degrading word is aimed by ("you're", "du bist")
    your           second-person possessives: a degrading word up to four words after one
                   insults the person's work ("your drawings are pathetic"), unless the
                   clause asks ("is your cat fat?")
    third          third-person copulas after a classmate's name ("is", "ist", "jest")
    nobody         "nobody", "no one", "keiner", "personne" ... (exclusion with you_obj)
    you_obj        object forms of "you" that differ from the subject ("dich", "te", "cię")
    exclusion      exclusion phrases flagged on their own ("everyone hates you")
    dismiss        commands to go that read as a plain verb too (Serbo-Croatian "odlazi":
                   "go away" and "she leaves"; Portuguese "desaparece"): exclusion only
                   where the command is meant, opening the message or a clause ("Odlazi!",
                   "Desaparece daqui"), not after a subject ("Vlak odlazi u 8")
    leave_out      verbs that keep a named classmate out ("don't invite", "nebereme");
                   exclusion with a capitalised name and a group word or a secret
    without        "without" ("ohne", "senza"): exclusion with a name, a group word and a
                   secret ("the group without Tom, don't tell him")
    let_in         "let", "take" where the negation follows the name ("Lasst Mia nicht in
                   die Gruppe", "Laat Noor niet"): exclusion with a group word or a secret
    group          a group, team or chat ("Gruppe", "skupiny", "ryhmään")
    secret         "don't tell him/her" ("sagt ihm nichts", "neříkejte mu to")
    look_at        "look at" said to the others ("zobaczcie", "schaut euch", "regardez")
    their          third-person possessives ("her", "ihre", "ses", "jej")
    mock           words that mock a person's means or looks when pointed at ("so poor",
                   "biedaczka", "pezzente"): "look at", then "her ...", then a mock or
                   degrading word is mocking a classmate; in Hungarian and Turkish (possessive
                   endings) "look at" and a mock word suffice
    violent        violent verbs; a threat when next to you_obj ("te frapper", "dich schlagen")
    threat         threat phrases flagged on their own ("I'll beat you up")
    threat_start   the first part of a threat that adverbs may split ("kriegst du",
                   "dostaniesz"); a threat when a threat_end of its language follows
                   within five words ("kriegst du morgen richtig was ab")
    threat_end     its second part ("was ab", "w łeb", "stryk")
    self_harm      a pupil saying they want to die or hurt themselves
    want_self      a first-person wish ("I want", "ich will", "je veux", "chcę")
    die            words for dying; after a want_self word within three words: self-harm
    negation       words that cancel a wish between want_self and die ("not", "nicht")
    not_self_harm  phrases that contain a self_harm entry but say the opposite
                   ("I don't want to die"); an overlapping self_harm match is dropped
    invite         invitations to talk elsewhere, flagged on their own ("DM me")
    invite_app     verbs that invite elsewhere next to a platform name ("let's move to")
    platform       messaging and social apps, with local spellings ("insta", "вайбер")
    numbers        spelled-out numbers: ``word = digits`` ("neuf = 9", "trente = 30")
    joiner         words between tens and units ("y" in "treinta y cuatro")
    at, dot        words for "@" and "." in an e-mail address ("małpa", "kropka")
    street         street words before the name ("via", "ul", "rue", "calle")
    street_after   street words after the name ("utca", "iela", "cesta", "Road")
    street_suffix  compound street endings ("straße", "gatan", "katu")
    live           "I live" phrases before an address ("ich wohne", "bydlím")
    address        the word "address" before one ("aadressile Pikk 8", "dirección: calle
                   Sol 4"); unlike live and home words it does not make a public place's
                   street a home address ("la dirección del museo es ...")
    public         places open to the public ("museum", "muzeum", "biblioteca"): a street
                   address in a message naming one and no live or home word is that
                   place's, not a home address (docs/pupil-safety-evaluation.md, third round)
    meet           meeting-point words ("we meet at", "Treffpunkt", "quedamos en"): a
                   street soon after one, in a message without live or home words, is the
                   meeting place's, not a home address
    home           words that make an address a home one ("my house", "come over", "vivo")
    animal         animals a classmate is compared to ("pig", "Schwein", "cerdo"): bullying
                   within three words after a ``like`` word (in Turkish two words before
                   "gibi"), with a capitalised name or a second-person word shortly before
    like           comparison words ("like", "wie", "como", "jak", "kuin", "gibi")
    live_on        "to live", "living" ("leben", "vivir", "żyć"): a negation, a want_self
                   word and one of these, with an ``anymore`` word or at the clause's end,
                   is self-harm ("I don't want to live anymore", "ya no quiero seguir
                   viviendo", "en jaksa enää elää")
    anymore        "anymore", "mehr", "ya", "już", "enää"
    place          words that make "live" about where ("in", "there", "a", "w"): "I don't
                   want to live there anymore" is no self-harm
    wait           "wait" said to a classmate ("just wait", "espera", "poczekaj")
    see            "you'll see" ("ya verás", "zobaczysz", "meglátod"): a threat after a
                   ``wait`` word within five words when the message ends
                   there or a ``what`` word follows ("wait till Monday, you'll see", "ya
                   verás lo que te pasa"); "espera, ya verás el resultado" passes
    what           "what" after "you'll see" ("lo", "ce", "co", "τι")
    genius         "genius", "Genie", "zseni": sarcasm with an eye-roll emoji or, in a
                   question, an ``alone`` word ("did you work that out by yourself?")
    alone          "by yourself", "ganz allein", "tout seul", "sozinho"
    smell          second-person smelling ("you stink", "du riechst nach", "hueles a"):
                   bullying unless it asks or is negated
    accent, odd    "accent" and "weird", "funny": mocking how a classmate speaks, within
                   three words, with a second-person word in the message
    clothes, elder "clothes", "dress" and "grandma", "grandpa": mocking clothes, within six
                   words, with a second-person word in the message; a garment alone, with a
                   laugh or disgust emoji and a classmate in the message (no heart, no
                   question), is mocking too
    school_break   "break", "recess", "Pause": after a ``wait`` word, ending the message or
                   sentence of a message without a question, a threat ("wait till break.")
    secret_noun    "secret", "Geheimnis", "titkod": with an ``everyone`` word within six
                   words and "your" just before it, a threat ("I'll tell everyone your secret")
    everyone       "everyone", "allen", "tutti", "herkese"
    without_me     "without me", "ohne mich", "nélkülem": with a ``better`` word within six
                   words, self-harm ("everyone would be happier without me")
    better         "better", "happier", "besser", "mai fericit"
    game           games ("FIFA", "Fortnite", "chess"): a violent verb aimed at "you" in a
                   message naming one is game talk ("I'll smash you in FIFA tonight")
    scorn          "laughs at", "makes fun of", "hates" ("lachen über", "se ríen de"): with an
                   ``everyone`` word within three words and an object "you" or "your" next
                   to it, exclusion ("everyone laughs at you", "tutti ti odiano")
    smash          first-person verbs that break things ("I'll smash", "rozwalę", "spacco")
    belonging      a pupil's things and face ("phone", "Handy", "telefonunu"): within three
                   words of a ``smash`` verb, with "your" or an object "you" next to it (or a
                   possessive ending in Finnish, Hungarian and Turkish), a threat ("I'll
                   smash your phone", "ti spacco il telefono")
    gone_me        the pupil's own absence ("if I wasn't here", "kdybych tu nebyl", "якщо
                   мене не стане"): with an ``unnoticed`` or ``better`` word in the same
                   sentence within eight words, self-harm ("nobody would notice if I was gone")
    unnoticed      "nobody would notice", "nobody would miss me", "everyone would be relieved"
    pills          pills and medicines ("tabletki", "prášky", "χάπια")
    hoard          keeping them back ("I've saved up", "schované", "έχω μαζέψει"): within six
                   words of a ``pills`` word in the same sentence, not a question, self-harm
    too_much       "for when it gets too much" ("voor als het te veel wordt"): the same with
                   a ``pills`` word ("just in case" is not one: a school trip packs pills)
    you_first      a stressed object "you" that may open a clause ("тебе", "ciebie", "seni",
                   "a ti"): right before a ``nobody`` word, exclusion ("тебе ніхто
                   не кликав"), unless a ``without`` word comes first or the clause asks
    praise         verbs and phrases that make "nobody ... you" praise ("beat", "pokona",
                   "yenemez", "better than"): inside it or up to three words after it, no
                   exclusion ("nobody can beat you at chess")
    shun           commands to the others to ignore, block or not answer someone ("ignore",
                   "ignorujcie", "görmezden gelin"): exclusion with a name right after (before
                   it where the verb comes last: tr, hu, fi) or a ``them_obj`` pronoun next to it
    them_obj       third-person object pronouns ("him", "her", "ihn", "go", "onu"); looked up
                   around ``shun`` and ``nobody_wants`` hits, not matched in every message;
                   those that are articles too count after the verb only with a hyphen or
                   at the clause's end ("ignorez-la", not "ignorez la question")
    nobody_wants   "nobody wants", "nikt nie lubi", "senki se bírja": exclusion with an object
                   "you" or a ``them_obj`` in the same clause, or at the clause's end after a name
    poor           poverty words ("can't afford", "no money", "from the bin"): mocking with a
                   clothes word, a person (second person, "their", a name) and laughter,
                   disgust, a degrading word or a question to the pupil
    smell_of       third-person smelling ("stinks", "smrdí"): bullying right after a name,
                   or with a disgust emoji and a classmate anywhere in the message
    good           "good", "fast", "talented" (looked up right after a degrading word): an
                   intensifier, no insult ("you're crazy good at this")
    love_you       "love you", "hab dich lieb", "szeretlek": with it (or a heart emoji) a
                   degrading word aimed at "you" is teasing a friend, no bullying; a named
                   classmate is still one
    look_like      "you look like", "on dirait", "vypadáš jak": with an ``animal`` or a
                   degrading or ``poor`` word within six words after it (or a disgust emoji),
                   and a person (second person, or a name before it), mocking
    expose_verb    "I'll post", "wrzucę", "the whole school will see": with a ``photo`` word
                   within four words, "your" right before it, and a ``see`` or ``everyone``
                   word in the message, a threat ("I'll post your photo, you'll see")
    photo          "photo", "pic", "zdjęcie" (looked up around ``expose_verb``)
    give_away      "who wants my", "you can have my"; with ``not_needed`` ("I won't need it
                   anymore"), ``not_here`` ("I won't be here") and ``burden`` ("you won't have
                   to put up with me"): signs of a goodbye (see ``goodbye``)
    not_needed     see ``give_away``
    not_here       see ``give_away``
    burden         see ``give_away``
    if_again, when_later, see_then
                   parts of a threat: a condition ("if you tell the teacher", "one more time
                   and") with a menace (``see_then``, ``see``, ``violent``, ``expose_verb``,
                   ``threat_start``) within twenty words, or a ``violent`` verb with a time
                   ("tomorrow", "after school"), in a message aimed at "you"
    goodbye, gave_away, useless_me, last_time
                   a pupil's goodbye, sign by sign ("bye everyone", "I gave my things away",
                   "nobody needs me", "soon I'll be gone"): any two signs of one language
                   (with ``give_away``, ``not_needed``, ``not_here``, ``burden``, ``gone_me``,
                   ``unnoticed``, ``without_me``), at least one of them strong (not
                   ``goodbye``, ``not_here`` or ``last_time``), are self-harm
    filler         words pupils insert inside a phrase without changing it ("still", "even",
                   "ju", "halt"): a phrase of any other section is also found with up to two
                   of its language's fillers inside ("ur mum STILL cant afford")
    safe           ordinary words of this language that are swear words elsewhere ("dick")
    common         frequent words of this language, to tell which language a message is in

A deployment's word-list directory (``TWINSPACE_WORDLIST_DIR``) may hold
``lexicons/<lang>.txt`` in the same format: its entries are added, and ``!entry`` removes a
built-in entry of the same section and language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from twinspace.moderation.filters.normalize import normalize
from twinspace.moderation.filters.wordlists import WordListError

SECTIONS = frozenset(
    "offensive insult degrading you your third nobody you_obj exclusion dismiss leave_out "
    "without group "
    "secret look_at their mock violent threat threat_start threat_end self_harm "
    "not_self_harm want_self die negation "
    "invite invite_app platform numbers joiner at dot street street_after street_suffix live "
    "address public meet home safe common "
    "animal like live_on anymore place wait see what let_in "
    "genius alone smell accent odd clothes elder school_break secret_noun everyone "
    "without_me better game scorn smash belonging gone_me unnoticed pills hoard too_much "
    "you_first praise filler "
    "shun them_obj nobody_wants poor smell_of expose_verb photo give_away not_needed not_here "
    "burden look_like good love_you goodbye gave_away useless_me last_time if_again when_later "
    "see_then".split()
)
# Sections matched as tokens in the text; the others are used to build patterns.
# "like", "anymore", "place" and "what" are frequent words looked up around rarer hits
# (harm.py), not matched in every message.
MATCHED = SECTIONS - {
    "numbers", "at", "dot", "street_suffix", "public", "meet", "like", "anymore", "place", "what",
    "filler", "them_obj", "photo", "good",
}  # fmt: skip
# Filler words skipped inside one phrase ("no one would EVEN notice"), at most this many.
MAX_FILLERS = 2
_HEADER = re.compile(r"^\[([a-z_]+)\]$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_TOKEN = re.compile(r"[^\W_]+")
_RUNS = re.compile(r"(.)\1{2,}")


def canonical_words(text: str) -> list[str]:
    """Lower-case, accent-folded tokens with stretched letters collapsed ("fuuuck")."""
    folded = normalize(text).text
    return [_RUNS.sub(r"\1", word) for word in _TOKEN.findall(folded)]


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    language: str
    section: str
    words: tuple[str, ...]
    prefix: bool

    @property
    def key(self) -> str:
        return " ".join(self.words) + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Lexicons:
    """Every language's entries (compared by identity, so it can key caches)."""

    languages: tuple[str, ...]
    entries: tuple[LexiconEntry, ...]
    numbers: dict[str, str]  # canonical word -> digits
    raw: dict[tuple[str, str], tuple[str, ...]]  # (language, section) -> lines as written

    def __repr__(self) -> str:
        return f"Lexicons({len(self.entries)} entries, languages={self.languages})"

    def section(self, section: str) -> tuple[LexiconEntry, ...]:
        return tuple(e for e in self.entries if e.section == section)

    def words(self, section: str) -> tuple[str, ...]:
        """The lines of one section in every language, as written, longest first."""
        return _section_words(self, section)


@lru_cache(maxsize=128)
def _section_words(lexicons: Lexicons, section: str) -> tuple[str, ...]:
    found: set[str] = set()
    for (_language, name), lines in lexicons.raw.items():
        if name == section:
            found.update(lines)
    return tuple(sorted(found, key=lambda w: (-len(w), w)))


def _entry(line: str, language: str, section: str, where: str) -> LexiconEntry:
    prefix = line.endswith("*")
    words = tuple(canonical_words(line.removesuffix("*")))
    if not words:
        raise WordListError(f"{where}: {line!r} has no word")
    return LexiconEntry(language, section, words, prefix)


def parse_lexicon(
    text: str, language: str, source: str = "<text>"
) -> tuple[list[LexiconEntry], list[LexiconEntry], dict[str, list[str]]]:
    """(entries, removals, raw lines per section) of one lexicon file."""
    entries: list[LexiconEntry] = []
    removals: list[LexiconEntry] = []
    raw: dict[str, list[str]] = {}
    section: str | None = None
    for number, line_text in enumerate(text.splitlines(), start=1):
        line = line_text.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{number}"
        header = _HEADER.match(line)
        if header is not None:
            section = header.group(1)
            if section not in SECTIONS:
                raise WordListError(f"{where}: unknown section [{section}]")
            continue
        if line.startswith("[") and line.endswith("]"):
            # a header the pattern does not take ("[Offensive]", "[smell3]") would otherwise
            # become an entry of the section above it, and that section's lines after it
            raise WordListError(f"{where}: {line!r} is no section header (lower-case a-z and _)")
        if section is None:
            raise WordListError(f"{where}: entry before any [section]")
        removal = line.startswith("!")
        body = line[1:].strip() if removal else line
        raw.setdefault(section, []).append(body)
        if section == "numbers":
            word, _, digits = body.partition("=")
            if not digits.strip().isdigit() or not word.strip():
                raise WordListError(f"{where}: {line!r} is not 'word = digits'")
            body = word.strip()
        entry = _entry(body, language, section, where)
        (removals if removal else entries).append(entry)
    return entries, removals, raw


def _folder() -> resources.abc.Traversable:
    return resources.files("twinspace.moderation").joinpath("lexicons")


def builtin_lexicon_languages() -> tuple[str, ...]:
    names = (item.name for item in _folder().iterdir() if item.name.endswith(".txt"))
    return tuple(sorted(name.removesuffix(".txt") for name in names))


def load_lexicons(
    override_dir: str | Path | None = None, *, languages: Iterable[str] | None = None
) -> Lexicons:
    """Built-in lexicons (all, or only ``languages``) plus ``<override_dir>/lexicons/``.

    Loaded once per choice of languages and content of the override files (a server builds
    its moderation once, but every app a process starts asks again: ~0.35 s of parsing for
    the built-in files alone, and the same object keeps the matchers built from it cached).
    """
    chosen = tuple(sorted(set(languages) if languages is not None else builtin_lexicon_languages()))
    folder = None if override_dir is None else Path(override_dir) / "lexicons"
    return _load_lexicons(chosen, folder, _override_contents(folder))


def _override_contents(folder: Path | None) -> tuple[tuple[str, bytes], ...]:
    """The override files' names and contents: what a cached load must match."""
    if folder is None or not folder.is_dir():
        return ()
    return tuple((path.name, path.read_bytes()) for path in sorted(folder.glob("*.txt")))


@lru_cache(maxsize=8)
def _load_lexicons(
    chosen: tuple[str, ...], folder: Path | None, overrides: tuple[tuple[str, bytes], ...]
) -> Lexicons:
    available = set(builtin_lexicon_languages())
    entries: list[LexiconEntry] = []
    raw: dict[tuple[str, str], list[str]] = {}
    numbers: dict[str, str] = {}
    for language in chosen:
        if language not in available:
            continue
        text = _folder().joinpath(f"{language}.txt").read_text(encoding="utf-8")
        found, _removals, lines = parse_lexicon(text, language, f"lexicons/{language}.txt")
        entries.extend(found)
        for section, section_lines in lines.items():
            raw.setdefault((language, section), []).extend(section_lines)
    if folder is not None and overrides:
        _apply_overrides(folder, entries, raw)
    for (_language, section), written in raw.items():
        if section == "numbers":
            for line in written:
                word, _, digits = line.partition("=")
                numbers.setdefault(" ".join(canonical_words(word)), digits.strip())
    unique = list(dict.fromkeys(entries))
    order = tuple(sorted({e.language for e in unique}))
    frozen_raw = {key: tuple(value) for key, value in raw.items()}
    return Lexicons(order, tuple(unique), numbers, frozen_raw)


def _apply_overrides(
    folder: Path, entries: list[LexiconEntry], raw: dict[tuple[str, str], list[str]]
) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.txt")):
        language = path.stem.lower()
        if not _LANGUAGE.match(language):
            continue
        added, removals, lines = parse_lexicon(
            path.read_text(encoding="utf-8"), language, str(path)
        )
        gone = {(e.section, e.words) for e in removals}
        entries[:] = [
            e for e in entries if e.language != language or (e.section, e.words) not in gone
        ]
        entries.extend(added)
        for section, written in lines.items():
            current = raw.setdefault((language, section), [])
            current.extend(written)
            current[:] = [
                line
                for line in current
                if (section, tuple(canonical_words(line.partition("=")[0].removesuffix("*"))))
                not in gone
            ]


@cache
def default_lexicons() -> Lexicons:
    """The built-in lexicons, loaded once per process."""
    return load_lexicons()


class Hit(NamedTuple):
    """Tokens ``first``..``last`` (inclusive) of a message match ``entry``."""

    first: int
    last: int
    entry: LexiconEntry


class LexiconMatcher:
    """One Aho-Corasick automaton over every matched section of every language.

    Keys carry their word boundaries: " word " for a whole word or phrase, " stem" for a
    stem, so the automaton reports only matches that start at a token (one-letter words such
    as "a" or "и" would otherwise match inside every word).
    """

    def __init__(self, lexicons: Lexicons) -> None:
        self.automaton = ahocorasick.Automaton()
        payloads: dict[str, list[LexiconEntry]] = {}
        for entry in lexicons.entries:
            if (
                entry.section == "common"
                and entry.words == (entry.words[0],)
                and len(entry.words[0]) < 2
            ):
                continue  # one-letter words do not vote (lexicon_hits.py); "a a a ..." stays cheap
            if entry.section in MATCHED:
                key = " " + " ".join(entry.words) + ("" if entry.prefix else " ")
                payloads.setdefault(key, []).append(entry)
        for key, found in payloads.items():
            # Payload: key length, how many tokens after the first the key spans, entries.
            self.automaton.add_word(key, (len(key), key.count(" ", 1, len(key) - 1), tuple(found)))
        if payloads:
            self.automaton.make_automaton()
        self.empty = not payloads
        by_word: dict[str, set[str]] = {}
        for entry in lexicons.entries:
            if entry.section == "filler" and len(entry.words) == 1 and not entry.prefix:
                by_word.setdefault(entry.words[0], set()).add(entry.language)
        # canonical filler word -> the languages listing it
        self.fillers = {word: frozenset(languages) for word, languages in by_word.items()}

    def hits(self, line: str, token_at: dict[int, int], ends: frozenset[int]) -> list[Hit]:
        """Matches in ``line`` (tokens joined by single spaces, with a space at each end).

        ``token_at`` maps a token's start offset in ``line`` to its index; ``ends`` holds the
        offsets right after each token.
        """
        if self.empty:
            return []
        found: list[Hit] = []
        append = found.append
        for end, (length, more, entries) in self.automaton.iter(line):
            first = token_at[end - length + 2]  # the key's leading space is not in the token
            last = first + more
            for entry in entries:
                append(Hit(first, last, entry))
        return found

    def hits_across_fillers(self, words: tuple[str, ...]) -> list[Hit]:
        """Matches that only appear once filler words are skipped ("ur mum STILL cant
        afford"): each spans at most ``MAX_FILLERS`` of them, all fillers of the matched
        entry's own language; ``[common]`` words are not counted again."""
        kept = [index for index, word in enumerate(words) if word not in self.fillers]
        if self.empty or len(kept) == len(words) or len(kept) < 2:
            return []
        skippable = set(range(len(words))).difference(kept)
        line = " " + " ".join(words[index] for index in kept) + " "
        starts: dict[int, int] = {}
        position = 1
        for at, index in enumerate(kept):
            starts[position] = at
            position += len(words[index]) + 1
        found: list[Hit] = []
        for end, (length, more, entries) in self.automaton.iter(line):
            at = starts[end - length + 2]
            first, last = kept[at], kept[at + more]
            skipped = [words[index] for index in range(first, last + 1) if index in skippable]
            if not skipped or len(skipped) > MAX_FILLERS:
                continue  # found without skipping anything, or too far apart
            for entry in entries:
                if entry.section != "common" and all(
                    entry.language in self.fillers[word] for word in skipped
                ):
                    found.append(Hit(first, last, entry))
        return found


@cache
def matcher_for(lexicons: Lexicons) -> LexiconMatcher:
    return LexiconMatcher(lexicons)
