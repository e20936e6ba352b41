"""What each command costs a user: wall time and peak memory of fresh `readnotes` processes.

Every figure is a ratio to two references measured in the same run, because these machines are
shared and noisy:

- bare Python: `python -c pass`, the least any Python CLI can cost;
- the analyzer floor: a fresh Python that builds Kiwi lean and splits one line (what any command
  that must analyse Korean pays at least).

The commands run on a temporary copy of the bundled sample workspace (and `add` once more in a
workspace without the reader's word list), as `python -m pipeline` of the checkout this file is in
(PYTHONPATH points at it, whatever the venv has installed), exactly as a user types them (startup,
reading, term-base scoring and output included). CPU seconds (user + system, children included) are
reported beside the wall time: on a shared machine they move less.

The per-user cache (READNOTES_CACHE_DIR: the sentence encoder's embedding table, uncompressed) is a
folder of the temporary directory, filled by the first `add` that sets the workspace up, so the
commands see it warm; the last row, `add` with the cache emptied before each run, is what a user's
first `add` costs.

    python -m benchmarks.cli_latency                 # 5 runs each, a table
    python -m benchmarks.cli_latency --repeat 3 --json
    python -m benchmarks.cli_latency --repeat 5 --only add   # the references and the three adds
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLUG = "karpathy-2025"

FLOOR = (
    "from kiwipiepy import Kiwi\n"
    "kiwi = Kiwi(model_type='cong', load_typo_dict=False, load_multi_dict=False)\n"
    "kiwi.split_into_sents('2025년 초, 모든 연구소의 LLM 생산 스택은 다음과 같았습니다.')\n"
)


@dataclass
class Measure:
    name: str
    seconds: float  # median wall time
    cpu: float  # median user + system CPU seconds
    peak_mb: float  # median peak RSS of the process
    runs: int
    ok: bool


def run_once(
    argv: list[str], cwd: Path, env: dict[str, str], before: Callable[[], None] | None = None
) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS in MB and exit status of one fresh process (``before``
    runs first, untimed)."""
    if before is not None:
        before()
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: nobody reads it while it runs
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:  # say why, or a failed run is only a short time in the table
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            command = " ".join(argv[-2:])
            print(f"  failed ({proc.returncode}): {command}: " + " | ".join(tail), file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, proc.returncode  # ru_maxrss is in KB on Linux


def measure(
    name: str,
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    repeat: int,
    before: Callable[[], None] | None = None,
) -> Measure:
    runs = [run_once(argv, cwd, env, before) for _ in range(repeat)]
    print(f"  {name}: " + ", ".join(f"{s:.2f}s" for s, _, _, _ in runs), file=sys.stderr)
    return Measure(
        name,
        statistics.median(s for s, _, _, _ in runs),
        statistics.median(c for _, c, _, _ in runs),
        statistics.median(m for _, _, m, _ in runs),
        repeat,
        all(code == 0 for _, _, _, code in runs),
    )


def readnotes_commands() -> list[tuple[str, list[str]]]:
    """(label, arguments) of the commands a reader runs, cheapest first."""
    return [
        ("readnotes --help", ["--help"]),
        ("readnotes list", ["list"]),
        ("readnotes show", ["show", SLUG]),
        ("readnotes flags", ["flags", SLUG]),
        ("readnotes sheet", ["sheet", SLUG, "--out", "sheet.md"]),
        ("readnotes export tmx", ["export", SLUG, "--format", "tmx"]),
        ("readnotes search 연구소", ["search", "연구소"]),
        ("readnotes vocab import (12 notes)", ["vocab", "import", f"raw/{SLUG}.vocab.md"]),
        ("readnotes add (2 KB sample)", ["add", f"raw/{SLUG}.en.md"]),
    ]


def workspace_copy(root: Path, name: str = "ws") -> Path:
    home = root / name
    (home / "raw").mkdir(parents=True)
    for path in (REPO / "raw").glob(f"{SLUG}.*"):
        shutil.copy(path, home / "raw" / path.name)
    return home


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median reported)")
    parser.add_argument("--json", action="store_true", help="print the measures as JSON")
    parser.add_argument(
        "--only", metavar="WORDS", help="only the commands whose label holds WORDS (and the references)"
    )
    args = parser.parse_args(argv)

    python = sys.executable

    def wanted(label: str) -> bool:
        return args.only is None or args.only in label

    readnotes = [python, "-m", "pipeline"]
    env = dict(os.environ, PYTHONPATH=str(REPO))  # this checkout's pipeline, not an installed one
    env.pop("READNOTES_HOME", None)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"  # never the user's own cache
        env["READNOTES_CACHE_DIR"] = str(cache)
        home = workspace_copy(Path(tmp))
        # The workspace needs the article stored once before the read commands mean anything.
        subprocess.run(
            [*readnotes, "-q", "add", f"raw/{SLUG}.en.md"], cwd=home, env=env, check=True, capture_output=True
        )
        if not wanted("vocab import"):  # the first `add` row is the one with the reader's word list
            vocab = [*readnotes, "-q", "vocab", "import", f"raw/{SLUG}.vocab.md"]
            subprocess.run(vocab, cwd=home, env=env, check=True, capture_output=True)
        print("measuring (median of each):", file=sys.stderr)
        bare = measure("bare python", [python, "-c", "pass"], home, env, args.repeat)
        floor = measure("analyzer floor", [python, "-c", FLOOR], home, env, args.repeat)
        results = [bare, floor] + [
            measure(label, [*readnotes, *cmd], home, env, args.repeat)
            for label, cmd in readnotes_commands()
            if wanted(label)
        ]
        # The `add` above re-adds into a workspace with the reader's word list (vocab import ran
        # first), so its tagger loads spaCy; a reader without one needs no spaCy at all.
        plain = workspace_copy(Path(tmp), "plain")
        add = ["add", f"raw/{SLUG}.en.md"]
        label = "readnotes add (2 KB sample, no word list)"
        if wanted(label):
            results.append(measure(label, [*readnotes, *add], plain, env, args.repeat))
        if wanted(label := "readnotes add (2 KB sample, no word list, cold cache)"):
            empty_cache = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
            results.append(measure(label, [*readnotes, *add], plain, env, args.repeat, before=empty_cache))
    if args.json:
        ratios = [
            asdict(m)
            | {
                "x_bare": m.seconds / bare.seconds,
                "x_floor": m.seconds / floor.seconds,
                "cpu_x_bare": m.cpu / bare.cpu,
                "cpu_x_floor": m.cpu / floor.cpu,
            }
            for m in results
        ]
        print(json.dumps(ratios, indent=2))
        return 0
    print(
        "| command | median s | × bare Python | × analyzer floor | CPU s | CPU × bare | CPU × floor "
        "| peak RSS MB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for m in results:
        flag = "" if m.ok else " (failed)"
        print(
            f"| {m.name}{flag} | {m.seconds:.2f} | {m.seconds / bare.seconds:.1f} | "
            f"{m.seconds / floor.seconds:.2f} | {m.cpu:.2f} | {m.cpu / bare.cpu:.1f} | "
            f"{m.cpu / floor.cpu:.2f} | {m.peak_mb:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
