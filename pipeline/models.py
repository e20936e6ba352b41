"""Dataclasses that flow between the pipeline stages.

ingest → Document(blocks) → segment → Sentence lists → align → Bead list → store/export.
Every stage takes and returns these; none of them knows about click or SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from pipeline.lang.keys import glossary_key, vocab_key

Lang = Literal["en", "ko"]
BlockKind = Literal["heading", "paragraph", "list_item", "blockquote", "code", "image", "html"]

#: How bad a flag is: errors and warnings are for the reader to review, info is context.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
#: A flag's review status: its latest accept, dismiss or fix decision ("open" before any).
FLAG_STATUSES: tuple[str, ...] = ("open", "accepted", "dismissed", "fixed")
#: A vocabulary term's place on the learning ladder.
VOCAB_STATUSES: tuple[str, ...] = ("new", "learning", "known", "ignored")

#: Block kinds whose text is split into sentences and aligned.
ALIGNABLE_KINDS: frozenset[str] = frozenset({"heading", "paragraph", "list_item", "blockquote"})


@dataclass
class Block:
    """One Markdown block, in document order."""

    index: int  # 0-based position among the document's blocks
    kind: BlockKind
    text: str  # plain text for alignable blocks; the raw Markdown source otherwise
    line: int = 0  # 0-based first source line (after front matter)
    level: int = 0  # heading level (1-6), or list nesting depth (1 = top level)
    marker: str = ""  # list marker as written ("-", "1."), "" elsewhere

    @property
    def alignable(self) -> bool:
        return self.kind in ALIGNABLE_KINDS


@dataclass
class Document:
    """One side of an article: its metadata and its blocks."""

    lang: Lang
    blocks: list[Block]
    title: str = ""
    source_url: str = ""
    date: str = ""
    path: str = ""
    encoding: str = "utf-8"


@dataclass
class Sentence:
    """A sentence of one side. ``index`` counts sentences of that side in document order."""

    index: int
    block: int  # Block.index it lies in; sentences never cross blocks
    text: str
    start: int = 0  # character span inside the block's text
    end: int = 0
    kind: str = "paragraph"  # kind of the block it lies in (heading, list_item, …)


@dataclass
class Bead:
    """An alignment unit: n English sentences paired with m Korean ones (either may be empty)."""

    en: list[int]
    ko: list[int]
    score: float  # confidence in [0, 1]
    en_text: str = ""
    ko_text: str = ""
    cosine: float | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.en)}-{len(self.ko)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "en": self.en,
            "ko": self.ko,
            "score": round(self.score, 4),
            "en_text": self.en_text,
            "ko_text": self.ko_text,
        }


@dataclass
class VocabHit:
    """A vocabulary term found in a sentence (English), or its gloss found in the paired Korean."""

    term: str  # the vocabulary entry's term, as stored
    lang: Lang
    sentence: int  # Sentence.index on that side
    start: int  # character span inside the sentence text
    end: int
    surface: str  # the matched text as written


#: Flag statuses: open until a review decision; "note" decisions leave the status alone.
FLAG_STATUSES: tuple[str, ...] = ("open", "accepted", "dismissed", "fixed")
#: Review decision → the status it gives a flag (a "note" decision leaves the status alone).
DECISION_STATUS: dict[str, str] = {"accept": "accepted", "dismiss": "dismissed", "fix": "fixed"}
#: Severities the review queue asks about; info flags are listed, never counted as open.
REVIEWED_SEVERITIES: tuple[str, ...] = ("error", "warning")


@dataclass
class Flag:
    """A suspect translation found by a check, with the exact Korean evidence and its review state.

    ``status`` and ``fix`` are resolved from the reader's decisions when the store loads a flag (the
    latest accept, dismiss or fix), so every output reads the same truth from the flag itself.
    """

    check: str  # the check's stable name, e.g. "acronym-gloss"
    severity: str  # "error", "warning" or "info"
    en: list[int]  # English sentence indices of the bead (may be empty)
    ko: list[int]  # Korean sentence indices of the bead (may be empty)
    en_text: str
    ko_text: str
    evidence: str  # the exact offending Korean substring (or English, for omissions)
    message: str
    fingerprint: str = ""  # stable across re-processing: check + evidence + normalised sentence
    term: str = ""  # the term or acronym the flag is about, if any (for promoting a fix to the term base)
    suggestion: str = ""  # a corrected Korean for `evidence` that a check offers (the LLM reviewer's fix)
    back_translation: str = ""  # the Korean translated back into English (the back-translation check)
    status: str = "open"  # open, accepted, dismissed or fixed (FLAG_STATUSES)
    fix: str = ""  # the reviewer's corrected Korean for `evidence`, when status is "fixed"
    note: str = ""  # the reviewer's latest note
    decided_at: str = ""  # when the decision that set `status` was made
    slug: str = ""  # the article it belongs to, set by the store

    @property
    def id(self) -> str:
        """How review decisions find a flag: its fingerprint."""
        return self.fingerprint

    @property
    def is_open(self) -> bool:
        """Waiting for review: an open error or warning (info flags never are)."""
        return self.status == "open" and self.severity in REVIEWED_SEVERITIES

    def to_json(self) -> dict[str, Any]:
        """The `flags --json` record."""
        out = {"id": self.id} | asdict(self)
        for key in ("en", "ko", "fingerprint"):
            out.pop(key)
        return out


@dataclass
class FlagCounts:
    """How many flags an article has, by severity (all of them) and by review status.

    The status counts cover errors and warnings only, the flags the review queue asks about:
    ``open`` is the number still waiting for a decision. Info flags are counted in ``info`` alone.
    Every command that prints a count of open flags uses this.
    """

    error: int = 0
    warning: int = 0
    info: int = 0
    open: int = 0
    accepted: int = 0
    dismissed: int = 0
    fixed: int = 0

    @classmethod
    def of(cls, flags: Iterable[Flag]) -> FlagCounts:
        counts = cls()
        for flag in flags:
            if flag.severity in ("error", "warning", "info"):
                setattr(counts, flag.severity, getattr(counts, flag.severity) + 1)
            if flag.severity in REVIEWED_SEVERITIES and flag.status in FLAG_STATUSES:
                setattr(counts, flag.status, getattr(counts, flag.status) + 1)
        return counts

    def by_severity(self) -> dict[str, int]:
        return {"error": self.error, "warning": self.warning, "info": self.info}

    def by_status(self) -> dict[str, int]:
        return {s: getattr(self, s) for s in FLAG_STATUSES}


def coverage(beads: Iterable[Bead], n_en: int) -> float:
    """Share of the English sentences that have a Korean counterpart (0 without English)."""
    paired = sum(len(b.en) for b in beads if b.en and b.ko)
    return paired / n_en if n_en else 0.0


@dataclass
class Article:
    """An English document, its Korean counterpart, and everything derived from them."""

    slug: str
    en: Document
    ko: Document
    en_sentences: list[Sentence] = field(default_factory=list)
    ko_sentences: list[Sentence] = field(default_factory=list)
    beads: list[Bead] = field(default_factory=list)
    provenance: str = ""  # where the Korean came from: "file:<path>" or "<provider> <date>"
    hits: list[VocabHit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    # Indexes the stages compute before a save, so the store computes nothing:
    term_uses: dict[str, dict[str, int]] = field(default_factory=dict)  # term key → rendering → uses
    search_terms: dict[str, list[str]] = field(default_factory=dict)  # lang → index terms per sentence

    @property
    def title(self) -> str:
        return self.en.title or self.slug

    @property
    def coverage(self) -> float:
        return coverage(self.beads, len(self.en_sentences))


# ---------------------------------------------------------------------------------------------
# The term base and the word list: entries the store saves and loads. Their stage modules
# (stages/terms, stages/vocab) re-export them.
# ---------------------------------------------------------------------------------------------


def unique_forms(items: Iterable[str]) -> list[str]:
    """Whitespace-normalised, non-empty, first of each case-insensitive duplicate, in order."""
    seen: dict[str, None] = {}
    for item in items:
        item = re.sub(r"\s+", " ", item).strip()
        if item and item.casefold() not in {s.casefold() for s in seen}:
            seen[item] = None
    return list(seen)


@dataclass
class Term:
    """One term-base entry."""

    term: str  # the English term as usually written, e.g. "supervised fine-tuning"
    aliases: list[str] = field(default_factory=list)  # other English forms ("supervised finetuning")
    acronym: str = ""  # "SFT"
    accepted: list[str] = field(default_factory=list)  # Korean renderings to accept
    forbidden: list[str] = field(default_factory=list)  # Korean renderings that are wrong
    note: str = ""
    ambiguous: bool = False  # the English has everyday senses: check only in ML articles
    source: str = "bundled"  # "bundled", or where a user entry came from: "add", "import", "review"

    @property
    def key(self) -> str:
        return glossary_key(self.term)

    @property
    def english_forms(self) -> list[str]:
        return unique_forms([self.term, *self.aliases, self.acronym])

    def label(self) -> str:
        return f"{self.term} ({self.acronym})" if self.acronym and self.acronym != self.term else self.term

    def extended(self, accepted: Sequence[str] = (), forbidden: Sequence[str] = (), source: str = "") -> Term:
        """A copy with more renderings; a rendering moves from accepted to forbidden or back."""
        new_forbidden = unique_forms([*[f for f in self.forbidden if f not in accepted], *forbidden])
        new_accepted = unique_forms([*[a for a in self.accepted if a not in forbidden], *accepted])
        return replace(
            self,
            accepted=new_accepted,
            forbidden=new_forbidden,
            source=source or self.source,
            aliases=list(self.aliases),
        )


@dataclass
class VocabTerm:
    """One entry of the word list. ``key`` (derived from ``term``) identifies it across imports."""

    term: str  # citation form: "gobble up", "coin the term", "Byte-Pair Encoding"
    glosses: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # "BPE", "Too Long; Didn't Read"
    note: str = ""
    examples: list[str] = field(default_factory=list)
    status: str = "new"
    written: str = ""  # the term as first written in the notes ("i coined the term")
    source: str = ""  # where it was first noted: "notes.md:7" or "cli"

    @property
    def key(self) -> str:
        return vocab_key(self.term)

    @property
    def gloss(self) -> str:
        return "; ".join(self.glosses)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key} | asdict(self)
