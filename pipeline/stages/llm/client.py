"""A chat-completions client for any OpenAI-compatible server: hosted, Ollama, llama.cpp, vLLM.

Why httpx and not the ``openai`` package: we call one endpoint (``POST {base}/chat/completions``)
and need one retry policy and one deadline that we control. The ``openai`` client brings pydantic
and its own retry loop (which would have to be switched off to keep our backoff, our overall
deadline and our honest error), and like every HTTP client its timeouts are per read, so a server
that drips a byte a second never times out. With httpx we stream the body and stop at a wall-clock
limit per request. httpx is already installed with spaCy's tooling, and loads on the first request.
"""

from __future__ import annotations

import functools
import json
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.stages.llm.errors import (
    KEY_VAR,
    MODEL_VAR,
    URL_VAR,
    LLMError,
    LLMNotConfigured,
    LLMRefused,
    LLMUnreachable,
)

if TYPE_CHECKING:
    import ssl


@dataclass(frozen=True)
class LLMSettings:
    """Where to send, and how long to wait. ``sleep`` and ``clock`` are injectable for tests."""

    url: str  # base URL, ending before /chat/completions
    model: str
    api_key: str = ""
    timeout: float = 180.0  # wall seconds for one request, first byte to last (local 7B models are slow)
    connect_timeout: float = 5.0
    attempts: int = 4  # tries per request, the first included
    backoff: float = 1.0  # first wait before a retry; doubles each time, plus up to as much jitter
    max_backoff: float = 30.0
    deadline: float = 1800.0  # wall seconds for a whole run; what was answered by then is kept
    batch_size: int = 6  # pairs per request: small enough for a 7-8B model to keep track of ids
    sleep: Callable[[float], None] = lambda seconds: time.sleep(seconds)  # noqa: E731 (patchable)
    clock: Callable[[], float] = lambda: time.monotonic()  # noqa: E731

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        """READNOTES_LLM_URL and _MODEL (required), _API_KEY, and the numbers _TIMEOUT, _ATTEMPTS,
        _BACKOFF, _DEADLINE, _BATCH."""
        env = os.environ if env is None else env
        url, model = env.get(URL_VAR, "").strip(), env.get(MODEL_VAR, "").strip()
        if not url or not model:
            missing = " and ".join(v for v, value in ((URL_VAR, url), (MODEL_VAR, model)) if not value)
            raise LLMNotConfigured(f"the LLM reviewer needs {missing}")
        values: dict[str, Any] = {"url": url.rstrip("/"), "model": model, "api_key": env.get(KEY_VAR, "")}
        for name, key, kind in (
            ("timeout", "READNOTES_LLM_TIMEOUT", float),
            ("attempts", "READNOTES_LLM_ATTEMPTS", int),
            ("backoff", "READNOTES_LLM_BACKOFF", float),
            ("deadline", "READNOTES_LLM_DEADLINE", float),
            ("batch_size", "READNOTES_LLM_BATCH", int),
        ):
            if env.get(key):
                try:
                    values[name] = kind(env[key])
                except ValueError:
                    raise LLMError(f"{key}={env[key]!r} is not a number") from None
        return cls(**values)


class _Transient(Exception):
    """A failure worth retrying: becomes LLMUnreachable when the tries or the deadline run out."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.wait = reason, wait


@dataclass
class ChatClient:
    """One model behind one base URL. ``complete`` returns the assistant message's content."""

    settings: LLMSettings
    json_mode: bool = True  # response_format JSON mode, dropped once if the server refuses it
    requests: int = 0  # attempts made, for reports and tests
    _started: float | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"{self.settings.url}/chat/completions"

    def remaining(self) -> float:
        """Seconds left before the run's overall deadline."""
        if self._started is None:
            self._started = self.settings.clock()
        return self.settings.deadline - (self.settings.clock() - self._started)

    def complete(self, messages: list[dict[str, str]]) -> str:
        s = self.settings
        tries = 0
        while True:
            if self.remaining() <= 0:
                raise LLMUnreachable(s.url, f"the overall deadline of {s.deadline:g} s passed", tries)
            tries += 1
            try:
                return self._attempt(messages)
            except _Transient as e:
                if self.remaining() <= 0:
                    raise LLMUnreachable(
                        s.url, f"the overall deadline of {s.deadline:g} s passed", tries
                    ) from None
                if tries >= s.attempts:
                    raise LLMUnreachable(s.url, e.reason, tries) from None
                wait = e.wait if e.wait is not None else s.backoff * 2 ** (tries - 1)
                wait = min(wait, s.max_backoff) + random.uniform(0, s.backoff)
                if wait >= self.remaining():
                    raise LLMUnreachable(s.url, e.reason, tries) from None
                s.sleep(wait)

    def _attempt(self, messages: list[dict[str, str]]) -> str:
        import httpx

        s = self.settings
        body: dict[str, Any] = {"model": s.model, "messages": messages, "temperature": 0}
        if self.json_mode:
            body["response_format"] = {"type": "json_object"}
        headers = {"Authorization": f"Bearer {s.api_key}"} if s.api_key else {}
        limit = min(s.timeout, max(self.remaining(), 0.1))
        stop_at = s.clock() + limit
        self.requests += 1
        try:
            timeout = httpx.Timeout(limit, connect=min(s.connect_timeout, limit))
            with httpx.Client(timeout=timeout, verify=_tls_context()) as http:
                with http.stream("POST", self.endpoint, json=body, headers=headers) as response:
                    chunks = []
                    for chunk in response.iter_bytes():
                        chunks.append(chunk)
                        if s.clock() > stop_at:  # a server that drips bytes never hits a read timeout
                            raise _Transient(f"no complete answer within {limit:.3g} s")
                    raw = b"".join(chunks)
        except httpx.TimeoutException:
            raise _Transient(f"no answer within {limit:.3g} s") from None
        except httpx.ConnectError as e:
            refused = "refused" in str(e).lower()
            raise _Transient("connection refused" if refused else f"cannot connect ({e})") from None
        except httpx.TransportError as e:
            raise _Transient(f"{type(e).__name__} while reading the answer") from None
        return self._content(response, raw, messages)

    def _content(self, response: Any, raw: bytes, messages: list[dict[str, str]]) -> str:
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = response.headers.get("retry-after", "")
            wait = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None
            kind = "too many requests" if status == 429 else "server error"
            raise _Transient(f"HTTP {status} ({kind})", wait)
        if status == 400 and self.json_mode and b"response_format" in raw:
            self.json_mode = False  # an older server: ask again without JSON mode, parse tolerantly
            return self._attempt(messages)
        if status >= 400:
            hint = {
                401: f"; check {KEY_VAR}",
                403: f"; check {KEY_VAR}",
                404: f"; check {URL_VAR} and {MODEL_VAR}",
            }
            raise LLMRefused(f"the LLM server refused the request: HTTP {status}{hint.get(status, '')}")
        try:
            return str(json.loads(raw)["choices"][0]["message"]["content"] or "")
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMRefused(
                f"the answer from {self.endpoint} is not a chat completion; "
                f"check {URL_VAR} (it should end in /v1)"
            ) from None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings, built once per process: each new Client otherwise reads the CA
    bundle again (about 70 ms a request)."""
    import httpx

    return httpx.create_ssl_context()
