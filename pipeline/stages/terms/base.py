"""terms.base: the term base (English term → accepted and forbidden Korean renderings), its TSV
form, the English matcher, and the pure edits the store persists.

The bundled AI/ML glossary is package data (``pipeline/data/glossary_ai_ko.tsv``); the user's own
entries live in the ``terms`` table and override a bundled entry with the same key. Both are read and
written as TSV with these columns (lists are ``|``-separated)::

    term  aliases  acronym  accepted  forbidden  note  [ambiguous]

``ambiguous`` is ``yes`` for English words with everyday senses (model, agent, transformer): the checks
apply them only in articles that are about ML. English terms are found with word boundaries (an
acronym case-sensitively, plural ``s`` allowed) by token lookup (``pipeline.lang.phrases``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files

from pipeline.errors import ReadnotesError
from pipeline.lang.keys import glossary_key
from pipeline.lang.phrases import Phrase, PhraseIndex
from pipeline.models import Term  # re-exported: the store saves and loads it
from pipeline.models import unique_forms as _unique

TSV_COLUMNS: tuple[str, ...] = ("term", "aliases", "acronym", "accepted", "forbidden", "note", "ambiguous")
LIST_SEP = "|"
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"", "no", "n", "false", "0"}


class TermError(ReadnotesError, ValueError):
    "The term base cannot be changed as asked"


class TermEditError(TermError):
    "A term-base entry cannot be removed or edited as asked; the hint says what to do instead"


class TermFileError(TermError):
    "A line of a term-base TSV file is malformed"

    about_a_file = True
    hint = "Nothing was imported; fix that line and run again."

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


#: The identity of a term-base entry: case, spaces and hyphens folded ("Fine-tuning" = "fine tuning").
#: Not the vocabulary's key: see pipeline.lang.keys for why the two differ.
term_key = glossary_key


# ---------------------------------------------------------------------------------------------
# TSV
# ---------------------------------------------------------------------------------------------


def _split_list(cell: str) -> list[str]:
    return _unique(cell.split(LIST_SEP))


def parse_tsv(text: str, source: str = "import") -> list[Term]:
    """Parse a whole term-base TSV, or raise TermFileError for its first bad line (1-based).

    A header row is required; ``#`` lines and blank lines are skipped. The ``ambiguous`` column may
    be left out.
    """
    terms: list[Term] = []
    seen: dict[str, int] = {}
    header: list[str] | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            names = [c.strip().lower() for c in cells]
            if tuple(names) not in (TSV_COLUMNS, TSV_COLUMNS[:-1]):
                raise TermFileError(
                    lineno,
                    "the first line must be the header "
                    + "<TAB>".join(TSV_COLUMNS[:-1])
                    + "[<TAB>ambiguous] (tab-separated)",
                )
            header = names
            continue
        if len(cells) != len(header):
            raise TermFileError(
                lineno, f"{len(cells)} tab-separated columns, expected {len(header)} like the header"
            )
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        if not row["term"]:
            raise TermFileError(lineno, "the term column is empty")
        if LIST_SEP in row["term"]:
            raise TermFileError(lineno, "the term column holds one term; put other forms in aliases")
        if re.search(r"\s", row["acronym"]):
            raise TermFileError(lineno, f"acronym {row['acronym']!r} contains a space")
        accepted, forbidden = _split_list(row["accepted"]), _split_list(row["forbidden"])
        if not accepted and not forbidden:
            raise TermFileError(lineno, f"{row['term']!r} has neither accepted nor forbidden renderings")
        both = {a.casefold() for a in accepted} & {f.casefold() for f in forbidden}
        if both:
            raise TermFileError(lineno, f"{sorted(both)[0]!r} is both accepted and forbidden")
        flag = row.get("ambiguous", "").lower()
        if flag not in _TRUE | _FALSE:
            raise TermFileError(lineno, f"ambiguous must be yes or no, not {row['ambiguous']!r}")
        term = Term(
            term=row["term"],
            aliases=[a for a in _split_list(row["aliases"]) if term_key(a) != term_key(row["term"])],
            acronym=row["acronym"],
            accepted=accepted,
            forbidden=forbidden,
            note=row["note"],
            ambiguous=flag in _TRUE,
            source=source,
        )
        if term.key in seen:
            raise TermFileError(lineno, f"{term.term!r} is already defined on line {seen[term.key]}")
        seen[term.key] = lineno
        terms.append(term)
    if header is None:
        raise TermFileError(1, "the file is empty; it needs a header row and one term per line")
    return terms


def _cell(text: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def to_tsv(terms: Iterable[Term]) -> str:
    lines = ["\t".join(TSV_COLUMNS)]
    for t in terms:
        cells = [
            t.term,
            LIST_SEP.join(t.aliases),
            t.acronym,
            LIST_SEP.join(t.accepted),
            LIST_SEP.join(t.forbidden),
            t.note,
            "yes" if t.ambiguous else "",
        ]
        lines.append("\t".join(_cell(c) for c in cells))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The term base and its English matcher
# ---------------------------------------------------------------------------------------------

_LETTERS = re.compile(r"[A-Za-z]")


def is_acronym(word: str) -> bool:
    """LLM, MoE, LoRA, MWPs: two or more capitals, mostly capitals, no spaces."""
    letters = _LETTERS.findall(word)
    caps = sum(c.isupper() for c in letters)
    return " " not in word and caps >= 2 and caps / max(len(letters), 1) >= 0.6


def acronym_key(word: str) -> str:
    """LLMs → LLM, MWPs → MWP: a plural s does not change the acronym."""
    if len(word) > 2 and word.endswith("s") and word[:-1][-1:].isupper():
        return word[:-1]
    return word


def _english_phrase(form: str, term: Term) -> Phrase[Term]:
    """One English form as a phrase: an acronym exactly, with a plural s ("LLMs"); other forms with
    hyphens and spaces interchangeable (or left out) between words, plural s or es allowed."""
    if is_acronym(form):
        return Phrase((form,), ("s",), term)
    return Phrase(tuple(w for w in re.split(r"[\s\-]+", form) if w), ("s", "es"), term)


def _english_pattern(form: str) -> tuple[str, bool]:
    """(regex, case-sensitive?) for one English form: the phrase's own pattern."""
    return _english_phrase(form, Term(form)).pattern, is_acronym(form)


