"""translate: machine translation of the missing side, and back-translation for review.

Providers are deep-translator classes behind one registry (``PROVIDERS``). A Document is translated
block by block, so the Korean Document mirrors the English one (a heading stays a heading, a list
item stays a list item); code, images, tables and raw HTML are copied, never sent, and URLs inside a
sentence are masked before sending. A block longer than the provider accepts is split at sentence
boundaries.

Every text sent is cached in notes.db (``translation_cache``, whose SQL is the store's), keyed by
provider, languages and the SHA-256 of the text, and committed as soon as it arrives: a re-run costs
no request and an interrupted run resumes where it stopped. Every request has a timeout
(deep-translator sets none), transient failures (timeouts, no connection, HTTP 429, 5xx) are retried
with exponential backoff within a bounded budget, and requests are spaced by a rate limit.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import importlib
import math
import os
import re
import textwrap
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from pipeline.models import Article, Bead, Document, Flag, Lang
from pipeline.stages import segment

#: Progress while translating a document: (blocks done, blocks in total).
BlockProgress = Callable[[int, int], None]

#: The check's stable name, stored in flags and in review decisions.
BACK_TRANSLATION_CHECK = "back-translation"

#: chrF (0-100) of the back-translation against the English below which a pair is flagged.
DEFAULT_CHRF_THRESHOLD = 35.0


class TranslationError(RuntimeError):
    "Base class: machine translation could not be done"


class UnknownProvider(TranslationError, LookupError):
    "No translation provider by this name"


class MissingApiKey(TranslationError):
    "The provider needs a key from an environment variable that is not set"

    def __init__(self, provider: str, variables: list[str]) -> None:
        self.provider, self.variables = provider, variables
        super().__init__(f"{provider} needs an API key: set {' and '.join(variables)} in the environment")


class ProviderError(TranslationError):
    "The provider answered but refused the request or returned no translation (not worth retrying)"


class ServiceUnreachable(TranslationError):
    "The provider did not answer in time, could not be connected to, or kept answering 429/5xx"

    def __init__(self, provider: str, reason: str, attempts: int) -> None:
        self.provider, self.reason, self.attempts = provider, reason, attempts
        self.done = self.total = 0  # blocks translated before the failure, set by translate_document
        super().__init__(provider, reason, attempts)

    def __str__(self) -> str:
        tries = f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        text = f"translation service unreachable: {self.provider}: {self.reason} ({tries})"
        if self.total:
            text += f"; {self.done} of {self.total} blocks translated and kept"
        return text


# --- providers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    """A deep-translator backend: how to build it, its language codes, and its limits."""

    name: str
    make: Callable[[str, str, Mapping[str, str]], Any]  # (source code, target code, env) -> translator
    codes: dict[str, str]  # readnotes language -> the provider's code
    max_chars: int  # the longest text one request may carry
    host: str  # for messages
    env: tuple[str, ...] = ()  # environment variables that must be set
    min_interval: float = 0.5  # default rate limit: seconds between two requests
    module: str = ""  # deep-translator module whose HTTP calls get a timeout


def _google(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import GoogleTranslator

    return GoogleTranslator(source=source, target=target)


def _mymemory(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import MyMemoryTranslator

    # An e-mail address raises MyMemory's free daily quota.
    return MyMemoryTranslator(source=source, target=target, email=env.get("MYMEMORY_EMAIL") or None)


def _deepl(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import DeeplTranslator

    key = env["DEEPL_API_KEY"]
    translator = DeeplTranslator(source="en", target="de", api_key=key, use_free_api=key.endswith(":fx"))
    # deep-translator 1.11's DeepL language table predates DeepL's Korean, so set the codes directly.
    translator.source, translator.target = source, target
    return translator


def _microsoft(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import MicrosoftTranslator

    # Its constructor fetches the language list: a request, which gets our timeout too.
    return MicrosoftTranslator(
        source=source, target=target, api_key=env["MICROSOFT_API_KEY"], region=env.get("MICROSOFT_REGION")
    )


def _libre(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import LibreTranslator

    url = env.get("LIBRE_URL") or None
    if url and not url.endswith("/"):
        url += "/"  # deep-translator appends "translate" to it
    return LibreTranslator(
        source=source, target=target, api_key=env["LIBRE_API_KEY"], use_free_api=False, custom_url=url
    )


def _baidu(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import BaiduTranslator

    return BaiduTranslator(source=source, target=target, appid=env["BAIDU_APPID"], appkey=env["BAIDU_APPKEY"])


#: Providers that deep-translator supports for English<->Korean. max_chars stays below each one's
#: own check (google 5000, mymemory 500) or documented request limit, with room for URL encoding.
PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider("google", _google, {"en": "en", "ko": "ko"}, 4500, "translate.google.com", module="google"),
        Provider(
            "mymemory",
            _mymemory,
            {"en": "en-GB", "ko": "ko-KR"},
            450,
            "api.mymemory.translated.net",
            min_interval=1.0,
            module="mymemory",
        ),
        Provider(
            "deepl",
            _deepl,
            {"en": "en", "ko": "ko"},
            4500,
            "api.deepl.com",
            env=("DEEPL_API_KEY",),
            min_interval=0.2,
            module="deepl",
        ),
        Provider(
            "microsoft",
            _microsoft,
            {"en": "en", "ko": "ko"},
            10000,
            "api.cognitive.microsofttranslator.com",
            env=("MICROSOFT_API_KEY",),
            min_interval=0.2,
            module="microsoft",
        ),
        Provider(
            "libre",
            _libre,
            {"en": "en", "ko": "ko"},
            2000,
            "libretranslate.com",
            env=("LIBRE_API_KEY",),
            module="libre",
        ),
        Provider(
            "baidu",
            _baidu,
            {"en": "en", "ko": "kor"},
            2000,
            "fanyi-api.baidu.com",
            env=("BAIDU_APPID", "BAIDU_APPKEY"),
            min_interval=1.0,
            module="baidu",
        ),
    )
}


def get_provider(name: str) -> Provider:
    try:
        return PROVIDERS[name]
    except KeyError:
        choices = ", ".join(PROVIDERS)
        raise UnknownProvider(f"no translation provider {name!r}; choose one of {choices}") from None


# --- the HTTP layer: a timeout on every request ---------------------------------------------------

DEFAULT_TIMEOUT = 20.0


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
        return getattr(requests, name)

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, params=params, **kwargs)

    def post(self, url: str, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
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


# --- the cache ------------------------------------------------------------------------------------


class Lookup(Protocol):
    """The stored translation of the text with this SHA-256, or None."""

    def __call__(self, provider: str, source: str, target: str, sha256: str) -> str | None: ...


class Save(Protocol):
    """Store (or replace) a translation at once, so an interrupted run keeps it."""

    def __call__(
        self, provider: str, source: str, target: str, sha256: str, text: str, translation: str
    ) -> None: ...


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TranslationCache:
    """Translations keyed by (provider, source, target, sha256 of the text sent).

    The rows live in notes.db, but reading and writing them is the store's job: the app hands the
    cache a ``lookup`` and a ``save`` bound to the workspace database. ``save`` is expected to
    commit each answer as it arrives: a run that dies keeps every answer it got. The cache is not
    per article: it survives re-processing and is shared by all articles.
    """

    lookup: Lookup
    save: Save

    def get(self, translator: Translator, text: str) -> str | None:
        return self.lookup(translator.name, translator.source, translator.target, text_hash(text))

    def put(self, translator: Translator, text: str, translation: str) -> None:
        self.save(translator.name, translator.source, translator.target, text_hash(text), text, translation)


# --- texts and documents --------------------------------------------------------------------------

#: URLs are never sent: they are masked as ⟦n⟧ and put back after translation.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.I)
_URL_TRAILING = ".,;:!?)]}'\""
_PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧")
_LETTER = re.compile(r"[^\W\d_]")


def mask_urls(text: str) -> tuple[str, list[str]]:
    """Replace each URL with ⟦n⟧; return the masked text and the URLs."""
    urls: list[str] = []

    def swap(m: re.Match[str]) -> str:
        url = m.group(0)
        tail = len(url) - len(url.rstrip(_URL_TRAILING))
        url, rest = (url[:-tail], url[-tail:]) if tail else (url, "")
        urls.append(url)
        return f"⟦{len(urls)}⟧{rest}"

    return _URL.sub(swap, text), urls


def unmask_urls(text: str, urls: list[str]) -> str:
    """Put the URLs back; a placeholder the translator dropped gets its URL appended."""
    seen: set[int] = set()

    def back(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if 1 <= n <= len(urls):
            seen.add(n)
            return urls[n - 1]
        return m.group(0)

    text = _PLACEHOLDER.sub(back, text)
    lost = [url for n, url in enumerate(urls, 1) if n not in seen]
    return f"{text} ({' '.join(lost)})" if lost else text


def split_for_limit(text: str, max_chars: int, lang: Lang) -> list[str]:
    """Pieces of at most max_chars, cut at sentence boundaries (at spaces inside an over-long sentence)."""
    if len(text) <= max_chars:
        return [text]
    split = segment.split_english_text if lang == "en" else segment.split_korean_text
    sentences = [text[start:end] for start, end in split(text)] or [text]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        parts = [sentence] if len(sentence) <= max_chars else textwrap.wrap(sentence, max_chars)
        for part in parts:
            if current and len(current) + 1 + len(part) > max_chars:
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def translate_text(text: str, translator: Translator, cache: TranslationCache, refresh: bool = False) -> str:
    """Translate one block's text: split to the provider's limit, URLs masked, each piece cached."""
    out: list[str] = []
    for piece in split_for_limit(text, translator.max_chars, translator.source):
        masked, urls = mask_urls(piece)
        if not _LETTER.search(_PLACEHOLDER.sub("", masked)):
            out.append(piece)  # nothing to translate: numbers, symbols, bare URLs
            continue
        translation = None if refresh else cache.get(translator, masked)
        if translation is None:
            translation = translator(masked)
            cache.put(translator, masked, translation)
        out.append(unmask_urls(translation, urls))
    return " ".join(out)


def no_block_progress(_done: int, _total: int) -> None:
    pass


def translate_document(
    doc: Document,
    translator: Translator,
    cache: TranslationCache,
    refresh: bool = False,
    progress: BlockProgress = no_block_progress,
) -> Document:
    """The translated Document: the same blocks in the same order, alignable ones translated.

    Raises ServiceUnreachable with ``done``/``total`` set; what was translated stays in the cache.
    """
    total = sum(1 for b in doc.blocks if b.alignable)
    done = 0
    progress(done, total)
    blocks = []
    for block in doc.blocks:
        if not block.alignable:
            blocks.append(replace(block))  # code, images, tables, HTML: copied, never sent
            continue
        try:
            text = translate_text(block.text, translator, cache, refresh)
        except ServiceUnreachable as e:
            e.done, e.total = done, total
            raise
        blocks.append(replace(block, text=text))
        done += 1
        progress(done, total)
    pairs = zip(doc.blocks, blocks, strict=True)
    title = next((ko.text for en, ko in pairs if en.kind == "heading" and en.text == doc.title), "")
    return Document(
        lang=translator.target,
        blocks=blocks,
        title=title,
        source_url=doc.source_url,
        date=doc.date,
        path="",
        encoding="utf-8",
    )


def provenance(provider: str, today: dt.date | None = None) -> str:
    """What Article.provenance records for a machine translation: "google 2026-11-23"."""
    return f"{provider} {(today or dt.date.today()).isoformat()}"


# --- back-translation -----------------------------------------------------------------------------


def _back_translator(provider: str | Translator, settings: Settings | None) -> Translator:
    if isinstance(provider, Translator):
        return provider if provider.source == "ko" else provider.reversed()
    return Translator(provider, "ko", "en", settings)


def back_translate(
    ko_text: str,
    provider: str | Translator,
    cache: TranslationCache,
    refresh: bool = False,
    settings: Settings | None = None,
) -> str:
    """What a Korean text says in English, by machine translation; cached like forward translation."""
    return translate_text(ko_text, _back_translator(provider, settings), cache, refresh)


@functools.cache
def _chrf() -> Any:
    from sacrebleu.metrics import CHRF

    return CHRF()


def chrf(hypothesis: str, reference: str) -> float:
    """Sentence chrF (0-100) of a back-translation against the English."""
    return float(_chrf().sentence_score(hypothesis, [reference]).score)


def back_translation_check(
    article: Article,
    provider: str | Translator,
    cache: TranslationCache,
    threshold: float = DEFAULT_CHRF_THRESHOLD,
    refresh: bool = False,
) -> Iterator[Flag]:
    """Pairs whose Korean, translated back to English, is far from the English (chrF < threshold).

    A low score means the Korean says something else, or says it so freely that a reader should
    look; it is a warning, never an error, because free translations also score low.
    """
    translator = _back_translator(provider, None)
    for bead in article.beads:
        if not (bead.en and bead.ko and bead.en_text.strip() and bead.ko_text.strip()):
            continue
        back = translate_text(bead.ko_text, translator, cache, refresh)
        score = chrf(back, bead.en_text)
        if score < threshold:
            yield Flag(
                check=BACK_TRANSLATION_CHECK,
                severity="warning",
                en=list(bead.en),
                ko=list(bead.ko),
                en_text=bead.en_text,
                ko_text=bead.ko_text,
                evidence=bead.ko_text,
                message=f"back-translation ({translator.name}) reads {back!r}: chrF {score:.0f} "
                f"against the English (flagged below {threshold:g})",
                fingerprint=_fingerprint(bead),
            )


def back_translation_flags(
    article: Article,
    provider: str | Translator,
    cache: TranslationCache,
    threshold: float = DEFAULT_CHRF_THRESHOLD,
) -> list[Flag]:
    """The back-translation check's flags for an article (what `readnotes check --back-translate` adds)."""
    return list(back_translation_check(article, provider, cache, threshold))


def _fingerprint(bead: Bead) -> str:
    normalised = " ".join(unicodedata.normalize("NFC", bead.en_text).lower().split())
    key = "\x00".join((BACK_TRANSLATION_CHECK, bead.ko_text, normalised))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
