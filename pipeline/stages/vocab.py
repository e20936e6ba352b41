"""vocab: the reader's word list — import it from loose notes, tag every hit, track learning.

Notes are a loose Markdown list, one entry (or two, split by `` / ``) a line::

    - vicinity : 부근                       term, separator, Korean gloss
    - polymath 박식가                        no separator: split where Latin script turns to Hangul
    - jailbreak 탈옥 / exfiltrate : 유출     two entries on one line
    - 'Gobbled up'은 '허겁지겁 …'라는 뜻으로, …   quoted Korean is the gloss; the line is the note
    * Byte-Pair Encoding (BPE) 토크나이저.    an abbreviation in parentheses is an alias
    * TL;DR은 "Too Long; Didn't Read"의 …    a quoted expansion whose initials match is an alias
    - i coined the term : …                  "i" dropped, head verb cited as "coin the term"
    seconds away from … a jailbreak …        English line after an entry: its example

Matching runs on lower-cased lemmas with spaCy's PhraseMatcher (contiguous terms) and Matcher
(separable phrases: a verb, up to 3 tokens, the rest: "gobbled it up", "coined a new term").
Tokens are spaCy's, so a term never matches inside a longer word. Korean glosses are located in the
aligned Korean sentence by Kiwi morpheme lemmas, so inflected forms (자랐다 for 자라다) count.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.models import Article, Sentence, VocabHit, VocabTerm  # VocabTerm re-exported
from pipeline.models import vocab_key as term_key  # re-exported
from pipeline.stages import ingest, segment

if TYPE_CHECKING:
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc

#: The status ladder, as in LWT and LUTE. Ignored terms are never tagged.
STATUSES: tuple[str, ...] = ("new", "learning", "known", "ignored")

#: Longest gap (in tokens) between the verb and the rest of a separable phrase.
MAX_GAP = 3
#: A noted "term" longer than this is prose, not a term.
MAX_TERM_WORDS = 6


class VocabError(ValueError):
    "Bad vocabulary input"


class UnknownTerm(LookupError):
    "No such term (or alias) in the vocabulary"


class BadStatus(VocabError):
    "Not one of new, learning, known, ignored"


# --- word data -----------------------------------------------------------------------------------


@functools.cache
def closed_words() -> dict[str, frozenset[str]]:
    """kind → words, from pipeline/data/vocab_words.tsv (subject pronouns, determiners, …)."""
    kinds: dict[str, set[str]] = {}
    for line in files("pipeline.data").joinpath("vocab_words.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, word = line.split("\t")
            kinds.setdefault(kind, set()).add(word)
    return {k: frozenset(v) for k, v in kinds.items()}


@dataclass(frozen=True)
class EnglishLemmas:
    """Context-free English lemmas from spacy-lookups-data.

    The lookup table maps inflected forms only ("gobbled" → "gobble"); rare forms ("jaggies",
    "exfiltrated") are missing, so the rule lemmatizer's suffix rules and exceptions supply
    candidates, kept when the candidate is a known base form. There is no tagger in blank("en"),
    so every part of speech is tried.
    """

    lookup: dict[str, str]
    exceptions: dict[str, str]
    rules: tuple[tuple[str, str], ...]
    known: frozenset[str]  # base forms of every part of speech
    verbs: frozenset[str]

    def candidates(self, word: str) -> list[str]:
        return [word[: -len(old)] + new for old, new in self.rules if word.endswith(old) and word != old]

    def __call__(self, word: str) -> str:
        """Lemma of a lower-cased word (the word itself when nothing better is known)."""
        if word in self.lookup:
            return self.lookup[word]
        if word in self.known:
            return word
        if word in self.exceptions:
            return self.exceptions[word]
        return next((c for c in self.candidates(word) if c in self.known), word)


@functools.cache
def english_lemmas() -> EnglishLemmas:
    from spacy.lookups import registry
    from spacy.util import load_language_data

    data = registry.lookups.get("en")
    lookup = load_language_data(data["lemma_lookup"])
    index = load_language_data(data["lemma_index"])
    exc = load_language_data(data["lemma_exc"])
    rules = load_language_data(data["lemma_rules"])
    exceptions = {form: lemmas[0] for pos in ("noun", "verb", "adj") for form, lemmas in exc[pos].items()}
    ordered_rules: list[tuple[str, str]] = []
    for pos in ("noun", "verb", "adj"):
        for old, new in rules[pos]:
            if (old, new) not in ordered_rules:
                ordered_rules.append((old, new))
    known = frozenset(w for words in index.values() for w in words)
    return EnglishLemmas(lookup, exceptions, tuple(ordered_rules), known, frozenset(index["verb"]))


def tokenizer():
    """spaCy's English tokenizer (the one segment uses), for terms and sentences alike."""
    return segment.english_nlp().tokenizer


