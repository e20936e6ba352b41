"""Block structure of pasted text: does ingest see the items a reader sees, in every paste style?

The pasted pairs of ``benchmarks/pasted_data.py`` give, for both languages, the items a reader sees
(headline, paragraphs, section heading, numbered items, caption and image id, related posts,
chrome). Each side is written in several styles and read by ``ingest``; an item boundary is a
position in the text (whitespace removed). Precision is the share of block boundaries ingest made
that are item boundaries; recall the share of item boundaries it made.

- ``as pasted``: the English as copied from a web page (blank lines between paragraphs, list items
  and related posts on consecutive lines), the Korean as copied from a translator (one item per
  line, no blank lines);
- ``blank lines``: every item its own Markdown paragraph;
- ``txt, one per line``: a .txt file, one item per line, no blank lines;
- ``wrapped 72``: every item hard-wrapped at 72 columns (Hangul counts two), blank lines between.

    python -m benchmarks.pasted_blocks
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from benchmarks.data import Doc, load_documents
from benchmarks.pasted_data import PastedPair, build_pasted, split_halves
from pipeline.stages import ingest
from pipeline.stages.paste import display_width


def wrap(line: str, width: int = 72) -> str:
    """Greedy fixed-width wrap by words, in display columns."""
    lines: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}" if current else word
        if current and display_width(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return "\n".join(lines)


def styles(pair: PastedPair, lang: str) -> dict[str, tuple[str, str]]:
    """Style name → (file suffix, text) for one side."""
    if lang == "en":
        pasted = pair.en_text
        lines = [line for block in pair.en_blocks for line in block]
    else:
        pasted = pair.ko_text
        lines = ["".join(items) for items in pair.ko_lines]
    return {
        "as pasted": (".md", pasted),
        "blank lines": (".md", "\n\n".join(lines) + "\n"),
        "txt, one per line": (".txt", "\n".join(lines) + "\n"),
        "wrapped 72": (".md", "\n\n".join(wrap(line) for line in lines) + "\n"),
    }


def items(pair: PastedPair, lang: str) -> list[str]:
    if lang == "en":
        return [line for block in pair.en_blocks for line in block]
    return [item for line in pair.ko_lines for item in line]


def boundaries(texts: Iterable[str]) -> set[int]:
    out: set[int] = set()
    pos = 0
    for text in texts:
        pos += len("".join(text.split()))
        out.add(pos)
    return out


def block_texts(path: Path, lang: str) -> list[str]:
    doc = ingest.read_document(path, lang)  # type: ignore[arg-type]
    return [f"{b.marker}{b.text}" for b in doc.blocks if b.alignable]


def measure(docs: Sequence[Doc], seed: int = 0) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(lang, style) → (true boundaries found, boundaries made, item boundaries)."""
    counts: dict[tuple[str, str], list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for doc in docs:
            pair = build_pasted(doc, docs, seed=seed)
            for lang in ("en", "ko"):
                gold = boundaries(items(pair, lang))
                for style, (suffix, text) in styles(pair, lang).items():
                    path = Path(tmp) / f"side.{lang}{suffix}"
                    path.write_text(text, encoding="utf-8")
                    made = boundaries(block_texts(path, lang))
                    c = counts.setdefault((lang, style), [0, 0, 0])
                    c[0] += len(made & gold)
                    c[1] += len(made)
                    c[2] += len(gold)
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def main() -> None:
    tuning, report = split_halves(load_documents())
    print("| half | side | style | boundary P | boundary R | blocks made / items |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, docs in (("tuning", tuning), ("report", report)):
        for (lang, style), (hit, made, gold) in measure(docs).items():
            print(f"| {name} | {lang} | {style} | {hit / made:.3f} | {hit / gold:.3f} | {made} / {gold} |")


if __name__ == "__main__":
    main()
