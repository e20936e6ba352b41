"""A reader's library at scale: `list`, `search` and `export --all` with 1,000 articles.

The library is built from the NTREX-128 en-ko dev pairs. A few distinct articles of about 300
sentences (the dev documents in a seeded order, one paragraph per row) go through one `readnotes
add` process with several files, without the encoder, as a user would add them; the rest of the
library is copies of those stored articles under new slugs, made in SQL (every row of every table
that belongs to an article, ids rewritten; the search index fills itself through its triggers).
Only the copying is not what `add` does, and it is reported apart.

Latency is measured in fresh processes, each figure a ratio to references measured in the same
run (the machines are shared): bare Python (`python -c pass`) and the analyzer floor (a Python that
builds Kiwi lean and splits one line, as benchmarks.cli_latency).

    python -m benchmarks.library_scale                      # 1,000 articles, 10 of them distinct
    python -m benchmarks.library_scale --articles 200 --distinct 4 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import data
from benchmarks.cli_latency import FLOOR, run_once

REPO = Path(__file__).resolve().parent.parent
QUERY = "연구소"


def write_articles(directory: Path, count: int, sentences: int = 300) -> list[Path]:
    """``count`` article pairs of about ``sentences`` rows each, the dev documents in a seeded order."""
    docs = data.load_documents()
    paths = []
    for k in range(count):
        order = list(docs)
        random.Random(k).shuffle(order)
        en_rows: list[str] = []
        ko_rows: list[str] = []
        for doc in order:
            if len(en_rows) >= sentences:
                break
            en_rows += doc.en_rows
            ko_rows += doc.ko_rows
        en = directory / f"dev-{k:02d}.en.md"
        (directory / f"dev-{k:02d}.ko.md").write_text(
            f"# 기사 {k}\n\n" + "\n\n".join(ko_rows) + "\n", encoding="utf-8"
        )
        en.write_text(f"# Article {k}\n\n" + "\n\n".join(en_rows) + "\n", encoding="utf-8")
        paths.append(en)
    return paths


def article_tables(con: sqlite3.Connection) -> dict[str, list[str]]:
    """Tables with a slug column (the rows of one article), with their columns."""
    tables = {}
    for (name,) in con.execute("select name from sqlite_master where type = 'table'"):
        if name.startswith("search_terms_fts"):
            continue  # the full-text index, filled by triggers on search_terms
        cols = [r[1] for r in con.execute(f"pragma table_info([{name}])")]
        if "slug" in cols:
            tables[name] = cols
    return tables


def copy_articles(db: Path, total: int) -> int:
    """Copy the stored articles under new slugs until the library holds ``total``; returns copies made."""
    con = sqlite3.connect(db)
    tables = article_tables(con)
    originals = [r[0] for r in con.execute("select slug from articles order by added_at, slug")]
    made = 0
    with con:
        for n in range(total - len(originals)):
            old = originals[n % len(originals)]
            new = f"{old}-copy{n}"
            for table, cols in tables.items():
                exprs = []
                for c in cols:
                    if c == "slug":
                        exprs.append(":new")
                    elif c == "id" or c.endswith("_id"):
                        exprs.append(f"replace([{c}], :old || '/', :new || '/')")  # ids start with the slug
                    elif table == "articles" and c == "title":
                        exprs.append(f"[{c}] || ' (' || :n || ')'")
                    else:
                        exprs.append(f"[{c}]")
                names, values = ", ".join(f"[{c}]" for c in cols), ", ".join(exprs)
                con.execute(
                    f"insert into [{table}] ({names}) select {values} from [{table}] where slug = :old",
                    {"old": old, "new": new, "n": n},
                )
            made += 1
    con.close()
    return made


def readnotes(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "--home", str(home), *args]


def latency(
    homes: dict[int, Path], repeat: int, env: dict[str, str], checkouts: dict[str, Path]
) -> dict[str, dict[int, float]]:
    """Median seconds of each command per library size (and checkout), the references interleaved."""
    runs: dict[str, dict[int, list[float]]] = {}
    for _ in range(repeat):
        for size, home in homes.items():
            commands = [("bare python", [sys.executable, "-c", "pass"], REPO)]
            commands.append(("analyzer floor", [sys.executable, "-c", FLOOR], REPO))
            for code_name, code in checkouts.items():
                suffix = f" ({code_name})" if len(checkouts) > 1 else ""
                commands.append((f"list{suffix}", readnotes(home, "list"), code))
                commands.append((f"search {QUERY}{suffix}", readnotes(home, "search", QUERY), code))
            for name, argv, cwd in commands:
                seconds, _, code = run_once(argv, cwd, env)
                if code:
                    raise SystemExit(f"{' '.join(argv)} failed ({code})")
                runs.setdefault(name, {}).setdefault(size, []).append(seconds)
    return {name: {size: statistics.median(s) for size, s in by.items()} for name, by in runs.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--distinct", type=int, default=10, help="articles added by `add`; the rest are copies")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--export-sizes", default="10,100,1000")
    ap.add_argument("--keep", type=Path, help="build the libraries in this (new) folder and keep them")
    ap.add_argument("--baseline", type=Path, help="another checkout whose list and search run alternately")
    args = ap.parse_args(argv)
    env = os.environ | {"READNOTES_SEMANTIC": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        (root / "raw").mkdir()
        files = write_articles(root / "raw", args.distinct)
        one, base = root / "one", root / "base"
        t0 = time.perf_counter()
        seconds, peak, code = run_once(readnotes(base, "-q", "add", *map(str, files)), REPO, env)
        if code:
            raise SystemExit(f"add failed ({code})")
        print(f"add of {args.distinct} articles in one process: {seconds:.1f} s, peak {peak:.0f} MB")
        run_once(readnotes(one, "-q", "add", str(files[0])), REPO, env)
        homes: dict[int, Path] = {1: one}
        for size in sorted({args.distinct, args.articles, *map(int, args.export_sizes.split(","))}):
            if size < args.distinct:
                continue
            home = root / f"lib{size}"
            shutil.copytree(base, home)
            t0 = time.perf_counter()
            made = copy_articles(home / "notes.db", size)
            print(f"library of {size:,}: {made:,} copies in {time.perf_counter() - t0:.1f} s", flush=True)
            homes[size] = home
        big = max(homes)
        checkouts = {"this": REPO} if args.baseline is None else {"baseline": args.baseline, "this": REPO}
        times = latency({1: homes[1], big: homes[big]}, args.repeat, env, checkouts)
        print(
            f"\n| command | 1 article: s | {big:,} articles: s | × bare Python (1 → {big:,}) "
            f"| × analyzer floor (1 → {big:,}) |"
        )
        print("| --- | --- | --- | --- | --- |")
        for name, by in times.items():
            bare, floor = times["bare python"], times["analyzer floor"]
            print(
                f"| {name} | {by[1]:.2f} | {by[big]:.2f} | {by[1] / bare[1]:.1f} → {by[big] / bare[big]:.1f} "
                f"| {by[1] / floor[1]:.2f} → {by[big] / floor[big]:.2f} |"
            )
        print("\n| articles | export --all --format tsv: s | md: s | s per article (md) |")
        print("| --- | --- | --- | --- |")
        for size in (int(s) for s in args.export_sizes.split(",")):
            if size not in homes:
                continue
            tsv, _, code_tsv = run_once(
                readnotes(homes[size], "-q", "export", "--all", "--format", "tsv"), REPO, env
            )
            md, _, code_md = run_once(
                readnotes(homes[size], "-q", "export", "--all", "--format", "md"), REPO, env
            )
            if code_tsv or code_md:
                raise SystemExit(f"export --all failed at {size}")
            print(f"| {size:,} | {tsv:.1f} | {md:.1f} | {md / size:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
