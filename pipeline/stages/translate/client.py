"""The client: one provider in one direction, with a timeout, retries and a rate limit per request,
and a wall-clock deadline per request and per run.

deep-translator sets no timeout and hides transport errors, so its provider modules get a stand-in
for ``requests`` (``_TimedRequests``) that adds both. ``requests``' timeout bounds each socket read,
so a server that drips a byte a second would never hit it: every request also has a wall-clock limit
(``request_deadline``), and a whole run has one (``deadline``), as the LLM client does.
``requests`` and ``tenacity`` are imported by the functions that use them, on the first request:
importing this module loads neither.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipeline.models import Lang
from pipeline.stages.translate.errors import (
    MissingApiKey,
    ProviderError,
    ServiceUnreachable,
    TranslationError,
)
from pipeline.stages.translate.providers import Provider, get_provider

if TYPE_CHECKING:
    import requests

DEFAULT_TIMEOUT = 20.0
#: Wall seconds for one request, first byte sent to last byte read (a long block takes ~2 s).
DEFAULT_REQUEST_DEADLINE = 60.0
#: Wall seconds for every request of a run; blocks translated by then are kept in the cache.
DEFAULT_RUN_DEADLINE = 1800.0


# --- the HTTP layer: a timeout on every request ---------------------------------------------------


@dataclass
class _Exchange:
    """What the HTTP layer saw during one provider call; deep-translator does not tell us."""

    timeout: float
    limit: float = DEFAULT_REQUEST_DEADLINE  # wall seconds for the whole exchange
    status: int | None = None
    error: requests.RequestException | None = None


_EXCHANGE: contextvars.ContextVar[_Exchange | None] = contextvars.ContextVar("exchange", default=None)


class _TimedRequests:
    """Stands in for the ``requests`` module inside deep-translator's provider modules.

    deep-translator calls ``requests.get``/``post`` without a timeout, so a server that never answers
    hangs it forever, and a new Session per call leaves no adapter to configure. Some providers also
    swallow transport errors (Microsoft logs them and then fails on ``None.json()``). Every call made
    through here gets the current timeout and records its status or error, so the retry logic can
    tell a dead network from a refusal. Everything else is the real ``requests``.
    """

    def __getattr__(self, name: str) -> Any:
        import requests

        return getattr(requests, name)

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, params=params, **kwargs)

    def post(self, url: str, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        import requests

        exchange = _EXCHANGE.get()
        kwargs["timeout"] = kwargs.get("timeout") or (exchange.timeout if exchange else DEFAULT_TIMEOUT)
        limit = exchange.limit if exchange else DEFAULT_REQUEST_DEADLINE
        try:
            response = _within(limit, lambda: requests.request(method, url, **kwargs))
        except requests.RequestException as e:
            if exchange:
                exchange.error = e
            raise
        if exchange:
            exchange.status = response.status_code
        return response


class WallClockTimeout(Exception):
    """The whole exchange took longer than its wall-clock limit (a server that drips its answer)."""


def _within(limit: float, call: Callable[[], requests.Response]) -> requests.Response:
    """`call()` in a daemon thread, waited for at most `limit` wall seconds.

    A blocking socket read cannot be given a total deadline, so the caller stops waiting instead; the
    abandoned thread ends with its socket's read timeout, and never keeps the process alive."""
    import requests

    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["response"] = call()
        except BaseException as e:  # handed over to the waiting thread, raised there
            outcome["error"] = e
        finally:
            done.set()

    threading.Thread(target=run, name="readnotes-translate-request", daemon=True).start()
    if not done.wait(limit):
        raise requests.Timeout(WallClockTimeout(f"no complete answer within {limit:g} s"))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["response"]


@functools.cache
def _install_timeouts(module: str) -> None:
    importlib.import_module(f"deep_translator.{module}").requests = _TimedRequests()  # type: ignore[attr-defined]


