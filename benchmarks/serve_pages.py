"""How the desk's pages grow with the library: each page timed over a workspace of 1 article and of
N articles (the bundled sample added N times under new names, its word list imported), in one run.

*server* is a GET through the app in process (starlette's TestClient: the page read from notes.db
and rendered, no socket); *browser* is headless Chromium's navigation to the `load` event against the
desk served for real (uvicorn on 127.0.0.1, a thread): sent, parsed, styled, scripts run. The
browser figures need Chromium and Playwright, and are left out without them.
Each figure is the median of a few repeats after one warm-up.

    python -m benchmarks.serve_pages                 # 1 and 100 articles, a table
    python -m benchmarks.serve_pages --articles 30 --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from desk_browser import browser_missing, browser_page, served  # noqa: E402

#: The pages a reader opens, by what they are called in the table.
PAGES = {
    "library": "/",
    "search 연구소": "/?q=" + quote("연구소"),
    "reader": "/a/{slug}",
    "review, every article": "/review",
    "review, one article": "/review?slug={slug}",
}


def workspace(home: Path, articles: int) -> str:
    """`articles` copies of the sample in `home`, its word list imported; the slug of one of them."""
    from pipeline import app
    from pipeline.app import desk
    from pipeline.workspace import Workspace

    en = (REPO / "raw/karpathy-2025.en.md").read_text(encoding="utf-8")
    ko = (REPO / "raw/karpathy-2025.ko.md").read_text(encoding="utf-8")
    ws = Workspace(home)
    slugs = [desk.add_pasted(ws, desk.Pasted(en, ko, f"sample-{k:03d}", "markdown")) for k in range(articles)]
    app.import_vocab(ws, REPO / "raw/karpathy-2025.vocab.md")
    ws.db.close()
    return slugs[len(slugs) // 2]


def timed(fetch, repeats: int) -> float:
    fetch()  # warm-up: templates compiled, caches filled
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fetch()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(home: Path, slug: str, repeats: int, browser: bool) -> dict[str, dict[str, float]]:
    from starlette.testclient import TestClient

    from pipeline.web import create_app

    out: dict[str, dict[str, float]] = {}
    # The app in process: no socket, whose loopback delays (up to 40 ms) would swamp the page's own.
    with TestClient(create_app(home), base_url="http://127.0.0.1") as client:
        for name, page_path in PAGES.items():
            path = page_path.format(slug=slug)
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            out[name] = {
                "server": timed(lambda p=path: client.get(p), repeats),
                "kib": len(answer.content) / 1024,
            }
    if browser:
        with served(home) as url, browser_page() as page:
            for name, path in PAGES.items():
                target = url + path.format(slug=slug)
                out[name]["browser"] = timed(lambda t=target: page.goto(t, wait_until="load"), repeats)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    browser = not browser_missing()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1, args.articles):
            home = Path(tmp) / f"ws-{n}"
            slug = workspace(home, n)
            results[n] = measure(home, slug, args.repeats, browser)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    few, many = results[1], results[args.articles]
    print(f"| page | 1 article: server / browser | {args.articles} articles: server / browser | size |")
    print("| --- | ---: | ---: | ---: |")
    for name in PAGES:
        cells = []
        for r in (few[name], many[name]):
            ms = f"{r['server'] * 1000:.0f}" + (f" / {r['browser'] * 1000:.0f}" if "browser" in r else "")
            cells.append(ms + " ms")
        print(f"| {name} | {cells[0]} | {cells[1]} | {few[name]['kib']:.0f} → {many[name]['kib']:.0f} KiB |")


if __name__ == "__main__":
    main()
