"""The desk's rules for a server on the reader's own machine, as ASGI middleware and one form check.

- Host: a request must name the bound address or localhost (starlette's TrustedHostMiddleware,
  which answers 400), so a page on another site cannot reach the server by DNS rebinding.
- Origin: a request that changes something (any method but GET, HEAD, OPTIONS) is refused (403)
  when its Origin, or without one its Referer, is another origin than the server's own.
- CSRF: every form that changes something carries a token derived from a secret made when the
  server starts; `checked_form` refuses (403) a form without it. Another site can neither read the
  token (same-origin policy) nor reach the server under its own name (the Host rule).
- Size: a request body over the limit is refused (413) while it arrives, before it is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Names a server on the reader's machine answers to, besides the address it is bound to.
LOCAL_NAMES = ("localhost", "127.0.0.1")
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Guard:
    """The per-server secret and the host names the server answers to."""

    hosts: tuple[str, ...] = LOCAL_NAMES
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @property
    def csrf_token(self) -> str:
        # Derived, not the secret itself: the token appears in every page.
        return hmac.new(self.secret, b"readnotes-desk-csrf", hashlib.sha256).hexdigest()

    def token_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token)


def url_host(address: str) -> str:
    """An address as a URL and a Host header name it: an IPv6 literal in brackets ([::1])."""
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


def allowed_hosts(bound: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """localhost names, the bound address (unless it is a wildcard, which no Host header names)
    and any names given with --allow-host; IPv6 literals as a Host header writes them."""
    wildcard = bound in ("0.0.0.0", "::", "")
    names = [*LOCAL_NAMES, *extra, *([] if wildcard else [bound])]
    return tuple(dict.fromkeys(url_host(n) for n in names))


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


class SameOriginMiddleware:
    """403 for a state-changing request whose Origin (or Referer) is not this server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            request = Request(scope)
            own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
            origin = request.headers.get("origin")
            referer = request.headers.get("referer")
            claimed = _origin_of(origin) if origin and origin != "null" else None
            if origin == "null" or (claimed is not None and claimed != own):
                return await _refuse(scope, receive, send, "Refused: the request comes from another site.")
            if claimed is None and referer and _origin_of(referer) != own:
                return await _refuse(scope, receive, send, "Refused: the request comes from another site.")
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """413 for a body over `limit` bytes, by its Content-Length or while it streams in."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers", [])).get(b"content-length", b"0")
        too_big = f"Refused: the upload is larger than {self.limit // (1024 * 1024)} MiB."
        if length.isdigit() and int(length) > self.limit:
            return await _refuse(scope, receive, send, too_big, 413)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413, too_big)
            return message

        await self.app(scope, counted, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, text: str, status: int = 403) -> None:
    await PlainTextResponse(text, status_code=status)(scope, receive, send)


async def checked_form(request: Request, guard: Guard, max_part_size: int) -> FormData:
    """The request's form, once its CSRF token (field or header) is the server's; else 403."""
    form = await request.form(max_part_size=max_part_size)
    token = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not guard.token_ok(token if isinstance(token, str) else None):
        raise HTTPException(403, "Refused: the form's security token is missing or stale. Reload the page.")
    return form
