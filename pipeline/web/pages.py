"""The desk's pages: library (with search), reader, review queue, add. Each handler reads its input,
calls the app (in a worker thread: the app blocks) and renders a template; every change is a POST
whose form passed security.checked_form, answered with a redirect (303) back to a page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pipeline import app
from pipeline.app import desk
from pipeline.errors import ReadnotesError
from pipeline.models import FLAG_STATUSES, SEVERITIES, VOCAB_STATUSES, Flag
from pipeline.store.connect import DatabaseProblem
from pipeline.web.security import checked_form
from pipeline.workspace import NoWorkspace, Workspace

#: Review actions the desk offers, as `readnotes review` names them, with their keyboard keys.
REVIEW_KEYS = {"a": "accept", "d": "dismiss", "f": "fix", "n": "note"}
#: On-demand lookups about the shown pair, with their keys (as the terminal review's b and l).
LOOKUP_KEYS = {"b": "back", "l": "llm"}
#: Cards on one review page, and decided flags listed under it: a page of a large library's queue
#: stays quick to load; the next cards come as these are decided.
QUEUE_PAGE = 50
DECIDED_SHOWN = 100


def status_of(error: ReadnotesError) -> int:
    """The HTTP status for an error the reader can fix (4xx) or the server cannot (500)."""
    if isinstance(error, DatabaseProblem):
        return 500
    if isinstance(error, LookupError | NoWorkspace):
        return 404
    if type(error).__name__.endswith("Taken"):  # desk.NameTaken, ingest.SlugTaken
        return 409
    return 400


def _desk(request: Request) -> Any:
    return request.app.state.desk


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    desk_state = _desk(request)
    context = {
        "csrf_token": desk_state.guard.csrf_token,
        "home": str(desk_state.home),
        "severities": SEVERITIES,
        "statuses": FLAG_STATUSES,
        "vocab_statuses": VOCAB_STATUSES,
    } | context
    return desk_state.templates.TemplateResponse(request, name, context, status_code=status_code)


async def call(request: Request, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run an app function in a worker thread with that thread's workspace."""
    desk_state = _desk(request)
    return await run_in_threadpool(lambda: fn(desk_state.workspace(), *args, **kwargs))


