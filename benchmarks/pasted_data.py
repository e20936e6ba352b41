"""Pasted-style article pairs built from the NTREX dev documents, with their gold units.

A reader copies the English from a web page (blank lines between paragraphs, a related-posts run
and a ``Comments`` line at the end, list items on consecutive lines) and the Korean from Google
Translate (one paragraph, heading or list item per line, no blank lines). This module turns each
NTREX document into such a pair:

- the headline and a section heading (another document's headline, sometimes numbered ``2. …``)
  as plain lines;
- body rows grouped into paragraphs of one to three rows, one paragraph per line;
- a run of three rows as a numbered list (``1. …`` lines);
- a caption row whose Korean starts with an image id glued to it (``Xq7pLm2ZrT9bKcD(…)``): the id
  is a Korean-only unit;
- a related-posts run (other documents' headlines) and ``Comments``/``댓글``, then a Korean-only
  chrome line (``공유하기``, …) at the very end;
- optionally (``partial``) some paragraphs left untranslated (English-only units).

Every gold unit is one NTREX row (or one heading, link title or chrome line), with its English and
Korean text as written in the files (list markers included). Deterministic for a seed.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.data import Doc

CHROME_EN = "Comments"
CHROME_KO = "댓글"
#: Korean-only page chrome at the end of the paste (0-1 units).
KO_ONLY_CHROME: tuple[str, ...] = ("공유하기", "무단 전재 및 재배포 금지", "구독하기", "기사 원문 보기")


@dataclass
class Unit:
    """One gold translation unit; either side may be empty (an addition or an omission)."""

    en: str
    ko: str


@dataclass
class PastedPair:
    """One document as pasted: the two files' text and the gold units in document order."""

    doc_id: str
    en_text: str
    ko_text: str
    units: list[Unit] = field(default_factory=list)
    # Gold unit ids in the order their text occurs in each file, with the text as written there.
    en_stream: list[tuple[int, str]] = field(default_factory=list)
    ko_stream: list[tuple[int, str]] = field(default_factory=list)
    # The items a reader sees, as lines: English lines grouped by blank lines, Korean lines with
    # the items each holds (an image id and its caption share one line).
    en_blocks: list[list[str]] = field(default_factory=list)
    ko_lines: list[list[str]] = field(default_factory=list)


