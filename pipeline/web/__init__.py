"""web: the reading and review desk (`readnotes serve`), a Starlette app over one workspace.

Server-rendered Jinja2 pages (autoescaped) over the same app functions as the commands; a little
plain JavaScript (static/desk.js) adds keyboard shortcuts, the vocabulary popover and the add
progress, and every page also works without it. All assets ship in this package: no CDN.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from pipeline.errors import ReadnotesError
from pipeline.lang.spans import first_occurrence, merged
from pipeline.stages.ingest import MAX_BYTES
from pipeline.web import pages
from pipeline.web.jobs import Jobs
from pipeline.web.pages import status_of
from pipeline.web.security import BodyLimitMiddleware, Guard, SameOriginMiddleware, allowed_hosts
from pipeline.workspace import Workspace

log = logging.getLogger("readnotes.serve")
HERE = Path(__file__).resolve().parent
#: A request carries at most both sides of an article, each up to ingest's limit, and the form.
MAX_BODY = 2 * MAX_BYTES + 64 * 1024
#: Headers on every answer: no framing, no sniffing, scripts and styles from this server only
#: (the printable sheet keeps its inline stylesheet).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@dataclass
class Desk:
    """What the app's handlers share: the workspace folder, the guard, templates and add jobs."""

    home: Path
    guard: Guard
    templates: Jinja2Templates
    jobs: Jobs
    status_of = staticmethod(status_of)
    max_part: int = MAX_BYTES + 1024
    translator: str = "google"  # the provider review's b key asks for back-translations
    _local: threading.local = field(default_factory=threading.local)

    def workspace(self) -> Workspace:
        """This thread's workspace (a SQLite connection belongs to the thread that opened it).
        Reading never creates a notes.db; adding an article does (jobs use their own)."""
        ws = getattr(self._local, "ws", None)
        if ws is None:
            ws = self._local.ws = Workspace(self.home, create=False)
        return ws


def cut(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Text as (piece, marked) runs, for a template to mark the spans with tags of its own."""
    out, cursor = [], 0
    for start, end in merged(spans):
        start, end = max(start, cursor), min(end, len(text))
        if start < end:
            out += [(text[cursor:start], False), (text[start:end], True)]
            cursor = end
    return [p for p in [*out, (text[cursor:], False)] if p[0]]


def evidence(text: str, needle: str) -> list[tuple[str, bool]]:
    """Text with the first occurrence of a flag's evidence marked."""
    return cut(text, first_occurrence(text, needle.strip()))


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.web", "templates"),
        autoescape=True,  # every .html template: article text is always escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cut=cut, evidence=evidence)
    return Jinja2Templates(env=env)


async def _error_page(request: Request, exc: Exception) -> Response:
    """One page for every failure: what happened and what to do, with the right status; never a traceback."""
    what = ""
    if isinstance(exc, ReadnotesError):
        status, message = status_of(exc), exc.user_message()
        what = (type(exc).__doc__ or "").strip().partition("\n")[0]  # "No such term (or alias) in …"
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, str(exc.detail)
    else:
        log.error("request %s %s failed", request.method, request.url.path, exc_info=exc)
        status = 500
        message = f"Something went wrong ({type(exc).__name__}). The server's terminal has the details."
    desk: Desk = request.app.state.desk
    context = {
        "what": what,
        "message": message,
        "status": status,
        "csrf_token": desk.guard.csrf_token,
        "home": str(desk.home),
    }
    return desk.templates.TemplateResponse(request, "error.html", context, status_code=status)


async def _security_headers(request: Request, call_next) -> Response:  # noqa: ANN001
    response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    return response


def create_app(
    home: Path, bound: str = "127.0.0.1", extra_hosts: tuple[str, ...] = (), translator: str = "google"
) -> Starlette:
    """The desk over the workspace in `home`; it answers to localhost and the bound address only.
    `translator` is the provider asked for a flagged pair's back-translation."""
    from starlette.middleware.base import BaseHTTPMiddleware

    guard = Guard(hosts=allowed_hosts(bound, extra_hosts))
    routes = [
        Route("/", pages.library),
        Route("/a/{slug}", pages.reader),
        Route("/a/{slug}/print", pages.print_sheet),
        Route("/vocab/status", pages.vocab_status, methods=["POST"]),
        Route("/review", pages.review_page),
        Route("/review/{flag_id}", pages.decide, methods=["POST"]),
        Route("/review/{flag_id}/promote", pages.promote, methods=["POST"]),
        Route("/review/{flag_id}/lookup", pages.look_up, methods=["POST"]),
        Route("/add", pages.add_form),
        Route("/add", pages.add_start, methods=["POST"]),
        Route("/add/jobs/{job_id}", pages.add_job),
        Route("/add/jobs/{job_id}/status", pages.add_job),
        Mount("/static", StaticFiles(packages=[("pipeline.web", "static")]), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(guard.hosts)),
        Middleware(SameOriginMiddleware),
        Middleware(BodyLimitMiddleware, limit=MAX_BODY),
        Middleware(BaseHTTPMiddleware, dispatch=_security_headers),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={Exception: _error_page, HTTPException: _error_page, ReadnotesError: _error_page},
    )
    app.state.desk = Desk(Path(home), guard, _templates(), Jobs(Path(home), status_of), translator=translator)
    return app