def _term_tokens(text: str) -> list[str]:
    """A term's lower-cased tokens, as spaCy's tokenizer splits them in running text.

    Plain words skip the tokenizer: it splits a run of ASCII letters only at its special cases
    ("cannot", "gonna"), and tokenizing 10,000 terms cost more than half of building a Tagger.
    """
    parts = text.split()
    special = tokenizer().rules
    if all(p.isascii() and p.isalpha() and p not in special and p.lower() not in special for p in parts):
        return [p.lower() for p in parts]
    return [t.text.lower() for t in tokenizer()(text) if not t.is_space]


# --- terms: citation form and key ----------------------------------------------------------------

_INNER_PUNCT = re.compile(r"(?<=\w)[^\w\s]+(?=\w)")


def citation_form(written: str) -> str:
    """The dictionary form of a noted phrase.

    "i coined the term" → "coin the term": a leading subject pronoun is not part of the term, and
    an inflected verb at the head of a phrase is cited in its base form ("Gobbled up" → "gobble
    up"). Single words stay as written: matching is by lemma anyway, and "interesting" is not
    "interest".
    """
    words = written.split()
    if len(words) > 1 and words[0].lower() in closed_words()["subject"]:
        words = words[1:]
    if len(words) > 1 and not words[0].isupper():
        lower = words[0].lower()
        lemma = english_lemmas()(lower)
        if lemma != lower and lemma in english_lemmas().verbs:
            words[0] = lemma
    return " ".join(words)


def initials(text: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s\-–/]+", text) if w and w[0].isalpha()).upper()


def is_abbreviation_of(short: str, long: str) -> bool:
    """BPE for Byte-Pair Encoding, TL;DR for Too Long; Didn't Read."""
    letters = re.sub(r"[^A-Za-z]", "", short).upper()
    return len(letters) >= 2 and letters == initials(long)


# --- reading notes -------------------------------------------------------------------------------


@dataclass
class NoteEntry:
    """A term read from one line of the notes."""

    line: int  # 1-based line number in the notes file
    term: VocabTerm


@dataclass
class SkippedLine:
    line: int
    text: str
    reason: str


@dataclass
class ParsedNotes:
    entries: list[NoteEntry] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)


_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")
_LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+•]|\d{1,3}[.)])\s+(?P<body>.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_URL = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.I)
_HAS_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_QUOTED_HEAD = re.compile(r"^[\"'‘“](?P<term>[^\"'‘’“”]*[A-Za-z][^\"'‘’“”]*)[\"'’”](?P<rest>.*)$")
# Double quotes first: an apostrophe ("Didn't") may sit inside them. A single quote opens only
# where it does not follow a letter, so apostrophes in words never open a quotation.
_DOUBLE_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_SINGLE_QUOTED = re.compile(r"(?<![A-Za-z0-9])'([^']+)'|‘([^’]+)’")
_PARENTHESISED = re.compile(r"^(?P<term>.*?)\s*\((?P<inner>[^()]*[A-Za-z][^()]*)\)\s*$")
_TRAILING_SEPARATOR = re.compile(r"[\s:=\-–—,;~→]+$")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")
# A line without a list marker is an entry only with an explicit separator ("vicinity : 부근").
_EXPLICIT_SEPARATOR = re.compile(
    r"^[^\uac00-\ud7a3]*[A-Za-z][^\uac00-\ud7a3]*?(?:\s*[:=]|\s[-–—])\s*[\uac00-\ud7a3]"
)


