"""Startup of the light commands, this checkout against another one, interleaved.

`benchmarks.cli_latency` takes a median of a few runs per command, one command after the other, so
on a shared machine its ratio to bare Python moves with whatever else runs. Here every round runs
bare Python and then each command under both checkouts in turn, many rounds, and reports medians:
the two checkouts see the same load.

    git archive BASE | tar -x -C /some/dir          # the checkout to compare against
    python -m benchmarks.cli_startup_ab /some/dir --rounds 21
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.cli_latency import REPO, SLUG, workspace_copy

COMMANDS: dict[str, list[str]] = {
    "readnotes --help": ["--help"],
    "readnotes list": ["list"],
    "readnotes show": ["show", SLUG],
    "readnotes flags": ["flags", SLUG],
    "readnotes sheet": ["sheet", SLUG, "--out", "sheet.md"],
    "readnotes export tmx": ["export", SLUG, "--format", "tmx"],
    "readnotes vocab --help": ["vocab", "--help"],
}


def seconds(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="the other checkout (its root folder)")
    parser.add_argument("--rounds", type=int, default=21, help="rounds (medians reported)")
    args = parser.parse_args(argv)

    python = sys.executable
    trees = {"before": args.before.resolve(), "after": REPO}
    envs = {name: dict(os.environ, PYTHONPATH=str(tree)) for name, tree in trees.items()}
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = workspace_copy(Path(tmp))
        add = [python, "-m", "pipeline", "-q", "add", f"raw/{SLUG}.en.md"]
        subprocess.run(add, cwd=home, env=envs["after"], check=True, capture_output=True)
        for _ in range(args.rounds):
            times.setdefault(("bare", ""), []).append(seconds([python, "-c", "pass"], home, dict(os.environ)))
            for label, command in COMMANDS.items():
                for name, env in envs.items():
                    run = [python, "-m", "pipeline", *command]
                    times.setdefault((name, label), []).append(seconds(run, home, env))
    bare = statistics.median(times[("bare", "")])
    print(f"bare Python: {bare * 1000:.0f} ms (median of {args.rounds})\n")
    print("| command | before ms | after ms | before × bare | after × bare |")
    print("| --- | --- | --- | --- | --- |")
    for label in COMMANDS:
        before, after = (statistics.median(times[(name, label)]) for name in ("before", "after"))
        ms = f"{before * 1000:.0f} | {after * 1000:.0f}"
        print(f"| `{label}` | {ms} | {before / bare:.2f} | {after / bare:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
