"""Flags on pasted-style articles (issue 13): are a pasted image id and page chrome reported as
they should be, and what else is flagged?

Each NTREX dev document of the chosen half becomes a pasted-style pair (``benchmarks.pasted_data``:
an image id glued to a caption's Korean, ``Comments``/``댓글``, a Korean-only chrome line at the
end) and goes through ``pipeline.app.add_article`` (what ``readnotes add`` runs). Per article:

- image ids: the id's flag, if any (an ``addition`` warning is what a reviewer should see);
- chrome: the Korean-only chrome line's flag (info, once per article, is right; a warning is not);
- other flags at warning or error, per 100 gold units: the professional translation is clean but
  for a few real errors (``204만`` for "20.4 million"), so these are nearly all false alarms.

Run from the repository root::

    python -m benchmarks.flags_pasted                      # report half, without the encoder
    python -m benchmarks.flags_pasted --half tuning --semantic
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import data, pasted_data  # noqa: E402
from pipeline.models import Flag  # noqa: E402

SERIOUS = ("error", "warning")


def flags_of(pair: pasted_data.PastedPair, semantic: bool) -> list[Flag]:
    from pipeline import app
    from pipeline.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        en_path, ko_path = raw / f"{pair.doc_id}.en.md", raw / f"{pair.doc_id}.ko.md"
        en_path.write_text(pair.en_text, encoding="utf-8")
        ko_path.write_text(pair.ko_text, encoding="utf-8")
        article, _ = app.add_article(Workspace(Path(tmp)), en_path, ko_path, use_semantic=semantic)
    return article.flags


def _on(flags: Sequence[Flag], text: str) -> list[Flag]:
    """Flags whose evidence is (or holds) the text: those that report it."""
    return [f for f in flags if text in f.evidence or (f.evidence and f.evidence in text)]


def _worst(flags: Sequence[Flag]) -> str:
    """The highest severity among the flags ("none" without any)."""
    rank = {"none": 0, "info": 1, "warning": 2, "error": 3}
    return max((f.severity for f in flags), key=rank.__getitem__, default="none")


def measure(docs: Sequence[data.Doc], semantic: bool) -> dict[str, Any]:
    ids = Counter[str]()
    chrome = Counter[str]()
    other = Counter[str]()
    examples: list[str] = []
    units = 0
    for doc in docs:
        pair = pasted_data.build_pasted(doc, docs, seed=0)
        units += len(pair.units)
        flags = flags_of(pair, semantic)
        id_units = [u.ko for u in pair.units if not u.en and u.ko.isascii()]
        chrome_units = [u.ko for u in pair.units if not u.en and u.ko in pasted_data.KO_ONLY_CHROME]
        reported: set[int] = set()
        for token in id_units:
            on = _on(flags, token)
            reported |= {id(f) for f in on}
            ids[_worst(on)] += 1
        for line in chrome_units:
            on = _on(flags, line)
            reported |= {id(f) for f in on}
            chrome[_worst(on)] += 1
        for f in flags:
            if f.severity in SERIOUS and id(f) not in reported:
                other[f.check] += 1
                examples.append(f"{f.check}:{f.severity}: {f.evidence[:50]} | {f.message[:70]}")
    return {
        "semantic": semantic,
        "documents": len(docs),
        "gold_units": units,
        "image_ids": dict(ids),
        "chrome_lines": dict(chrome),
        "other_serious": sum(other.values()),
        "other_per_100_units": round(100 * sum(other.values()) / units, 2) if units else None,
        "other_by_check": dict(other.most_common()),
        "examples": examples[:30],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=data.DEFAULT_PAIRS)
    parser.add_argument("--half", choices=["tuning", "report"], default="report")
    parser.add_argument("--semantic", action="store_true", help="with the built-in sentence encoder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    tuning, report = pasted_data.split_halves(data.load_documents(args.pairs))
    result = measure(tuning if args.half == "tuning" else report, args.semantic)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{result['documents']} pasted articles ({args.half} half), {result['gold_units']} gold units")
    print(f"  image ids, by the severity of their flag: {result['image_ids']}")
    print(f"  Korean-only chrome lines, by their flag: {result['chrome_lines']}")
    print(
        f"  other warning/error flags: {result['other_serious']} = "
        f"{result['other_per_100_units']} per 100 units {result['other_by_check']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