def read_notes(path: Path) -> ParsedNotes:
    """Read a notes file (UTF-8, or CP949/EUC-KR) into entries and skipped lines."""
    text, _encoding = ingest.read_text(Path(path))
    return parse_notes(text, source=Path(path).name)


def parse_notes(text: str, source: str = "") -> ParsedNotes:
    """Parse loose vocabulary notes. Lines that are not terms are skipped with a reason.

    The notes are line-oriented, so they are read line by line: markdown-it would fold the
    example line under an entry into the list item as a lazy continuation.
    """
    parsed = ParsedNotes()
    previous: list[NoteEntry] = []  # entries of the line above, which an example line belongs to
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            previous = []
            continue
        item = _LIST_ITEM.match(raw)
        nested = bool(item and item.group("indent"))
        body = item.group("body").strip() if item else line
        reason = _not_a_term(line, body, is_item=bool(item))
        shaped_like_entry = bool(item) or bool(_EXPLICIT_SEPARATOR.match(body))
        if reason is None and shaped_like_entry and not (nested and _is_english(body)):
            try:
                entries = [NoteEntry(number, t) for t in _parse_entry_line(body, f"{source}:{number}")]
            except NotATerm as e:
                reason = str(e)
            else:
                parsed.entries.extend(entries)
                previous = entries
                continue
        if reason is None and previous and _is_english(body):
            owners = _example_owners(body, previous)
            if owners:
                for entry in owners:
                    if body not in entry.term.examples:
                        entry.term.examples.append(body)
                continue
            terms = ", ".join(e.term.term for e in previous)
            reason = f"English line after {terms}, but it does not contain it, so it is not an example"
        if reason is None:
            reason = (
                "prose: English without a Korean gloss and not after an entry"
                if _is_english(body)
                else "prose, not a 'term : 뜻' entry"
            )
        parsed.skipped.append(SkippedLine(number, line, reason))
        previous = []
    return parsed


def _is_english(text: str) -> bool:
    return bool(_LATIN.search(text)) and ingest.hangul_share(text) < 0.3 and not _HANGUL.match(text)


def _not_a_term(line: str, body: str, is_item: bool) -> str | None:
    """Why a line is certainly not a term, or None."""
    if _HEADING.match(line):
        return "a heading, not a term"
    if _RULE.match(line):
        return "a horizontal rule"
    if _URL.match(body):
        return "a bare URL, not a term"
    if not _LATIN.search(body):
        return "a section heading (no English term)" if is_item else "Korean prose (no English term)"
    if _HANGUL.match(body):
        return "starts with Korean; write the English term first ('term : 뜻')"
    if _HAS_URL.search(body):
        return "contains a URL: a link, not a term"
    return None


class NotATerm(VocabError):
    "A notes line that holds no usable English term"


def _parse_entry_line(body: str, source: str) -> list[VocabTerm]:
    pieces = re.split(r"\s+/\s+", body)
    if len(pieces) > 1 and all(_LATIN.match(p) and _HANGUL.search(p) for p in pieces):
        return [_parse_entry(p, source) for p in pieces]
    return [_parse_entry(body, source)]


