"""vocab.entries: the word list's entries, their key and citation form, and merging an import into them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pipeline.errors import ReadnotesError
from pipeline.lang import en
from pipeline.lang.keys import vocab_key
from pipeline.models import VocabTerm  # re-exported: the store saves and loads it

#: The status ladder, as in LWT and LUTE. Ignored terms are never tagged.
STATUSES: tuple[str, ...] = ("new", "learning", "known", "ignored")


class VocabError(ReadnotesError, ValueError):
    "Bad vocabulary input"

    hint = "Give an English word or phrase, e.g. `vicinity`."


class UnknownTerm(ReadnotesError, LookupError):
    "No such term (or alias) in the vocabulary"

    hint = "`readnotes vocab list` shows the terms"

    def __str__(self) -> str:
        return f"no term {self.args[0]!r} in your vocabulary"


class BadStatus(VocabError):
    "Not one of new, learning, known, ignored"


#: The word list's identity of a term ("TL;DR" → "tldr"); not the term base's: see pipeline.lang.keys.
term_key = vocab_key


def citation_form(written: str) -> str:
    """The dictionary form of a noted phrase.

    "i coined the term" → "coin the term": a leading subject pronoun is not part of the term, and
    an inflected verb at the head of a phrase is cited in its base form ("Gobbled up" → "gobble
    up"). Single words stay as written: matching is by lemma anyway, and "interesting" is not
    "interest".
    """
    words = written.split()
    if len(words) > 1 and words[0].lower() in en.word_classes()["subject"]:
        words = words[1:]
    if len(words) > 1 and not words[0].isupper():
        lower = words[0].lower()
        lemma = en.lemmatizer()(lower)
        if lemma != lower and lemma in en.lemmatizer().verbs:
            words[0] = lemma
    return " ".join(words)


def initials(text: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s\-–/]+", text) if w and w[0].isalpha()).upper()


def is_abbreviation_of(short: str, long: str) -> bool:
    """BPE for Byte-Pair Encoding, TL;DR for Too Long; Didn't Read."""
    letters = re.sub(r"[^A-Za-z]", "", short).upper()
    return len(letters) >= 2 and letters == initials(long)


# --- merging into the stored list ----------------------------------------------------------------

Action = Literal["added", "updated", "skipped"]


@dataclass
class Change:
    action: Action
    line: int  # 0 when the change did not come from a notes file
    term: str  # "" for a skipped line that holds no term
    reason: str


@dataclass
class NoteEntry:
    """A term read from one line of the notes (vocab.notes reads them; merge_terms takes them)."""

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
