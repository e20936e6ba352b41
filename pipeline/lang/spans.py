"""Marking spans of a text: the one highlighter behind search results, Anki cards and the review queue.

A span is a (start, end) pair of character offsets. Spans may come unsorted and may overlap (a
term and its alias, a gloss found twice); overlapping or touching spans are marked as one, so
markers never nest. Text between and inside the spans goes through ``escape`` (HTML, Markdown, or
nothing), and the markers never do.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

Span = tuple[int, int]
#: Either a pair of markers put around each span, or a function that wraps an (escaped) span.
Mark = tuple[str, str] | Callable[[str], str]


def _unchanged(text: str) -> str:
    return text


def html_text(text: str) -> str:
    """Escape text placed between HTML tags (quotes may stay)."""
    return html.escape(text, quote=False)


def merged(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted, with overlapping and touching ones joined; empty spans dropped."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(start, end) for start, end in out]


def mark_spans(
    text: str, spans: Iterable[Span], mark: Mark = ("[", "]"), escape: Callable[[str], str] = _unchanged
) -> str:
    """The text, escaped, with every span marked: mark_spans("a big cat", [(2, 5)]) == "a [big] cat"."""
    wrap = mark if callable(mark) else (lambda s, left=mark[0], right=mark[1]: f"{left}{s}{right}")
    out, cursor = [], 0
    for start, end in merged(spans):
        start, end = max(start, 0), min(end, len(text))
        if start >= end:  # a span past the end of the text marks nothing
            continue
        out += [escape(text[cursor:start]), wrap(escape(text[start:end]))]
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def highlight_html(text: str, spans: Iterable[Span], tags: tuple[str, str] = ("<b>", "</b>")) -> str:
    """HTML-escaped text with the spans wrapped in tags (bold by default): Anki cards."""
    return mark_spans(text, spans, tags, html_text)


def first_occurrence(text: str, needle: str) -> list[Span]:
    """The span of the first occurrence of needle in text, or none: where a flag's evidence sits."""
    start = text.find(needle) if needle else -1
    return [(start, start + len(needle))] if start >= 0 else []