def _parse_entry(body: str, source: str) -> VocabTerm:
    """One "term <separator> gloss" entry; raises NotATerm with the reason when there is none."""
    quoted = _QUOTED_HEAD.match(body)
    if quoted:
        latin, rest = quoted.group("term"), quoted.group("rest")
    else:
        first_hangul = _HANGUL.search(body)
        cut = first_hangul.start() if first_hangul else len(body)
        while cut and body[cut - 1] in "'\"‘“":  # a quote opening the gloss belongs to it
            cut -= 1
        latin, rest = body[:cut], body[cut:]
    latin = _TRAILING_SEPARATOR.sub("", latin.strip())
    if latin.endswith(".") and latin.count(".") == 1:  # "sycophancy. 아첨!"
        latin = latin[:-1]
    if not _LATIN.search(latin):
        raise NotATerm("no English term before the Korean")
    aliases: list[str] = []
    note_parts: list[str] = []
    paren = _PARENTHESISED.match(latin)
    if paren and paren.group("term").strip():
        latin, inner = paren.group("term").strip(), paren.group("inner").strip()
        if is_abbreviation_of(inner, latin) or is_abbreviation_of(latin, inner):
            aliases.append(inner)
        else:
            note_parts.append(f"({inner})")
    if " / " in latin:  # "colour / color : 색" — spellings of one term
        latin, *more = [p.strip() for p in latin.split(" / ") if p.strip()]
        aliases.extend(more)
    if len(latin.split()) > MAX_TERM_WORDS:
        raise NotATerm(f"prose: {len(latin.split())} English words before the Korean, too long for a term")
    if not rest.strip() and (len(latin.split()) > 4 or re.search(r"[.!?]$", body)):
        raise NotATerm("prose: an English sentence without a Korean gloss")
    glosses, note = _gloss_and_note(body, rest)
    for expansion in _quoted(rest, lambda s: not _HANGUL.search(s)):
        if is_abbreviation_of(latin, expansion) and expansion not in aliases:
            aliases.append(expansion)
    if note_parts:
        note = " ".join(note_parts + ([note] if note else []))
    return VocabTerm(
        term=citation_form(latin),
        glosses=glosses,
        aliases=aliases,
        note=note,
        written=latin,
        source=source,
    )


def _quoted(text: str, keep) -> list[str]:
    found: list[tuple[int, str]] = []
    for m in _DOUBLE_QUOTED.finditer(text):
        found.append((m.start(), (m.group(1) or m.group(2)).strip()))
    blanked = _DOUBLE_QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    for m in _SINGLE_QUOTED.finditer(blanked):
        found.append((m.start(), (m.group(1) or m.group(2)).strip()))
    return [s for _, s in sorted(found) if s and keep(s)]


def _clean_gloss(text: str) -> str:
    return re.sub(r"[\s.!?。~,;:]+$", "", text.strip()).strip()


def _gloss_and_note(body: str, rest: str) -> tuple[list[str], str]:
    """The gloss is the first quoted Korean when there is some, and then the whole line, an
    explanation around it, is the note; otherwise the gloss is the first sentence of the Korean
    and any further sentences are the note."""
    quoted_korean = _quoted(rest, lambda s: bool(_HANGUL.search(s)))
    if quoted_korean:
        gloss = _clean_gloss(quoted_korean[0])
        explained = _HANGUL.search(rest.replace(quoted_korean[0], "", 1))
        return [gloss], body.strip() if explained else ""
    rest = rest.strip()
    if not rest:
        return [], ""
    first, *more = _SENTENCE_END.split(rest, maxsplit=1)
    gloss = _clean_gloss(first)
    return ([gloss] if gloss else []), (more[0].strip() if more else "")


def _example_owners(line: str, entries: list[NoteEntry]) -> list[NoteEntry]:
    """The entries whose term (or an inflection of it) occurs in the line."""
    tagger = Tagger([e.term for e in entries])
    found = {hit.term for hit in tagger.tag_texts([line])}
    return [e for e in entries if e.term.term in found]


# --- merging into the stored list ----------------------------------------------------------------

Action = Literal["added", "updated", "skipped"]


@dataclass
class Change:
    action: Action
    line: int  # 0 when the change did not come from a notes file
    term: str  # "" for a skipped line that holds no term
    reason: str


@dataclass
class ImportReport:
    changes: list[Change] = field(default_factory=list)
    terms: list[VocabTerm] = field(default_factory=list)  # added or updated, in their final state

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def changed(self) -> bool:
        return bool(self.terms)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.count("added"),
            "updated": self.count("updated"),
            "skipped": self.count("skipped"),
            "changes": [asdict(c) for c in self.changes],
        }