def local_path(target: str | None, default: str) -> str:
    """Where to go after a POST: a path on this server only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def back(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


async def form_of(request: Request) -> FormData:
    return await checked_form(request, _desk(request).guard, _desk(request).max_part)


# --- library and search ------------------------------------------------------------------------


def _library(ws: Workspace, query: str) -> tuple[list[dict], list, str]:
    articles = desk.library(ws) if ws.db_path.exists() else []
    results, problem = [], ""
    if query.strip() and articles:
        try:
            results = app.search(ws, query)
        except ReadnotesError as e:  # an empty query after normalising: say so on the page
            problem = e.user_message()
    return articles, results, problem


async def library(request: Request) -> Response:
    query = request.query_params.get("q", "")
    articles, results, problem = await call(request, _library, query)
    status = 400 if problem else 200
    context = {"articles": articles, "query": query, "results": results, "problem": problem}
    return render(request, "library.html", context, status)


# --- reader ------------------------------------------------------------------------------------


async def reader(request: Request) -> Response:
    slug = request.path_params["slug"]
    view = await call(request, desk.reader, slug)
    return render(request, "reader.html", {"reader": view, "slug": slug})


async def print_sheet(request: Request) -> Response:
    layout = request.query_params.get("layout", "side")
    if layout not in ("side", "interleaved"):
        raise HTTPException(400, "layout is side or interleaved")
    page = await call(request, desk.print_sheet, request.path_params["slug"], layout)
    # The sheet opens the print dialog itself (a script file: the page's policy allows no inline script).
    page = page.replace("</body>", '<script src="/static/print.js"></script>\n</body>')
    return HTMLResponse(page)


async def vocab_status(request: Request) -> Response:
    form = await form_of(request)
    term, status = str(form.get("term", "")), str(form.get("status", ""))
    await call(request, app.set_vocab_status, term, status)
    return back(local_path(str(form.get("next", "")), "/"))


# --- review ------------------------------------------------------------------------------------


@dataclass
class Card:
    """A flag in the review queue, with what the page offers about it."""

    flag: Flag
    promotion: Any = None  # desk.Promotion offered after a fix
    other_term: str = ""  # the term a fix names, when it is not the flag's (confirm to save)
    pending_fix: str = ""
    lookups: list = field(default_factory=list)  # desk.PairLookup answers to show under the flag


def _queue(ws: Workspace, slug: str | None, include_info: bool) -> tuple[list, list]:
    if not ws.db_path.exists() and not slug:  # a new workspace: nothing to review yet, not an error
        return [], []
    open_flags = app.review_queue(ws, slug, include_info)
    decided = [f for f in app.flag_views(ws, slug) if f.status != "open"]
    return open_flags, decided


async def review_page(request: Request) -> Response:
    slug = request.query_params.get("slug") or None
    return await _queue_page(request, slug, request.query_params.get("info") == "1")


async def _queue_page(
    request: Request,
    slug: str | None,
    include_info: bool,
    cards: dict[str, Card] | None = None,
    status_code: int = 200,
    focus: str = "",
) -> Response:
    open_flags, decided = await call(request, _queue, slug, include_info)
    cards = cards or {}
    promote = request.query_params.get("promote")
    if promote:
        flag = await call(request, desk.find_flag, promote, slug)
        offer = desk.promotion_offer(flag)
        if offer is not None:
            cards[flag.fingerprint] = Card(flag, promotion=offer)
    # The first page of the queue, and any card this answer is about (a lookup, a question) beyond it.
    shown = open_flags[:QUEUE_PAGE] + [f for f in open_flags[QUEUE_PAGE:] if f.fingerprint in cards]
    latest = sorted(decided, key=lambda f: f.decided_at or "", reverse=True)[:DECIDED_SHOWN]
    context = {
        "slug": slug,
        "include_info": include_info,
        "queue": [cards.get(f.fingerprint) or Card(f) for f in shown],
        "open_total": len(open_flags),
        "open_by_article": Counter(f.slug for f in open_flags) if len(shown) < len(open_flags) else {},
        "offers": [c for c in cards.values() if c.promotion is not None],
        "decided": latest,
        "decided_total": len(decided),
        "keys": REVIEW_KEYS,
        "lookups": desk.LOOKUPS,
        "focus": focus or (next(iter(cards)) if cards else ""),
        "subject": desk.flag_subject,
    }
    return render(request, "review.html", context, status_code)


def _review_url(slug: str, include_info: bool, **extra: str) -> str:
    params = {k: v for k, v in {"slug": slug, "info": "1" if include_info else ""}.items() if v} | extra
    return "/review" + (f"?{urlencode(params)}" if params else "")


async def decide(request: Request) -> Response:
    form = await form_of(request)
    flag_id = request.path_params["flag_id"]
    slug, include_info = str(form.get("slug", "")), form.get("info") == "1"
    flag = await call(request, desk.find_flag, flag_id, slug or None)
    action, text = str(form.get("action", "")), str(form.get("text", ""))
    before = await call(request, _open_ids, slug or None, include_info)
    result = await call(request, desk.decide_flag, flag, action, text, form.get("confirm") == "1")
    if not result.saved:  # the fix names another term: ask before saving (the terminal asks y/n)
        card = Card(flag, other_term=result.other_term, pending_fix=text.strip())
        return await _queue_page(request, slug or None, include_info, {flag.fingerprint: card}, 409)
    extra = {"promote": flag.fingerprint} if result.promotion is not None else {}
    after = await call(request, _open_ids, slug or None, include_info)
    anchor = _next_card(before, after, flag.fingerprint)
    return back(_review_url(slug, include_info, **extra) + (f"#flag-{quote(anchor[:12])}" if anchor else ""))


def _open_ids(ws: Workspace, slug: str | None, include_info: bool) -> list[str]:
    return [f.fingerprint for f in app.review_queue(ws, slug, include_info)]


def _next_card(before: list[str], after: list[str], decided: str) -> str:
    """The card to go on with after a decision: the next one still open, as the terminal queue moves
    on (a noted flag stays open, behind), else the one before it, else the flag itself."""
    still_open = set(after)
    at = before.index(decided) if decided in before else -1
    following = [f for f in before[at + 1 :] if f in still_open]
    preceding = [f for f in reversed(before[: max(at, 0)]) if f in still_open]
    return next(iter(following or preceding or [f for f in [decided] if f in still_open]), "")


async def look_up(request: Request) -> Response:
    """Back-translation or the LLM reviewer on a flag's pair (b, l): the queue again, with the answer
    (or what went wrong) under that flag. The page's script puts just that part in place."""
    form = await form_of(request)
    slug, include_info = str(form.get("slug", "")), form.get("info") == "1"
    flag = await call(request, desk.find_flag, request.path_params["flag_id"], slug or None)
    kind = str(form.get("kind", ""))
    answer = await call(request, desk.look_up_pair, flag, kind, _desk(request).translator)
    card = Card(flag, lookups=[answer])
    return await _queue_page(request, slug or None, include_info, {flag.fingerprint: card}, answer.status)