# --- retries and the rate limit -------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Timeouts, retries and the rate limit. ``sleep`` and ``clock`` are injectable for tests."""

    timeout: float = DEFAULT_TIMEOUT  # seconds for each connect and each read
    attempts: int = 4  # tries per request, the first included
    backoff: float = 1.0  # first wait before a retry; doubles each time, plus up to as much jitter
    max_backoff: float = 30.0
    retry_budget: float = 120.0  # seconds of waiting between retries, over a whole run
    request_deadline: float = DEFAULT_REQUEST_DEADLINE  # wall seconds for one request, all of it
    deadline: float = DEFAULT_RUN_DEADLINE  # wall seconds for a whole run
    min_interval: float | None = None  # seconds between two requests; None: the provider's default
    sleep: Callable[[float], None] = lambda seconds: time.sleep(seconds)  # noqa: E731 (late-bound: patchable)
    clock: Callable[[], float] = lambda: time.monotonic()  # noqa: E731
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by READNOTES_TRANSLATE_{TIMEOUT,ATTEMPTS,BACKOFF,INTERVAL,DEADLINE}."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {"env": env}
        for name, key, kind in (
            ("timeout", "READNOTES_TRANSLATE_TIMEOUT", float),
            ("attempts", "READNOTES_TRANSLATE_ATTEMPTS", int),
            ("backoff", "READNOTES_TRANSLATE_BACKOFF", float),
            ("min_interval", "READNOTES_TRANSLATE_INTERVAL", float),
            ("deadline", "READNOTES_TRANSLATE_DEADLINE", float),
        ):
            if env.get(key):
                try:
                    values[name] = kind(env[key])
                except ValueError:
                    raise TranslationError(f"{key}={env[key]!r} is not a number") from None
        return cls(**values)


