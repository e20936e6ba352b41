"""Screenshots of the desk for the README: library, reader, review, on the bundled sample.

    python tests/desk_screenshots.py docs

Builds a workspace from raw/ in a temporary folder (add the sample, import its word list), serves
it on 127.0.0.1 and photographs three pages in headless Chromium.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

# This checkout's tests and package (not another checkout's that is installed in the environment).
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from desk_browser import browser_missing, browser_page, served  # noqa: E402

from pipeline.cli import cli  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def sample_workspace(home: Path) -> Path:
    shutil.copytree(ROOT / "raw", home / "raw")
    for args in (["add", "raw/karpathy-2025.en.md"], ["vocab", "import", "raw/karpathy-2025.vocab.md"]):
        result = CliRunner().invoke(
            cli, ["--home", str(home), "-q", *args[:1], *args[1:-1], str(home / args[-1])]
        )
        assert result.exit_code == 0, result.output
    return home


def main(out: Path) -> None:
    problem = browser_missing()
    if problem:
        sys.exit(f"Error: cannot take screenshots: {problem}")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, served(sample_workspace(Path(tmp) / "notes")) as url:
        with browser_page(1280, 860) as page:
            page.goto(url + "/?q=연구소")  # the library, under a search of both languages
            page.screenshot(path=str(out / "serve-library.png"))
            page.goto(url + "/a/karpathy-2025")
            # The pair with three flagged glosses, and the word list beside it.
            page.evaluate(
                "window.scrollTo(0, [...document.querySelectorAll('.pair')]"
                ".find(p => p.querySelectorAll('mark.flag').length > 2).offsetTop - 200)"
            )
            page.screenshot(path=str(out / "serve-reader.png"))
            page.goto(url + "/review?slug=karpathy-2025")
            page.screenshot(path=str(out / "serve-review.png"))
    for name in ("serve-library.png", "serve-reader.png", "serve-review.png"):
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
