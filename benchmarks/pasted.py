"""Pasted-article benchmark: NTREX dev documents as a reader pastes them, through `add` end to end.

Each document becomes a pasted-style pair (see ``benchmarks/pasted_data.py``), is written to a
temporary workspace's raw/ folder and processed by ``pipeline.app.add_article`` (what ``readnotes add``
runs), with the built-in sentence encoder as ``add`` uses it by default (``--no-semantic``: without).
The beads it stores are scored against the gold units.

Projection. The gold is a list of units (an NTREX row, a heading, a link title, a chrome line, an
image id) with their text as written in each file. Every sentence the pipeline produced is located
in its side's gold text (whitespace removed, searched from where the previous sentence ended) and
belongs to the unit that holds most of its characters. The gold beads are then the units' sentence
sets (``rows_to_beads``) and predicted beads inside one unit are merged before scoring
(``merge_within_gold``, as for own splitting in ``align_dev``). A unit whose text was swallowed by
another unit's sentence (an id glued into a caption, a heading into a paragraph) has no sentence of
its own on that side: it counts as a missed gold bead (a recall false negative), reported as "lost".

Documents are split by sorted doc id: even positions are the tuning half (the only one the line
rules were looked at on), odd positions the report half.

    python -m benchmarks.pasted                  # both halves, complete and partial translations
    python -m benchmarks.pasted --suffix .txt    # the same pairs as .txt files
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.data import DEFAULT_PAIRS, Doc, load_documents
from benchmarks.pasted_data import PastedPair, build_pasted, split_halves
from benchmarks.scoring import Counts, merge_within_gold, rows_to_beads


@dataclass
class Projection:
    rows: list[int]  # gold unit of every sentence
    lost: set[int]  # units with text on this side but no sentence of their own
    unlocated: int  # sentences whose text was not found in the gold text


def project(sentences: Sequence[str], stream: Sequence[tuple[int, str]]) -> Projection:
    """Gold unit of each sentence: the unit holding most of its characters (see the module doc)."""
    text_chars: list[str] = []
    owner: list[int] = []
    for unit, text in stream:
        for ch in text:
            if not ch.isspace():
                text_chars.append(ch)
                owner.append(unit)
    gold = "".join(text_chars)
    rows: list[int] = []
    unlocated = 0
    cursor = 0
    for sentence in sentences:
        key = "".join(sentence.split())
        start = gold.find(key, cursor) if key else -1
        if start < 0:
            unlocated += 1
            start = min(cursor, max(len(gold) - 1, 0))
            end = start + 1
        else:
            end = start + len(key)
        rows.append(Counter(owner[start:end]).most_common(1)[0][0] if owner else 0)
        cursor = max(cursor, end)
    lost = {unit for unit, _ in stream} - set(rows)
    return Projection(rows, lost, unlocated)


@dataclass
class DocResult:
    doc_id: str
    gold: list
    pred: list
    lost: int
    unlocated: int
    sentences: int


def run_pair(pair: PastedPair, folder: Path, suffix: str = ".md", use_semantic: bool = True) -> DocResult:
    from pipeline import app
    from pipeline.workspace import Workspace

    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    en_path = raw / f"{pair.doc_id}.en{suffix}"
    ko_path = raw / f"{pair.doc_id}.ko{suffix}"
    en_path.write_text(pair.en_text, encoding="utf-8")
    ko_path.write_text(pair.ko_text, encoding="utf-8")
    ws = Workspace(folder)
    article, _ = app.add_article(ws, en_path, ko_path, use_semantic=use_semantic)
    en = project([s.text for s in article.en_sentences], pair.en_stream)
    ko = project([s.text for s in article.ko_sentences], pair.ko_stream)
    gold = rows_to_beads(en.rows, ko.rows)
    pred = merge_within_gold([(b.en, b.ko) for b in article.beads], en.rows, ko.rows)
    return DocResult(
        pair.doc_id,
        gold,
        pred,
        len(en.lost) + len(ko.lost),
        en.unlocated + ko.unlocated,
        len(article.en_sentences) + len(article.ko_sentences),
    )


def evaluate(
    docs: Sequence[Doc],
    lenders: Sequence[Doc],
    seed: int,
    partial: float,
    suffix: str,
    max_rows: int = 3,
    use_semantic: bool = True,
) -> dict:
    counts = Counts()
    lost = unlocated = sentences = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n, doc in enumerate(docs):
            pair = build_pasted(doc, lenders, seed=seed, partial=partial, max_rows=max_rows)
            result = run_pair(pair, Path(tmp) / f"ws{n}", suffix, use_semantic)
            counts.add(result.gold, result.pred)
            # A lost unit is a gold bead no predicted bead can match: a recall false negative.
            counts.r_strict_fn += result.lost
            counts.r_lax_fn += result.lost
            lost += result.lost
            unlocated += result.unlocated
            sentences += result.sentences
    scores = counts.scores()
    scores.update(
        documents=len(docs),
        lost=lost,
        unlocated=unlocated,
        sentences=sentences,
        seconds=time.perf_counter() - started,
    )
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--suffix", choices=(".md", ".txt"), default=".md")
    parser.add_argument("--partial", type=float, default=0.15, help="share of paragraphs left untranslated")
    parser.add_argument("--half", choices=("tuning", "report", "both"), default="both")
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="the NTREX dev pairs.tsv")
    parser.add_argument(
        "--max-rows", type=int, default=3, help="most rows per paragraph (1: every row on its own line)"
    )
    parser.add_argument(
        "--semantic", action=argparse.BooleanOptionalAction, default=True, help="the built-in encoder"
    )
    args = parser.parse_args(argv)
    docs = load_documents(args.pairs)
    tuning, report = split_halves(docs)
    halves = {"tuning": tuning, "report": report}
    names = ["tuning", "report"] if args.half == "both" else [args.half]
    print("| half | condition | docs | strict P | strict R | strict F1 | lax F1 | lost | unlocated | s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        for condition, partial in (
            ("pasted", 0.0),
            (f"pasted, {args.partial:.0%} untranslated", args.partial),
        ):
            # Headings and related posts are lent by the documents of the same half only.
            s = evaluate(
                halves[name], halves[name], args.seed, partial, args.suffix, args.max_rows, args.semantic
            )
            print(
                f"| {name} | {condition} | {s['documents']} | {s['precision_strict']:.3f} | "
                f"{s['recall_strict']:.3f} | {s['f1_strict']:.3f} | {s['f1_lax']:.3f} | {s['lost']} | "
                f"{s['unlocated']} | {s['seconds']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
