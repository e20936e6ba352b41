"""The client: one provider in one direction, with a timeout, retries and a rate limit per request.

deep-translator sets no timeout and hides transport errors, so its provider modules get a stand-in
for ``requests`` (``_TimedRequests``) that adds both. ``requests`` and ``tenacity`` are imported by
the functions that use them, on the first request: importing this module loads neither.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import math
import os
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


# --- the HTTP layer: a timeout on every request ---------------------------------------------------


@dataclass
class _Exchange:
    """What the HTTP layer saw during one provider call; deep-translator does not tell us."""

    timeout: float
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
        try:
            response = requests.request(method, url, **kwargs)
        except requests.RequestException as e:
            if exchange:
                exchange.error = e
            raise
        if exchange:
            exchange.status = response.status_code
        return response


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
    min_interval: float | None = None  # seconds between two requests; None: the provider's default
    sleep: Callable[[float], None] = lambda seconds: time.sleep(seconds)  # noqa: E731 (late-bound: patchable)
    clock: Callable[[], float] = lambda: time.monotonic()  # noqa: E731
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by READNOTES_TRANSLATE_{TIMEOUT,ATTEMPTS,BACKOFF,INTERVAL}."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {"env": env}
        for name, key, kind in (
            ("timeout", "READNOTES_TRANSLATE_TIMEOUT", float),
            ("attempts", "READNOTES_TRANSLATE_ATTEMPTS", int),
            ("backoff", "READNOTES_TRANSLATE_BACKOFF", float),
            ("min_interval", "READNOTES_TRANSLATE_INTERVAL", float),
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
        return Translator(self.provider, self.target, self.source, self.settings, self.limiter)

    def __call__(self, text: str) -> str:
        import tenacity

        settings = self.settings
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=tenacity.stop_after_attempt(settings.attempts) | self._budget_spent,
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
            raise ServiceUnreachable(self.name, e.reason, self.requests - before) from e.__cause__

    def _budget_spent(self, _state: Any) -> bool:
        return self._waited >= self.settings.retry_budget

    def _sleep(self, seconds: float) -> None:
        self._waited += seconds
        self.settings.sleep(seconds)

    def _attempt(self, text: str) -> str:
        self.limiter.wait()
        self.requests += 1
        exchange = _Exchange(self.settings.timeout)
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