def merge_terms(existing: Iterable[VocabTerm], parsed: ParsedNotes) -> ImportReport:
    """What importing these entries changes. Nothing is lost: a second gloss, alias, example or note
    for a known term is added to it. The status (a learning decision) is never touched."""
    report = ImportReport()
    by_key: dict[str, VocabTerm] = {}
    for term in existing:
        by_key[term.key] = term
    alias_of = {term_key(a): t.key for t in by_key.values() for a in t.aliases}
    touched: dict[str, VocabTerm] = {}
    for entry in parsed.entries:
        new = entry.term
        key = new.key if new.key in by_key else alias_of.get(new.key, new.key)
        old = by_key.get(key)
        if old is None:
            by_key[key] = touched[key] = new
            alias_of.update({term_key(a): key for a in new.aliases})
            gloss = f": {new.gloss}" if new.glosses else " (no gloss)"
            report.changes.append(Change("added", entry.line, new.term, f"new term{gloss}"))
            continue
        what = _merge_into(old, new)
        if what:
            touched[key] = old
            alias_of.update({term_key(a): key for a in old.aliases})
            report.changes.append(Change("updated", entry.line, old.term, "; ".join(what)))
        else:
            report.changes.append(Change("skipped", entry.line, old.term, "already in the list, unchanged"))
    for skipped in parsed.skipped:
        report.changes.append(Change("skipped", skipped.line, "", f"{skipped.text!r}: {skipped.reason}"))
    report.changes.sort(key=lambda c: c.line)
    report.terms = list(touched.values())
    return report


def _merge_into(old: VocabTerm, new: VocabTerm) -> list[str]:
    what: list[str] = []
    for gloss in new.glosses:
        if gloss not in old.glosses:
            old.glosses.append(gloss)
            what.append(f"another gloss {gloss!r} kept beside {old.glosses[0]!r}")
    for alias in new.aliases:
        if term_key(alias) != old.key and alias not in old.aliases:
            old.aliases.append(alias)
            what.append(f"alias {alias!r}")
    for example in new.examples:
        if example not in old.examples:
            old.examples.append(example)
            what.append("another example")
    if new.note and new.note not in old.note:
        old.note = f"{old.note}\n{new.note}" if old.note else new.note
        what.append("note added")
    return what


def new_term(term: str, gloss: str = "", note: str = "", example: str = "") -> VocabTerm:
    """A term typed on the command line, read like a notes entry ("Byte-Pair Encoding (BPE)")."""
    if not _LATIN.search(term) or _HANGUL.search(term):
        raise VocabError(f"{term!r} is not an English term")
    parsed = _parse_entry(term.strip(), "cli")
    parsed.glosses = [g for g in [_clean_gloss(gloss)] if g]
    parsed.note = note.strip() or parsed.note
    parsed.examples = [example.strip()] if example.strip() else []
    return parsed


def find_term(terms: Iterable[VocabTerm], query: str) -> VocabTerm:
    """The term whose key or alias matches the query (any case, inflected head allowed)."""
    keys = {term_key(query), term_key(citation_form(query))}
    terms = list(terms)
    for term in terms:
        if term.key in keys:
            return term
    for term in terms:
        if keys & {term_key(a) for a in term.aliases}:
            return term
    raise UnknownTerm(query)


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise BadStatus(f"{status!r} is not a status; use one of {', '.join(STATUSES)}")
    return status


# --- tagging English ----------------------------------------------------------------------------


def _spelling_variants(text: str) -> list[str]:
    """ "TL;DR" also as "TLDR" and "TL DR"; "Byte-Pair" also as "BytePair" and "Byte Pair"."""
    variants = [text]
    if _INNER_PUNCT.search(text):
        variants += [_INNER_PUNCT.sub("", text), _INNER_PUNCT.sub(" ", text)]
    return list(dict.fromkeys(variants))


@dataclass(frozen=True)
class _Pattern:
    key: str
    specs: tuple[tuple[str, Any], ...]  # ("lemma", "gobble"), ("gap", n), ("det", None)

    @property
    def contiguous(self) -> bool:
        return all(kind == "lemma" for kind, _ in self.specs)


