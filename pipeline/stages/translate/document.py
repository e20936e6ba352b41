"""Translating texts and whole Documents: URL masking, splitting to the provider's limit, caching.

A Document is translated block by block, so the Korean Document mirrors the English one (a heading
stays a heading, a list item stays a list item); code, images, tables and raw HTML are copied, never
sent, and URLs inside a sentence are masked before sending. A block longer than the provider accepts
is split at sentence boundaries.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Callable
from dataclasses import replace

from pipeline.models import Document, Lang
from pipeline.stages import segment
from pipeline.stages.translate.cache import TranslationCache
from pipeline.stages.translate.client import Translator
from pipeline.stages.translate.errors import ServiceUnreachable

#: Progress while translating a document: (blocks done, blocks in total).
BlockProgress = Callable[[int, int], None]

#: URLs are never sent: they are masked as ⟦n⟧ and put back after translation.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.I)
_URL_TRAILING = ".,;:!?)]}'\""
_PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧")
_LETTER = re.compile(r"[^\W\d_]")


def mask_urls(text: str) -> tuple[str, list[str]]:
    """Replace each URL with ⟦n⟧; return the masked text and the URLs."""
    urls: list[str] = []

    def swap(m: re.Match[str]) -> str:
        url = m.group(0)
        tail = len(url) - len(url.rstrip(_URL_TRAILING))
        url, rest = (url[:-tail], url[-tail:]) if tail else (url, "")
        urls.append(url)
        return f"⟦{len(urls)}⟧{rest}"

    return _URL.sub(swap, text), urls


def unmask_urls(text: str, urls: list[str]) -> str:
    """Put the URLs back; a placeholder the translator dropped gets its URL appended."""
    seen: set[int] = set()

    def back(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if 1 <= n <= len(urls):
            seen.add(n)
            return urls[n - 1]
        return m.group(0)

    text = _PLACEHOLDER.sub(back, text)
    lost = [url for n, url in enumerate(urls, 1) if n not in seen]
    return f"{text} ({' '.join(lost)})" if lost else text


def split_for_limit(text: str, max_chars: int, lang: Lang) -> list[str]:
    """Pieces of at most max_chars, cut at sentence boundaries (at spaces inside an over-long sentence)."""
    if len(text) <= max_chars:
        return [text]
    split = segment.split_english_text if lang == "en" else segment.split_korean_text
    sentences = [text[start:end] for start, end in split(text)] or [text]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        parts = [sentence] if len(sentence) <= max_chars else textwrap.wrap(sentence, max_chars)
        for part in parts:
            if current and len(current) + 1 + len(part) > max_chars:
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def translate_text(text: str, translator: Translator, cache: TranslationCache, refresh: bool = False) -> str:
    """Translate one block's text: split to the provider's limit, URLs masked, each piece cached."""
    out: list[str] = []
    for piece in split_for_limit(text, translator.max_chars, translator.source):
        masked, urls = mask_urls(piece)
        if not _LETTER.search(_PLACEHOLDER.sub("", masked)):
            out.append(piece)  # nothing to translate: numbers, symbols, bare URLs
            continue
        translation = None if refresh else cache.get(translator, masked)
        if translation is None:
            translation = translator(masked)
            cache.put(translator, masked, translation)
        out.append(unmask_urls(translation, urls))
    return " ".join(out)


def no_block_progress(_done: int, _total: int) -> None:
    pass


def translate_document(
    doc: Document,
    translator: Translator,
    cache: TranslationCache,
    refresh: bool = False,
    progress: BlockProgress = no_block_progress,
) -> Document:
    """The translated Document: the same blocks in the same order, alignable ones translated.

    Raises ServiceUnreachable with ``done``/``total`` set; what was translated stays in the cache.
    """
    total = sum(1 for b in doc.blocks if b.alignable)
    done = 0
    progress(done, total)
    blocks = []
    for block in doc.blocks:
        if not block.alignable:
            blocks.append(replace(block))  # code, images, tables, HTML: copied, never sent
            continue
        try:
            text = translate_text(block.text, translator, cache, refresh)
        except ServiceUnreachable as e:
            e.done, e.total = done, total
            raise
        blocks.append(replace(block, text=text))
        done += 1
        progress(done, total)
    pairs = zip(doc.blocks, blocks, strict=True)
    title = next((ko.text for en, ko in pairs if en.kind == "heading" and en.text == doc.title), "")
    return Document(
        lang=translator.target,
        blocks=blocks,
        title=title,
        source_url=doc.source_url,
        date=doc.date,
        path="",
        encoding="utf-8",
    )


def provenance(provider: str, today: dt.date | None = None) -> str:
    """What Article.provenance records for a machine translation: "google 2026-11-23"."""
    return f"{provider} {(today or dt.date.today()).isoformat()}"
