"""segment: the sentences of both sides, located in their blocks and repaired.

The splitters themselves are language data (``pipeline.lang``): pysbd for English (10/10 on our
tricky paragraph, against 7/10 for spaCy's small model; see design.md), Kiwi for Korean. This stage
locates their pieces in each block, rejoins what they cut wrongly (a closing quote, a URL, a Korean
quotative tail, an enumeration) and numbers the sentences. Sentences never cross blocks: each
alignable block is split on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pipeline.lang import en, ko
from pipeline.lang.en import nlp as english_nlp  # noqa: F401  (tests share one through a fixture)
from pipeline.lang.ko import kiwi  # noqa: F401  (tests share one through a fixture)
from pipeline.models import Document, Sentence

_WORD = re.compile(r"\w", re.UNICODE)
_ENUMERATION = re.compile(r"^\s*(\(?[0-9]{1,3}[.)]|\(?[A-Za-z][.)]|[ivxIVX]{1,4}[.)])\s*$")


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
            and (not _WORD.search(piece) or (lang == "ko" and ko.CONTINUATION.match(piece)))
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
    spans = _keep_urls_whole(list(_locate(text, en.sentence_pieces(text))), text)
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


#: A Korean sentence end followed by an opening quotation: Kiwi keeps the quotation with the
#: sentence before it (…방영되었다. "내가 … 있다,"), so the span is cut there.
_KO_END_BEFORE_QUOTE = re.compile(r"(?<=[가-힣][.?!])\s+(?=[\"“‘'])")


def _cut_before_quotes(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        for m in _KO_END_BEFORE_QUOTE.finditer(text, start, end):
            out.append((start, m.start()))
            start = m.end()
        out.append((start, end))
    return out


def split_korean_text(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one block of Korean (Kiwi, a cut before an opening quotation, then
    fragment repair)."""
    return _merge_fragments(_cut_before_quotes(ko.sentence_spans(text), text), text, "ko")


def split_english(doc: Document) -> list[Sentence]:
    """English sentences of every alignable block, numbered in document order."""
    return _sentences(doc, split_english_text)


def split_korean(doc: Document) -> list[Sentence]:
    """Korean sentences of every alignable block, numbered in document order."""
    return _sentences(doc, split_korean_text)


def split_document(doc: Document) -> list[Sentence]:
    return split_english(doc) if doc.lang == "en" else split_korean(doc)