class Tagger:
    """Finds vocabulary terms in English sentences.

    Contiguous phrases go into one spaCy PhraseMatcher on lemmas. Separable phrases and phrases with
    a determiner go into small Matchers, one per first lemma, run only on sentences holding that
    lemma: a single Matcher is checked against every token for every pattern, which takes 25 s for
    3,000 phrase patterns over 5,000 sentences.
    """

    def __init__(self, terms: Iterable[VocabTerm], max_gap: int = MAX_GAP) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.max_gap = max_gap
        self.terms: dict[str, VocabTerm] = {t.key: t for t in terms if t.status != "ignored"}
        self.vocab = segment.english_nlp().vocab
        self.lemmas = english_lemmas()
        self._cache: dict[str, str] = {}
        patterns = [p for key, t in self.terms.items() for p in self._patterns(key, t)]
        self.term_lemmas = frozenset(v for p in patterns for kind, v in p.specs if kind == "lemma")
        self.phrases: PhraseMatcher = PhraseMatcher(self.vocab, attr="LEMMA")
        # One-token terms are a lookup of the token's LEMMA hash, the attribute PhraseMatcher would
        # compare: a PhraseMatcher pattern costs a Doc per term, which made 7,000 single words take
        # longer to compile than to match.
        self.words: dict[int, list[str]] = {}  # lemma hash → term keys
        self.by_head: dict[int, Matcher] = {}  # lemma hash of the first token → its Matcher
        self._lemma_ids: dict[int, int] = {}  # LOWER hash → LEMMA hash, filled while tagging
        phrase_docs: dict[str, list[Doc]] = {}
        for pattern in dict.fromkeys(patterns):
            if pattern.contiguous and len(pattern.specs) == 1:
                lemma_id = self.vocab.strings.add(pattern.specs[0][1])
                self.words.setdefault(lemma_id, []).append(pattern.key)
            elif pattern.contiguous:
                words = [v for _, v in pattern.specs]
                phrase_docs.setdefault(pattern.key, []).append(self._pattern_doc(words))
            else:
                head = self.vocab.strings.add(pattern.specs[0][1])
                matcher = self.by_head.setdefault(head, Matcher(self.vocab))
                matcher.add(pattern.key, [self._matcher_pattern(pattern)])
        for key, docs in phrase_docs.items():
            self.phrases.add(key, docs)

    def __len__(self) -> int:
        return len(self.terms)

    # Lemmas of sentence tokens: the term list's own lemmas also count as known base forms, so
    # "exfiltrated" (in no table) finds the term "exfiltrate".
    def lemma(self, lower: str) -> str:
        cached = self._cache.get(lower)
        if cached is None:
            cached = self.lemmas(lower)
            if cached == lower and lower not in self.term_lemmas:
                cached = next((c for c in self.lemmas.candidates(lower) if c in self.term_lemmas), lower)
            self._cache[lower] = cached
        return cached

    def _patterns(self, key: str, term: VocabTerm) -> Iterator[_Pattern]:
        words = closed_words()
        for surface in [term.term, *term.aliases]:
            for variant in _spelling_variants(surface):
                tokens = _term_tokens(variant)
                if len(tokens) > 1 and tokens[0] in words["subject"]:
                    tokens = tokens[1:]
                if not tokens:
                    continue
                lemmas = [self.lemmas(t) for t in tokens]
                content = [t for t in tokens[1:] if t not in words["determiner"]]
                separable = (
                    bool(content)
                    and lemmas[0] in self.lemmas.verbs
                    and tokens[1] not in words["noun_linker"]
                    and not surface.isupper()
                )
                specs: list[tuple[str, Any]] = [("lemma", lemmas[0])]
                rest = list(zip(tokens[1:], lemmas[1:], strict=True))
                if separable:
                    specs.append(("gap", self.max_gap))
                    while rest and rest[0][0] in words["determiner"]:  # absorbed by the gap
                        rest.pop(0)
                for token, lemma in rest:
                    specs.append(("det", None) if token in words["determiner"] else ("lemma", lemma))
                yield _Pattern(key, tuple(specs))

    def _pattern_doc(self, lemmas: list[str]) -> Doc:
        from spacy.tokens import Doc

        return Doc(self.vocab, words=lemmas, lemmas=lemmas)

    def _matcher_pattern(self, pattern: _Pattern) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for kind, value in pattern.specs:
            if kind == "lemma":
                out.append({"LEMMA": value})
            elif kind == "gap":
                stops = sorted(closed_words()["gap_stop"])
                out.append({"IS_PUNCT": False, "LOWER": {"NOT_IN": stops}, "OP": f"{{0,{value}}}"})
            else:
                out.append({"LOWER": {"IN": sorted(closed_words()["determiner"])}, "OP": "?"})
        return out

    def _lemma_id(self, lower_id: int) -> int:
        lemma_id = self._lemma_ids.get(lower_id)
        if lemma_id is None:
            lemma_id = self._lemma_ids[lower_id] = self.vocab.strings.add(
                self.lemma(self.vocab.strings[lower_id])
            )
        return lemma_id

    def docs(self, texts: Sequence[str]) -> Iterator[tuple[Doc, list[int]]]:
        """Tokenised texts with our lemmas set, and each text's lemma hashes.

        Lemmas are written as one array per Doc (Doc.from_array): setting token.lemma_ one
        Token object at a time took half of the tagging time.
        """
        import numpy
        from spacy.attrs import LEMMA, LOWER

        for doc in tokenizer().pipe(texts, batch_size=1000):
            lemma_ids = [self._lemma_id(x) for x in doc.to_array(LOWER).tolist()]
            doc.from_array([LEMMA], numpy.array(lemma_ids, dtype="uint64").reshape(-1, 1))
            yield doc, lemma_ids

    def _matches(self, doc: Doc, lemma_ids: list[int]) -> list[tuple[str, int, int]]:
        strings = self.vocab.strings
        found = [(key, i, i + 1) for i, lemma in enumerate(lemma_ids) for key in self.words.get(lemma, ())]
        if len(self.phrases):
            found += [(strings[k], s, e) for k, s, e in self.phrases(doc)]
        for head in self.by_head.keys() & set(lemma_ids):
            found += [(strings[k], s, e) for k, s, e in self.by_head[head](doc)]
        # Per term, keep the longest of overlapping matches ("gobbled it up", not "gobbled it").
        best: list[tuple[str, int, int]] = []
        for key, start, end in sorted(found, key=lambda m: (m[0], m[1], -(m[2] - m[1]))):
            if best and best[-1][0] == key and start < best[-1][2]:
                continue
            best.append((key, start, end))
        return best

    def tag_texts(self, texts: Sequence[str], indices: Sequence[int] | None = None) -> list[VocabHit]:
        """Hits in each text; ``sentence`` is the text's index (or ``indices[i]``)."""
        hits: list[VocabHit] = []
        if not self.terms:
            return hits
        for i, (doc, lemma_ids) in enumerate(self.docs(texts)):
            for key, start, end in self._matches(doc, lemma_ids):
                first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
                hits.append(
                    VocabHit(
                        term=self.terms[key].term,
                        lang="en",
                        sentence=indices[i] if indices is not None else i,
                        start=first,
                        end=last,
                        surface=texts[i][first:last],
                    )
                )
        hits.sort(key=lambda h: (h.sentence, h.start, h.term))
        return hits

    def __call__(self, sentences: Sequence[Sentence]) -> list[VocabHit]:
        return self.tag_texts([s.text for s in sentences], [s.index for s in sentences])


