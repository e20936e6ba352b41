"""segment: sentences for both sides, English lemmas, Korean morphemes.

English boundaries come from pysbd (10/10 on our tricky paragraph, against 7/10 for spaCy's
small model; see design.md), tokens and lemmas from spaCy ``blank("en")`` with the lookup
lemmatizer. Korean boundaries and morphemes come from kiwipiepy. Sentences never cross blocks:
each alignable block is split on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from pipeline.models import Document, Sentence

if TYPE_CHECKING:
    import pysbd
    from kiwipiepy import Kiwi
    from spacy.language import Language

_WORD = re.compile(r"\w", re.UNICODE)
_ENUMERATION = re.compile(r"^\s*(\(?[0-9]{1,3}[.)]|\(?[A-Za-z][.)]|[ivxIVX]{1,4}[.)])\s*$")


@cache
def english_splitter() -> pysbd.Segmenter:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


@cache
def english_nlp() -> Language:
    """spaCy blank English with the lookup lemmatizer (offline, from spacy-lookups-data)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@cache
def kiwi() -> Kiwi:
    """One Kiwi per process: it takes about 2 s to warm up."""
    from kiwipiepy import Kiwi

    return Kiwi()


def _locate(block_text: str, pieces: Iterable[str]) -> Iterator[tuple[int, int]]:
    """Character spans of consecutive pieces inside block_text, whitespace trimmed."""
    cursor = 0
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        start = block_text.find(stripped, cursor)
        if start < 0:  # the splitter normalised something; fall back to the cursor
            start = cursor
        end = start + len(stripped)
        cursor = end
        yield start, end


_KO_CONTINUATION = re.compile(r"^(?:라고|이라고|라며|이라며|라는|이라는|하고|고\s|며\s|란\s)")


def _merge_fragments(spans: list[tuple[int, int]], text: str, lang: str = "en") -> list[tuple[int, int]]:
    """Repair splitter output: a piece with no word (a closing quote) or a Korean quotative tail
    ("…했다.” 라고 그가 말했다") belongs to the sentence before it; an enumeration ("1.") belongs to
    the sentence after it."""
    merged: list[tuple[int, int]] = []
    carry: int | None = None
    for start, end in spans:
        piece = text[start:end]
        if carry is not None:
            start, carry = carry, None
        if (
            merged
            and (not _WORD.search(piece) or (lang == "ko" and _KO_CONTINUATION.match(piece)))
            and not _ENUMERATION.match(piece)
        ):
            merged[-1] = (merged[-1][0], end)
            continue
        if not _WORD.search(piece) or _ENUMERATION.match(piece):
            carry = start
            continue
        merged.append((start, end))
    if carry is not None:
        if merged:
            merged[-1] = (merged[-1][0], len(text.rstrip()))
        else:
            merged.append((carry, len(text.rstrip())))
    return merged


def _sentences(doc: Document, split) -> list[Sentence]:
    sentences: list[Sentence] = []
    for block in doc.blocks:
        if not block.alignable:
            continue
        # A heading is one unit however it is punctuated ("1. Reinforcement Learning …").
        spans = [(0, len(block.text))] if block.kind == "heading" else split(block.text)
        for start, end in spans:
            sentences.append(
                Sentence(len(sentences), block.index, block.text[start:end], start, end, block.kind)
            )
    return sentences


def split_english_text(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one block of English (pysbd, then URL and fragment repair)."""
    spans = _keep_urls_whole(list(_locate(text, english_splitter().segment(text))), text)
    return _merge_fragments(spans, text, "en")


# pysbd splits inside a URL at "?" (…/watch?v=…) and before a one-letter label (www.x.org), and
# has no option to protect spans, so rejoin pieces whose boundary falls inside a URL.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+")


def _keep_urls_whole(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    urls = [(m.start(), m.start() + len(m.group(0).rstrip(".,;:!?"))) for m in _URL.finditer(text)]
    if not urls:
        return spans
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and any(u_start < joined[-1][1] < u_end for u_start, u_end in urls):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def split_korean_text(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one block of Korean (Kiwi, then fragment repair)."""
    return _merge_fragments([(s.start, s.end) for s in kiwi().split_into_sents(text)], text, "ko")


def split_english(doc: Document) -> list[Sentence]:
    """English sentences of every alignable block, numbered in document order."""
    return _sentences(doc, split_english_text)


def split_korean(doc: Document) -> list[Sentence]:
    """Korean sentences of every alignable block, numbered in document order."""
    return _sentences(doc, split_korean_text)


def split_document(doc: Document) -> list[Sentence]:
    return split_english(doc) if doc.lang == "en" else split_korean(doc)


@dataclass(frozen=True)
class Token:
    """A word with its lemma (English) or a morpheme with its tag (Korean), and its span."""

    text: str
    lemma: str
    tag: str
    start: int
    end: int


def english_tokens(text: str) -> list[Token]:
    """spaCy tokens with lower-cased lookup lemmas (the lookup table is case-sensitive)."""
    doc = english_nlp()(text)
    out = []
    for tok in doc:
        lemma = tok.lemma_ or tok.text
        lower = tok.text.lower()
        if lemma == tok.text and lower != tok.text:
            # "Gobbled" is not in the table but "gobbled" is: retry in lower case.
            lemma = _lemma_table().get(lower, lower)
        out.append(Token(tok.text, lemma.lower(), tok.pos_ or "", tok.idx, tok.idx + len(tok.text)))
    return out


@cache
def _lemma_table():
    # The lookup tables live on the lemmatizer component, not on the shared vocab.
    return english_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


def korean_morphemes(text: str) -> list[Token]:
    """Kiwi morphemes: form, lemma (verbs get 다), POS tag and span."""
    out = []
    for tok in kiwi().tokenize(text):
        lemma = tok.form + "다" if tok.tag.startswith(("VV", "VA", "VX")) else tok.form
        out.append(Token(text[tok.start : tok.end], lemma, tok.tag, tok.start, tok.end))
    return out