class RateLimiter:
    """At most one request per ``interval`` seconds, over every request of a run (retries included).

    A plain minimum spacing is all a single-threaded client needs; a token-bucket library would add
    bursts we don't want against free endpoints.
    """

    def __init__(self, interval: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._next = -math.inf

    def wait(self) -> None:
        now = self.clock()
        if now < self._next:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


@dataclass
class RunClock:
    """When a run's first request started; shared by a translator and its reverse."""

    started: float | None = None

    def remaining(self, settings: Settings) -> float:
        """Seconds left before the run's overall deadline (the clock starts at the first ask)."""
        if self.started is None:
            self.started = settings.clock()
        return settings.deadline - (settings.clock() - self.started)


class _Transient(Exception):
    """A failure worth retrying; becomes ServiceUnreachable when the retries run out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Translator:
    """One provider in one direction, with a timeout, retries and a rate limit on every request.

    Call it on a text of at most ``max_chars`` characters; ``translate_text`` does the splitting,
    masking and caching around it.
    """

    def __init__(
        self,
        provider: Provider | str,
        source: Lang = "en",
        target: Lang = "ko",
        settings: Settings | None = None,
        limiter: RateLimiter | None = None,
        run: RunClock | None = None,
    ) -> None:
        self.provider = get_provider(provider) if isinstance(provider, str) else provider
        self.source, self.target = source, target
        self.settings = settings or Settings.from_env()
        missing = [v for v in self.provider.env if not self.settings.env.get(v)]
        if missing:
            raise MissingApiKey(self.provider.name, missing)
        interval = self.settings.min_interval
        if interval is None:
            interval = self.provider.min_interval
        self.limiter = limiter or RateLimiter(interval, self.settings.clock, self.settings.sleep)
        self.run = run or RunClock()
        self.requests = 0  # attempts made, for reports and tests
        self._waited = 0.0
        self._engine: Any = None

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def max_chars(self) -> int:
        return self.provider.max_chars

    def reversed(self) -> Translator:
        """The same provider the other way round, sharing the rate limit."""
        return Translator(self.provider, self.target, self.source, self.settings, self.limiter, self.run)

    def __call__(self, text: str) -> str:
        import tenacity

        settings = self.settings
        if self.run.remaining(settings) <= 0:
            raise ServiceUnreachable(self.name, self._deadline_reason(), 0)
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=tenacity.stop_after_attempt(settings.attempts) | self._budget_spent | self._deadline_passed,
            wait=tenacity.wait_exponential_jitter(
                multiplier=settings.backoff, max=settings.max_backoff, jitter=settings.backoff
            ),
            sleep=self._sleep,
            reraise=True,
        )
        before = self.requests
        try:
            return retrying(self._attempt, text)
        except _Transient as e:
            reason = self._deadline_reason() if self.run.remaining(settings) <= 0 else e.reason
            raise ServiceUnreachable(self.name, reason, self.requests - before) from e.__cause__

    def _deadline_reason(self) -> str:
        return f"the overall deadline of {self.settings.deadline:g} s passed"

    def _budget_spent(self, _state: Any) -> bool:
        return self._waited >= self.settings.retry_budget

    def _deadline_passed(self, _state: Any) -> bool:
        return self.run.remaining(self.settings) <= 0

    def _sleep(self, seconds: float) -> None:
        seconds = min(seconds, max(self.run.remaining(self.settings), 0.0))  # never past the deadline
        self._waited += seconds
        self.settings.sleep(seconds)

    def _attempt(self, text: str) -> str:
        self.limiter.wait()
        self.requests += 1
        limit = min(self.settings.request_deadline, max(self.run.remaining(self.settings), 0.1))
        exchange = _Exchange(self.settings.timeout, limit)
        token = _EXCHANGE.set(exchange)
        try:
            engine = self._engine or self._make_engine()
            result = engine.translate(text)
        except Exception as e:
            raise self._classify(e, exchange) from e
        finally:
            _EXCHANGE.reset(token)
        if not isinstance(result, str) or not result.strip():
            raise ProviderError(f"{self.name} returned no translation for {_preview(text)}")
        return result.strip()

    def _make_engine(self) -> Any:
        if self.provider.module:
            _install_timeouts(self.provider.module)
        codes = self.provider.codes
        self._engine = self.provider.make(codes[self.source], codes[self.target], self.settings.env)
        return self._engine

    def _classify(self, e: Exception, exchange: _Exchange) -> Exception:
        """A transient failure to retry, or the error to raise at once."""
        import requests
        from deep_translator import exceptions as dt_exceptions

        transport = e if isinstance(e, requests.RequestException) else exchange.error
        host = _host_of(transport) or self.provider.host
        if (
            isinstance(transport, requests.Timeout)
            and transport.args
            and isinstance(transport.args[0], WallClockTimeout)
        ):
            return _Transient(f"no complete answer from {host} within {exchange.limit:g} s")
        if isinstance(transport, requests.Timeout):
            return _Transient(f"no answer from {host} within {self.settings.timeout:g} s")
        if isinstance(transport, requests.ConnectionError):
            return _Transient(_connection_reason(transport, host))
        if transport is not None:
            return ProviderError(f"{self.name}: {type(transport).__name__} talking to {host}")
        status = exchange.status
        if isinstance(e, dt_exceptions.TooManyRequests) or status == 429:
            return _Transient(f"{host} answered HTTP 429 (too many requests)")
        if status is not None and status >= 500:
            return _Transient(f"{host} answered HTTP {status} (server error)")
        if status is not None and status >= 400:
            keys = ""
            if status in (401, 403) and self.provider.env:
                keys = f"; check {' and '.join(self.provider.env)}"
            return ProviderError(f"{self.name} refused the request: HTTP {status}{keys}")
        if isinstance(e, TranslationError):
            return e
        return ProviderError(f"{self.name} gave no usable translation ({type(e).__name__}: {_first_line(e)})")


def _host_of(error: requests.RequestException | None) -> str:
    request = getattr(error, "request", None)
    url = getattr(request, "url", None)
    return (urlsplit(url).hostname or "") if url else ""


def _connection_reason(error: requests.ConnectionError, host: str) -> str:
    # The exception's own text carries the whole URL, query (the article's text) included.
    text = str(error)
    if "NameResolution" in text or "resolve" in text:
        return f"cannot resolve {host} (no network?)"
    if "refused" in text.lower():
        return f"{host} refused the connection"
    return f"cannot connect to {host}"


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [""])[0][:120]


def _preview(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