# --- locating the gloss in Korean ----------------------------------------------------------------

#: Kiwi tags of morphemes that carry the meaning of a gloss. Pronouns (NP), determiners (MM),
#: bound nouns, auxiliaries, copulas, particles, endings and affixes vary freely between a
#: dictionary gloss and a running translation, so they are left out of the comparison.
_CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "VV", "VA", "XR", "MAG", "SL", "SH", "SN"})
#: Morphemes that stay attached to a matched stem in the highlighted span (자라+었+다 → 자랐다).
_ATTACHED_TAGS = ("XSA", "XSV", "EP", "EF", "EC", "ETM", "ETN")
#: Content morphemes allowed between two gloss morphemes in the sentence (용어를 처음 만들었다).
MAX_KOREAN_GAP = 2


def _base_tag(tag: str) -> str:
    return tag.split("-")[0]  # Kiwi marks irregular conjugation as VA-I, XSA-I, …


def _content(morphemes: list[segment.Token]) -> list[int]:
    return [i for i, m in enumerate(morphemes) if _base_tag(m.tag) in _CONTENT_TAGS]


@functools.lru_cache(maxsize=4096)
def _gloss_lemmas(alternative: str) -> tuple[str, ...]:
    morphemes = segment.korean_morphemes(alternative)
    return tuple(morphemes[i].lemma for i in _content(morphemes))