async def promote(request: Request) -> Response:
    form = await form_of(request)
    slug, include_info = str(form.get("slug", "")), form.get("info") == "1"
    flag = await call(request, desk.find_flag, request.path_params["flag_id"], slug or None)
    offer = desk.promotion_offer(flag)
    choice = str(form.get("choice", "no"))
    if offer is None or choice not in ("accept", "forbid", "both", "no"):
        raise HTTPException(400, "nothing to add to the term base for this flag")
    if choice != "no":
        await call(request, app.promote, offer, choice in ("accept", "both"), choice in ("forbid", "both"))
    return back(_review_url(slug, include_info))


# --- adding an article -------------------------------------------------------------------------


async def add_form(request: Request) -> Response:
    return render(request, "add.html", {"pasted": desk.Pasted(""), "problem": ""})


async def _side(form: FormData, name: str) -> tuple[str, str]:
    """A side's text and file suffix: the uploaded file when one was chosen, else the pasted text."""
    upload = form.get(f"{name}_file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
        if suffix not in (".md", ".markdown", ".txt"):
            raise desk.BadPaste(f"{upload.filename} is not a .md or .txt file", hint="Choose a text file.")
        try:
            text, _ = await run_in_threadpool(desk.decode_upload, data)
        except ReadnotesError as e:
            e.path = upload.filename
            raise
        return text, suffix
    return str(form.get(name, "")), ""


async def add_start(request: Request) -> Response:
    form = await form_of(request)
    pasted = desk.Pasted(str(form.get("en", "")), str(form.get("ko", "")))
    try:
        pasted.en, pasted.en_suffix = await _side(form, "en")
        pasted.ko, pasted.ko_suffix = await _side(form, "ko")
        pasted.slug = str(form.get("slug", ""))
        pasted.fmt = str(form.get("format", "text"))
        pasted.translate_with = "google" if form.get("translate") == "1" and not pasted.ko.strip() else ""
        await call(request, desk.check_pasted, pasted)
    except ReadnotesError as e:
        status = _desk(request).status_of(e)
        return render(request, "add.html", {"pasted": pasted, "problem": e.user_message()}, status)
    job = _desk(request).jobs.start(pasted)
    return back(f"/add/jobs/{job.id}")


async def add_job(request: Request) -> Response:
    job = _desk(request).jobs.get(request.path_params["job_id"])
    if job is None:
        raise HTTPException(404, "no such add job (the server was restarted?)")
    if request.url.path.endswith("/status"):
        return JSONResponse(job.to_json())
    if job.state == "done":
        return back(f"/a/{quote(job.slug)}")
    if job.state == "failed":
        return render(request, "add.html", {"pasted": job.pasted, "problem": job.error}, job.status_code)
    return render(request, "job.html", {"job": job})
