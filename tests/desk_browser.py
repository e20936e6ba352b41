"""The desk served for real on 127.0.0.1 (a free port, a thread), and headless Chromium to drive it.

Used by the browser tests and by `python tests/desk_screenshots.py`. Chromium is the system's
(Debian's `chromium`): Playwright drives it through executable_path and never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium, or $READNOTES_CHROMIUM."""
    return os.environ.get("READNOTES_CHROMIUM") or next(
        (p for name in ("chromium", "chromium-browser") if (p := shutil.which(name))), None
    )


def browser_missing() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "no chromium on PATH (apt-get install chromium)"
    return ""


@contextmanager
def served(home: Path, **options: object) -> Iterator[str]:
    """The desk over `home` (create_app's `options`), served by uvicorn in a thread; yields its base URL."""
    import uvicorn

    from pipeline.web import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(create_app(home, **options), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def browser_page(width: int = 1280, height: int = 900, **options: object) -> Iterator[object]:
    """A page of headless Chromium (playwright's sync API); `options` as new_page's (has_touch=True)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, **options)
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()