def gloss_alternatives(glosses: Iterable[str]) -> list[str]:
    """ "허겁지겁 먹어치우다, 게걸스럽게 먹다" → each comma-, slash- or semicolon-separated part."""
    parts = [p.strip() for g in glosses for p in re.split(r"[,/;·]", g)]
    return [p for p in dict.fromkeys(parts) if _HANGUL.search(p)]


def korean_spans(glosses: Iterable[str], morphemes: list[segment.Token]) -> list[tuple[int, int]]:
    """Character spans where a gloss (by morpheme lemmas, so any inflection) occurs."""
    content = _content(morphemes)
    lemmas = [morphemes[i].lemma for i in content]
    spans: list[tuple[int, int]] = []
    for alternative in gloss_alternatives(glosses):
        wanted = _gloss_lemmas(alternative)
        if not wanted:
            continue
        for first in (k for k, lemma in enumerate(lemmas) if lemma == wanted[0]):
            positions = [first]
            for lemma in wanted[1:]:
                window = lemmas[positions[-1] + 1 : positions[-1] + 2 + MAX_KOREAN_GAP]
                if lemma not in window:
                    break
                positions.append(positions[-1] + 1 + window.index(lemma))
            else:
                start_m, end_m = content[positions[0]], content[positions[-1]]
                end = morphemes[end_m].end
                for m in morphemes[end_m + 1 :]:
                    if not m.tag.startswith(_ATTACHED_TAGS) or m.start > end:
                        break
                    end = max(end, m.end)
                spans.append((morphemes[start_m].start, end))
    return sorted(set(spans))


def tag_article(article: Article, tagger: Tagger) -> list[VocabHit]:
    """English hits in every sentence, plus each hit term's gloss in the paired Korean sentences."""
    en_hits = tagger(article.en_sentences)
    ko_of: dict[int, list[int]] = {}
    for bead in article.beads:
        for i in bead.en:
            ko_of[i] = bead.ko
    ko_text = {s.index: s.text for s in article.ko_sentences}
    morphemes: dict[int, list[segment.Token]] = {}
    ko_hits: dict[tuple[str, int, int], VocabHit] = {}
    by_term = {t.term: t for t in tagger.terms.values()}
    for hit in en_hits:
        term = by_term[hit.term]
        if not term.glosses:
            continue
        for j in ko_of.get(hit.sentence, []):
            if j not in morphemes:
                morphemes[j] = segment.korean_morphemes(ko_text[j])
            for start, end in korean_spans(term.glosses, morphemes[j]):
                surface = ko_text[j][start:end]
                ko_hits[(term.term, j, start)] = VocabHit(term.term, "ko", j, start, end, surface)
    return en_hits + sorted(ko_hits.values(), key=lambda h: (h.sentence, h.start, h.term))


def highlight(text: str, spans: Iterable[tuple[int, int]], tags: tuple[str, str] = ("<b>", "</b>")) -> str:
    """HTML-escaped text with the spans wrapped (overlapping spans are merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, cursor = [], 0
    for start, end in merged:
        out += [_escape(text[cursor:start]), tags[0], _escape(text[start:end]), tags[1]]
        cursor = end
    out.append(_escape(text[cursor:]))
    return "".join(out)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