_BEFORE = r"(?<![A-Za-z0-9])"
_AFTER = r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class TermHit:
    """A term found in English text."""

    term: Term
    start: int
    end: int
    surface: str


class TermBase:
    """The merged term base: lookups by key and acronym, and an English matcher."""

    def __init__(self, terms: Iterable[Term] = ()) -> None:
        self.terms: list[Term] = list(terms)
        self.by_key: dict[str, Term] = {t.key: t for t in self.terms}
        self.by_acronym: dict[str, list[Term]] = {}
        for t in self.terms:
            for form in t.english_forms:
                if is_acronym(form):
                    self.by_acronym.setdefault(acronym_key(form), []).append(t)

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def get(self, name: str) -> Term | None:
        """A term by its English form (any case) or its acronym."""
        if term_key(name) in self.by_key:
            return self.by_key[term_key(name)]
        found = self.by_acronym.get(acronym_key(name))
        if found:
            return found[0]
        return self._by_form.get(term_key(name))

    @functools.cached_property
    def _by_form(self) -> dict[str, Term]:
        """Every English form's key → the first term that has it (a lookup, not a scan of all terms)."""
        by_form: dict[str, Term] = {}
        for t in self.terms:
            for form in t.english_forms:
                by_form.setdefault(term_key(form), t)
        return by_form

    def merged(self, overrides: Iterable[Term]) -> TermBase:
        """This base with entries replaced (same key) or added; itself when there are none, so a
        reader without term-base entries of their own reuses the bundled base's built matchers."""
        overrides = list(overrides)
        if not overrides and len(self.by_key) == len(self.terms):
            return self
        by_key = dict(self.by_key)
        for t in overrides:
            by_key[t.key] = t
        return TermBase(by_key.values())

    @functools.cached_property
    def _indexes(self) -> list[PhraseIndex[Term]]:
        """Acronyms case-sensitively, other forms in any case: one token lookup each."""
        phrases: dict[bool, list[Phrase[Term]]] = {True: [], False: []}
        for t in self.terms:
            for form in t.english_forms:
                phrases[is_acronym(form)].append(_english_phrase(form, t))
        return [
            PhraseIndex(phrases[sensitive], sensitive) for sensitive in (True, False) if phrases[sensitive]
        ]

    def find_english(self, text: str) -> list[TermHit]:
        """Terms in English text, longest first where they overlap, in text order."""
        hits = [
            TermHit(m.phrase.value, m.start, m.end, text[m.start : m.end])
            for index in self._indexes
            for m in index.find(text)
        ]
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        kept: list[TermHit] = []
        for h in hits:
            if all(h.end <= k.start or h.start >= k.end for k in kept):
                kept.append(h)
        return sorted(kept, key=lambda h: h.start)


def latin_forms_in(text: str, term: Term) -> list[tuple[int, int]]:
    """Where the Korean keeps the term in English (LLM, Transformer): an accepted rendering too."""
    spans = []
    for form in term.english_forms:
        pattern, sensitive = _english_pattern(form)
        flags = 0 if sensitive else re.IGNORECASE
        spans += [m.span() for m in re.finditer(f"{_BEFORE}{pattern}{_AFTER}", text, flags)]
    return spans


@functools.cache
def bundled() -> TermBase:
    """The bundled AI/ML glossary (package data)."""
    text = files("pipeline.data").joinpath("glossary_ai_ko.tsv").read_text("utf-8")
    return TermBase(parse_tsv(text, source="bundled"))


# ---------------------------------------------------------------------------------------------
# Editing: pure functions over a TermBase; the store persists what they return
# ---------------------------------------------------------------------------------------------


def merged_entry(base: TermBase, term: Term) -> Term:
    """A new entry, or the existing one (bundled or user) extended with the new forms and renderings."""
    if not term_key(term.term):  # an empty key would be one entry every blank term overwrites
        raise TermError(f"{term.term!r} is not a term: give its English, e.g. `reward model`")
    existing = base.get(term.term) or (base.get(term.acronym) if term.acronym else None)
    if existing is not None:
        merged = existing.extended(term.accepted, term.forbidden, source=term.source)
        merged.aliases = _unique([*existing.aliases, *term.aliases])
        merged.acronym = existing.acronym or term.acronym
        merged.note = term.note or existing.note
        merged.ambiguous = existing.ambiguous or term.ambiguous
        term = merged
    if not term.accepted and not term.forbidden:
        raise TermError(f"{term.term!r} needs at least one accepted (--ko) or forbidden (--forbid) rendering")
    return term


def promoted_entry(
    base: TermBase, name: str, accepted: Sequence[str] = (), forbidden: Sequence[str] = ()
) -> Term:
    """A reviewed rendering recorded for term `name`: accepted, or forbidden."""
    existing = base.get(name)
    if existing is None:
        entry = Term(
            term=name,
            acronym=acronym_key(name) if is_acronym(name) else "",
            accepted=list(accepted),
            forbidden=list(forbidden),
            source="review",
        )
    else:
        entry = existing.extended(accepted, forbidden, source="review")
    if not entry.accepted and not entry.forbidden:
        raise TermError("nothing to record: give a rendering to accept or to forbid")
    return entry
