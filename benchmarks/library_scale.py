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
    python -m benchmarks.library_scale --keep LIBS                # build once and keep, then:
    python -m benchmarks.library_scale --reuse LIBS --queries 연구소,the --baseline OTHER_CHECKOUT
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
    homes: dict[int, Path],
    repeat: int,
    env: dict[str, str],
    checkouts: dict[str, Path],
    queries: tuple[str, ...] = (QUERY,),
) -> dict[str, dict[int, tuple[float, ...]]]:
    """Median wall and CPU seconds of each command per library size (and checkout), the references
    interleaved."""
    runs: dict[str, dict[int, list[tuple[float, float]]]] = {}
    for _ in range(repeat):
        for size, home in homes.items():
            commands = [("bare python", [sys.executable, "-c", "pass"], REPO)]
            commands.append(("analyzer floor", [sys.executable, "-c", FLOOR], REPO))
            for code_name, code in checkouts.items():
                suffix = f" ({code_name})" if len(checkouts) > 1 else ""
                commands.append((f"list{suffix}", readnotes(home, "list"), code))
                for query in queries:
                    commands.append((f"search {query}{suffix}", readnotes(home, "search", query), code))
            for name, argv, cwd in commands:
                seconds, cpu, _, code = run_once(argv, cwd, env)
                if code:
                    raise SystemExit(f"{' '.join(argv)} failed ({code})")
                runs.setdefault(name, {}).setdefault(size, []).append((seconds, cpu))
    return {
        name: {size: tuple(statistics.median(m) for m in zip(*s, strict=True)) for size, s in by.items()}
        for name, by in runs.items()
    }


def print_latency(times: dict[str, dict[int, tuple[float, ...]]], big: int) -> None:
    """Wall seconds (median), and wall and CPU time as multiples of the references of the same run."""
    print(
        f"\n| command | 1 article: s | {big:,} articles: s | × bare Python (1 → {big:,}) "
        f"| × analyzer floor (1 → {big:,}) | CPU × analyzer floor (1 → {big:,}) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    bare, floor = times["bare python"], times["analyzer floor"]
    for name, by in times.items():
        print(
            f"| {name} | {by[1][0]:.2f} | {by[big][0]:.2f} "
            f"| {by[1][0] / bare[1][0]:.1f} → {by[big][0] / bare[big][0]:.1f} "
            f"| {by[1][0] / floor[1][0]:.2f} → {by[big][0] / floor[big][0]:.2f} "
            f"| {by[1][1] / floor[1][1]:.2f} → {by[big][1] / floor[big][1]:.2f} |",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--distinct", type=int, default=10, help="articles added by `add`; the rest are copies")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--export-sizes", default="10,100,1000")
    ap.add_argument("--keep", type=Path, help="build the libraries in this (new) folder and keep them")
    ap.add_argument("--baseline", type=Path, help="another checkout whose list and search run alternately")
    ap.add_argument("--queries", default=QUERY, help="comma-separated search queries to time")
    ap.add_argument(
        "--reuse",
        type=Path,
        help="a folder an earlier --keep run built: time list and search on its libraries",
    )
    args = ap.parse_args(argv)
    env = os.environ | {"READNOTES_SEMANTIC": "0"}
    checkouts = {"this": REPO} if args.baseline is None else {"baseline": args.baseline, "this": REPO}
    queries = tuple(q for q in args.queries.split(",") if q.strip())
    if args.reuse:
        homes = {1: args.reuse / "one", args.articles: args.reuse / f"lib{args.articles}"}
        if not all((home / "notes.db").exists() for home in homes.values()):
            raise SystemExit(
                f"no libraries of 1 and {args.articles:,} articles in {args.reuse}: build them with --keep"
            )
        print_latency(latency(homes, args.repeat, env, checkouts, queries), args.articles)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        (root / "raw").mkdir()
        files = write_articles(root / "raw", args.distinct)
        one, base = root / "one", root / "base"
        t0 = time.perf_counter()
        seconds, _, peak, code = run_once(readnotes(base, "-q", "add", *map(str, files)), REPO, env)
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
        print_latency(latency({1: homes[1], big: homes[big]}, args.repeat, env, checkouts, queries), big)
        print("\n| articles | export --all --format tsv: s | md: s | s per article (md) |")
        print("| --- | --- | --- | --- |")
        for size in (int(s) for s in args.export_sizes.split(",")):
            if size not in homes:
                continue
            tsv, _, _, code_tsv = run_once(
                readnotes(homes[size], "-q", "export", "--all", "--format", "tsv"), REPO, env
            )
            md, _, _, code_md = run_once(
                readnotes(homes[size], "-q", "export", "--all", "--format", "md"), REPO, env
            )
            if code_tsv or code_md:
                raise SystemExit(f"export --all failed at {size}")
            print(f"| {size:,} | {tsv:.1f} | {md:.1f} | {md / size:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
