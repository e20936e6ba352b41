"""Dataclasses that flow between the pipeline stages.

ingest → Document(blocks) → segment → Sentence lists → align → Bead list → store/export.
Every stage takes and returns these; none of them knows about click or SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Lang = Literal["en", "ko"]
BlockKind = Literal["heading", "paragraph", "list_item", "blockquote", "code", "image", "html"]

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


@dataclass
class Flag:
    """A suspect translation found by a check, with the exact Korean evidence."""

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

    @property
    def title(self) -> str:
        return self.en.title or self.slug