def image_id(rng: random.Random, length: int = 15) -> str:
    """A random image id such as ``Xq7pLm2ZrT9bKcD`` (mixed case letters and digits)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        token = "".join(rng.choice(alphabet) for _ in range(length))
        if (
            any(c.isdigit() for c in token)
            and any(c.isupper() for c in token)
            and any(c.islower() for c in token)
        ):
            return token


def _ends_sentence(text: str) -> bool:
    return text.rstrip().rstrip("\"'”’)")[-1:] in (".", "!", "?")


def _paragraphs(rows: list[int], doc: Doc, rng: random.Random, max_rows: int = 3) -> list[list[int]]:
    """Rows grouped into paragraphs of one to three rows (at most `max_rows`). A row that does not
    end a sentence in English (a standfirst or sub-heading in NTREX) stands on its own line."""
    out: list[list[int]] = []
    i = 0
    while i < len(rows):
        size = min(rng.choice((1, 2, 2, 3)), max_rows)
        group = rows[i : i + size]
        cut = next((k for k, r in enumerate(group) if not _ends_sentence(doc.en_rows[r])), None)
        if cut is not None:
            group = group[: max(cut, 1)]
        out.append(group)
        i += len(group)
    return out


def build_pasted(
    doc: Doc, others: Sequence[Doc], seed: int = 0, partial: float = 0.0, max_rows: int = 3
) -> PastedPair:
    """A pasted-style pair of `doc`; `others` lend headlines (a section heading, related posts).

    `partial`: the share of paragraphs left untranslated. `max_rows`: the most NTREX rows in one
    paragraph (1 takes the sentence splitter out of the measurement: every row is its own line)."""
    rng = random.Random(f"{seed}:{doc.doc_id}")
    pool = [d for d in others if d.doc_id != doc.doc_id]
    lent = rng.sample(pool, min(4, len(pool)))
    pair = PastedPair(doc.doc_id, "", "")
    en_blocks = pair.en_blocks  # English: blocks separated by blank lines, lines inside
    ko_lines = pair.ko_lines

    def unit(en: str, ko: str, en_written: str | None = None, ko_written: str | None = None) -> None:
        pair.units.append(Unit(en, ko))
        u = len(pair.units) - 1
        if en:
            pair.en_stream.append((u, en_written or en))
        if ko:
            pair.ko_stream.append((u, ko_written or ko))

    def add_line(en_line: str | None, ko_line: str | list[str] | None, new_block: bool = True) -> None:
        if en_line is not None:
            if new_block or not en_blocks:
                en_blocks.append([])
            en_blocks[-1].append(en_line)
        if ko_line is not None:
            ko_lines.append([ko_line] if isinstance(ko_line, str) else ko_line)

    unit(doc.en_rows[0], doc.ko_rows[0])
    add_line(doc.en_rows[0], doc.ko_rows[0])

    body = list(range(1, len(doc.en_rows)))
    paragraphs = _paragraphs(body, doc, rng, max_rows)
    n = len(paragraphs)
    heading_at = max(1, n * 2 // 5)
    list_at = min(n - 1, heading_at + 1 + rng.randrange(max(1, n // 4))) if n > 3 else None
    caption_at = rng.choice([p for p in range(1, n) if p not in (heading_at, list_at)] or [n - 1])
    dropped = {p for p in range(1, n) if rng.random() < partial} if partial else set()

    for p, rows in enumerate(paragraphs):
        if p == heading_at and lent:
            head = lent[0]
            number = f"{rng.randint(1, 5)}. " if rng.random() < 0.5 else ""
            unit(head.en_rows[0], head.ko_rows[0], number + head.en_rows[0], number + head.ko_rows[0])
            add_line(number + head.en_rows[0], number + head.ko_rows[0])
        if p == list_at and len(rows) >= 2:
            for k, r in enumerate(rows, start=1):
                unit(doc.en_rows[r], doc.ko_rows[r], f"{k}. {doc.en_rows[r]}", f"{k}. {doc.ko_rows[r]}")
                add_line(f"{k}. {doc.en_rows[r]}", f"{k}. {doc.ko_rows[r]}", new_block=k == 1)
            continue
        if p == caption_at and p not in dropped:
            # The first row is the figure's caption, on its own line; its Korean has the id glued on.
            r, rows = rows[0], rows[1:]
            token = image_id(rng)
            pair.units.append(Unit("", token))
            pair.ko_stream.append((len(pair.units) - 1, token))
            unit(doc.en_rows[r], doc.ko_rows[r])
            add_line(doc.en_rows[r], [token, doc.ko_rows[r]])
            if not rows:
                continue
        drop = p in dropped
        for r in rows:
            unit(doc.en_rows[r], "" if drop else doc.ko_rows[r])
        add_line(
            " ".join(doc.en_rows[r] for r in rows), None if drop else " ".join(doc.ko_rows[r] for r in rows)
        )

    # Related posts and comments: consecutive lines in the English, as copied from the page.
    for k, other in enumerate(lent[1:]):
        unit(other.en_rows[0], other.ko_rows[0])
        add_line(other.en_rows[0], other.ko_rows[0], new_block=k == 0)
    unit(CHROME_EN, CHROME_KO)
    add_line(CHROME_EN, CHROME_KO, new_block=False)
    chrome = rng.choice(KO_ONLY_CHROME)
    unit("", chrome)
    add_line(None, chrome)

    pair.en_text = "\n\n".join("\n".join(block) for block in en_blocks) + "\n"
    pair.ko_text = "\n".join("".join(items) for items in ko_lines) + "\n"
    return pair


def split_halves(docs: Sequence[Doc]) -> tuple[list[Doc], list[Doc]]:
    """(tuning, report): documents sorted by id, even positions tune, odd positions report."""
    ordered = sorted(docs, key=lambda d: d.doc_id)
    return ordered[0::2], ordered[1::2]
