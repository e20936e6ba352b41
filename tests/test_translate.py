"""translate: machine translation through deep-translator, cached, resumable, honest when offline.

No network: deep-translator's HTTP calls are answered by `responses`, so the library's own request
and parsing code runs for real. One test uses a real local server on 127.0.0.1 that never answers.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from click.testing import CliRunner
from sqlite_utils import Database

from pipeline import store as db
from pipeline.cli import cli
from pipeline.models import Article, Bead, Document
from pipeline.output import export
from pipeline.stages import segment, translate
from pipeline.stages.translate import (
    PROVIDERS,
    MissingApiKey,
    ProviderError,
    RateLimiter,
    ServiceUnreachable,
    Settings,
    TranslationCache,
    Translator,
)
from pipeline.store import translations

GOOGLE = "https://translate.google.com/m"
MYMEMORY = "http://api.mymemory.translated.net/get"
HTML = {"Content-Type": "text/html; charset=UTF-8"}  # as Google sends it

POST = """\
# A Small Post

Language models learn from text. They predict the next word.

- First item about data.
- Second item about compute.

```python
print("never sent")
```

![diagram](diagram.png)

See https://example.com/paper for the paper.

<div class="note">raw html, never sent</div>
"""

#: What the fake Google answers for each text it is sent (⟦1⟧ is a masked URL).
KOREAN = {
    "A Small Post": "작은 글",
    "Language models learn from text. They predict the next word.": (
        "언어 모델은 텍스트에서 배웁니다. 다음 단어를 예측합니다."
    ),
    "First item about data.": "데이터에 관한 첫 번째 항목.",
    "Second item about compute.": "연산에 관한 두 번째 항목.",
    "See ⟦1⟧ for the paper.": "논문은 ⟦1⟧에서 보세요.",
}
ALIGNABLE = list(KOREAN)  # in document order


@pytest.fixture(scope="session")
def warm_kiwi():
    """Kiwi takes ~2 s to load: once per session."""
    return segment.kiwi()


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch):
    """Backoff and rate-limit waits are recorded, never slept."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    monkeypatch.setenv("READNOTES_TRANSLATE_BACKOFF", "0")
    monkeypatch.setenv("READNOTES_TRANSLATE_INTERVAL", "0")
    return slept


@pytest.fixture
def http():
    """Every HTTP request is answered by responses; an unregistered one fails, none reaches the net."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def query(request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


class FakeGoogle:
    """translate.google.com/m: answers from KOREAN (or a marked echo), can fail on chosen texts."""

    def __init__(self, fail_on: set[str] = frozenset()) -> None:
        self.sent: list[str] = []
        self.fail_on = fail_on

    def __call__(self, request):
        q = query(request)
        text = q["q"]
        self.sent.append(text)
        if text in self.fail_on:
            raise requests.exceptions.ConnectionError("Failed to resolve 'translate.google.com'")
        answer = KOREAN.get(text) if q["tl"] == "ko" else None
        answer = answer or f"번역 {len(self.sent)}: {text}"
        return 200, HTML, f'<html><div class="result-container">{html.escape(answer)}</div></html>'


def google_ok(body: str) -> dict:
    return {"body": f'<div class="result-container">{html.escape(body)}</div>', "headers": HTML}


@pytest.fixture
def post(tmp_path: Path) -> Path:
    path = tmp_path / "raw" / "small-post.en.md"
    path.parent.mkdir(parents=True)
    path.write_text(POST, encoding="utf-8")
    return path


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), "-q", *args])


def cache_rows(home: Path) -> list[dict]:
    return list(db.open_db(home / "notes.db")["translation_cache"].rows)


def fast(**overrides) -> Settings:
    return Settings(**({"backoff": 0.0, "min_interval": 0.0} | overrides))


def sql_cache(database: Database) -> TranslationCache:
    """The cache as the app builds it: the store's lookup and put, bound to a notes.db."""
    return TranslationCache(
        lookup=functools.partial(translations.lookup, database),
        save=functools.partial(translations.put, database),
    )


def memory_cache() -> TranslationCache:
    return sql_cache(db.open_db(":memory:"))


# --- readnotes add --translate ---------------------------------------------------------------------


def test_add_translate_google_mirrors_the_markdown(tmp_path, post, http, warm_kiwi, no_real_sleep):
    google = FakeGoogle()
    http.add_callback(responses.GET, GOOGLE, callback=google)
    result = run(tmp_path, "add", str(post), "--translate", "google", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    today = dt.date.today().isoformat()
    assert summary["provenance"] == f"google {today}"
    assert summary["ko"] == 6 and summary["untranslated"] == 0
    # One request per alignable block; code, image, HTML and the URL never leave the machine.
    assert google.sent == ALIGNABLE
    assert not any("print(" in q or "diagram" in q or "<div" in q or "example.com" in q for q in google.sent)
    assert all(float(call.request.req_kwargs["timeout"]) > 0 for call in http.calls)
    article = db.load_article(db.open_db(tmp_path / "notes.db"), "small-post")
    en, ko = article.en.blocks, article.ko.blocks
    assert [(b.kind, b.level, b.marker) for b in ko] == [(b.kind, b.level, b.marker) for b in en]
    assert [b.text for b in ko if b.kind in ("code", "image", "html")] == [
        b.text for b in en if b.kind in ("code", "image", "html")
    ]
    assert ko[0].text == "작은 글"
    assert ko[-2].text == "논문은 https://example.com/paper에서 보세요."
    sheet = (tmp_path / "exports" / "small-post.md").read_text(encoding="utf-8")
    assert f"| Korean | machine translation: google, {today} |" in sheet
    assert "언어 모델은 텍스트에서 배웁니다." in sheet
    assert sum(no_real_sleep) == 0


def test_second_run_is_served_from_the_cache(tmp_path, post, http, warm_kiwi):
    http.add_callback(responses.GET, GOOGLE, callback=FakeGoogle())
    assert run(tmp_path, "add", str(post), "--translate", "google").exit_code == 0
    first = (tmp_path / "exports" / "small-post.md").read_text(encoding="utf-8")
    assert len(cache_rows(tmp_path)) == len(ALIGNABLE)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as offline:
        result = run(tmp_path, "add", str(post), "--translate", "google")
        assert result.exit_code == 0, result.output
        assert len(offline.calls) == 0
    assert (tmp_path / "exports" / "small-post.md").read_text(encoding="utf-8") == first


def test_refresh_bypasses_the_cache(tmp_path, post, http, warm_kiwi):
    google = FakeGoogle()
    http.add_callback(responses.GET, GOOGLE, callback=google)
    assert run(tmp_path, "add", str(post), "--translate", "google").exit_code == 0
    assert run(tmp_path, "add", str(post), "--translate", "google", "--refresh").exit_code == 0
    assert google.sent == ALIGNABLE + ALIGNABLE
    assert len(cache_rows(tmp_path)) == len(ALIGNABLE)  # replaced, not duplicated


def test_failure_mid_document_resumes_where_it_stopped(tmp_path, post, http, warm_kiwi):
    third = ALIGNABLE[2]
    broken = FakeGoogle(fail_on={third})
    http.add_callback(responses.GET, GOOGLE, callback=broken)
    result = run(tmp_path, "add", str(post), "--translate", "google")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: translation service unreachable: google: ")
    assert "2 of 5 blocks translated and kept" in result.output
    assert result.output.rstrip().endswith("supply a Korean file with --ko, or retry later")
    assert broken.sent == ALIGNABLE[:2] + [third] * 4  # 4 attempts on block 3, then it gave up
    assert {r["text"] for r in cache_rows(tmp_path)} == set(ALIGNABLE[:2])
    assert db.open_db(tmp_path / "notes.db")["articles"].count == 0  # no half article stored

    http.remove(responses.GET, GOOGLE)
    fixed = FakeGoogle()
    http.add_callback(responses.GET, GOOGLE, callback=fixed)
    result = run(tmp_path, "add", str(post), "--translate", "google")
    assert result.exit_code == 0, result.output
    assert fixed.sent == ALIGNABLE[2:]  # only blocks 3 and later cost requests


def test_offline_gives_one_line_error_and_keeps_the_cache(tmp_path, post, http, warm_kiwi):
    http.add_callback(responses.GET, GOOGLE, callback=FakeGoogle())
    assert run(tmp_path, "add", str(post), "--translate", "google", "--slug", "first").exit_code == 0
    before = cache_rows(tmp_path)
    http.remove(responses.GET, GOOGLE)
    http.add(
        responses.GET,
        GOOGLE,
        body=requests.exceptions.ConnectionError("Failed to resolve translate.google.com"),
    )
    other = post.with_name("other.en.md")
    other.write_text("# Another Post\n\nA sentence nobody has translated yet.\n", encoding="utf-8")
    result = run(tmp_path, "add", str(other), "--translate", "google")
    assert result.exit_code == 1
    assert result.output == (
        "Error: translation service unreachable: google: cannot resolve translate.google.com "
        "(no network?) (4 attempts); 0 of 2 blocks translated and kept; "
        "supply a Korean file with --ko, or retry later\n"
    )
    assert cache_rows(tmp_path) == before
    rows = json.loads(run(tmp_path, "list", "--json").stdout)
    assert [r["slug"] for r in rows] == ["first"]


def test_timeout_through_the_cli_is_a_clear_error(tmp_path, post, http):
    http.add(responses.GET, GOOGLE, body=requests.exceptions.ReadTimeout("read timed out"))
    result = run(tmp_path, "add", str(post), "--translate", "google")
    assert result.exit_code == 1
    assert "no answer from translate.google.com within 20 s (4 attempts)" in result.output
    assert len(http.calls) == 4


def test_missing_api_key_names_the_variable(tmp_path, post, monkeypatch):
    monkeypatch.delenv("DEEPL_API_KEY", raising=False)
    result = run(tmp_path, "add", str(post), "--translate", "deepl")
    assert result.exit_code == 1
    assert result.output == (
        "Error: deepl needs an API key: set DEEPL_API_KEY in the environment, or choose --translate google\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--translate", "google", "--ko", "x.ko.md"],
        ["--refresh"],
        ["--translate", "babelfish"],
    ],
)
def test_translate_option_misuse_is_a_usage_error(tmp_path, post, args):
    result = run(tmp_path, "add", str(post), *args)
    assert result.exit_code == 2
    assert not (tmp_path / "notes.db").exists() or db.open_db(tmp_path / "notes.db")["articles"].count == 0


# --- retries, timeouts, rate limit -----------------------------------------------------------------


def test_429_then_success_backs_off_once(http):
    http.add(responses.GET, GOOGLE, status=429)
    http.add(responses.GET, GOOGLE, **google_ok("안녕하세요"))
    slept: list[float] = []
    translator = Translator("google", settings=Settings(backoff=1.0, min_interval=0.0, sleep=slept.append))
    assert translator("Hello") == "안녕하세요"
    assert len(http.calls) == 2 and translator.requests == 2
    assert len(slept) == 1 and 1.0 <= slept[0] <= 2.0  # first backoff plus jitter


def test_5xx_is_retried_but_4xx_is_not(http):
    http.add(responses.GET, GOOGLE, status=503)
    http.add(responses.GET, GOOGLE, **google_ok("다시"))
    assert Translator("google", settings=fast())("Again") == "다시"
    http.add(responses.GET, GOOGLE, status=400)
    with pytest.raises(ProviderError, match="google refused the request: HTTP 400"):
        Translator("google", settings=fast())("Bad")
    assert len(http.calls) == 3


def test_timeouts_back_off_exponentially_then_give_up(http):
    http.add(responses.GET, GOOGLE, body=requests.exceptions.ConnectTimeout("connect timed out"))
    slept: list[float] = []
    settings = Settings(backoff=1.0, min_interval=0.0, sleep=slept.append, attempts=4, timeout=5)
    with pytest.raises(ServiceUnreachable) as caught:
        Translator("google", settings=settings)("Hello")
    assert str(caught.value) == (
        "translation service unreachable: google: no answer from translate.google.com within 5 s (4 attempts)"
    )
    assert len(http.calls) == 4
    assert [int(s) for s in slept] == [1, 2, 4]  # 1, 2, 4 s plus up to 1 s of jitter each


def test_retry_budget_bounds_the_total_wait(http):
    http.add(responses.GET, GOOGLE, status=503)
    slept: list[float] = []
    settings = Settings(backoff=10.0, max_backoff=30.0, retry_budget=25.0, attempts=10, sleep=slept.append)
    translator = Translator("google", settings=replace(settings, min_interval=0.0))
    with pytest.raises(ServiceUnreachable, match="HTTP 503"):
        translator("Hello")
    assert len(slept) == 2 and sum(slept) >= 25.0  # stopped once the budget was spent, not after 10 tries
    assert translator.requests == 3


class SilentServer:
    """A real TCP server on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            while True:
                conn, _ = self.sock.accept()
                self.accepted.append(conn)  # hold it open, say nothing
        except OSError:
            pass

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def test_a_server_that_never_answers_times_out(http):
    http.add_passthru("http://127.0.0.1")
    server = SilentServer()
    try:
        url = f"http://127.0.0.1:{server.port}/m"

        def silent_google(source, target, env):
            engine = PROVIDERS["google"].make(source, target, env)
            engine._base_url = url
            return engine

        provider = replace(PROVIDERS["google"], make=silent_google, host="127.0.0.1")
        translator = Translator(provider, settings=fast(timeout=0.3, attempts=2))
        started = time.monotonic()
        with pytest.raises(ServiceUnreachable) as caught:
            translator("Hello")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert "no answer from 127.0.0.1 within 0.3 s (2 attempts)" in str(caught.value)
    assert len(server.accepted) == 2  # the requests reached the server, which kept silent
    assert elapsed < 3


def test_rate_limiter_spaces_requests():
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(0.5, clock=lambda: now[0], sleep=sleep)
    limiter.wait()
    limiter.wait()
    now[0] += 0.2
    limiter.wait()
    now[0] += 5
    limiter.wait()
    assert waits == [0.5, pytest.approx(0.3)]


def test_rate_limit_applies_to_every_request(http):
    http.add(responses.GET, GOOGLE, **google_ok("하나"))
    now = [0.0]
    slept: list[float] = []
    settings = Settings(min_interval=2.0, clock=lambda: now[0], sleep=slept.append)
    translator = Translator("google", settings=settings)
    translator("one")
    translator("two")
    assert slept == [2.0]


def test_settings_from_the_environment():
    settings = Settings.from_env({"READNOTES_TRANSLATE_TIMEOUT": "3.5", "READNOTES_TRANSLATE_ATTEMPTS": "2"})
    assert settings.timeout == 3.5 and settings.attempts == 2
    with pytest.raises(
        translate.TranslationError, match="READNOTES_TRANSLATE_TIMEOUT='soon' is not a number"
    ):
        Settings.from_env({"READNOTES_TRANSLATE_TIMEOUT": "soon"})


# --- size limits, URLs ---------------------------------------------------------------------------


def test_long_block_is_split_at_sentence_boundaries(http):
    google = FakeGoogle()
    http.add_callback(responses.GET, GOOGLE, callback=google)
    sentences = [
        "The first sentence is about models.",
        "The second one, e.g. this, has an abbreviation.",
        "A third sentence ends the paragraph.",
    ]
    small = replace(PROVIDERS["google"], max_chars=90)
    translator = Translator(small, settings=fast())
    out = translate.translate_text(" ".join(sentences), translator, memory_cache())
    assert google.sent == [f"{sentences[0]} {sentences[1]}", sentences[2]]
    assert all(len(q) <= 90 for q in google.sent)
    assert out == f"번역 1: {sentences[0]} {sentences[1]} 번역 2: {sentences[2]}"


def test_mymemory_limit_is_respected_by_the_library_itself(http):
    sent: list[str] = []

    def mymemory(request):
        q = query(request)
        assert q["langpair"] == "en-GB|ko-KR"
        sent.append(q["q"])
        return 200, {}, json.dumps({"responseData": {"translatedText": f"문장{len(sent)}"}, "matches": []})

    http.add_callback(responses.GET, MYMEMORY, callback=mymemory)
    paragraph = " ".join(
        f"Sentence number {i} says something about large language models." for i in range(20)
    )
    assert len(paragraph) > 1000
    out = translate.translate_text(paragraph, Translator("mymemory", settings=fast()), memory_cache())
    assert len(sent) >= 3 and all(len(q) < 500 for q in sent)  # deep-translator refuses 500+
    assert all(q.endswith("models.") for q in sent)  # whole sentences only
    assert out == " ".join(f"문장{i}" for i in range(1, len(sent) + 1))


def test_overlong_sentence_is_cut_at_spaces():
    pieces = translate.split_for_limit("word " * 50, 40, "en")
    assert all(len(p) <= 40 for p in pieces)
    assert " ".join(pieces).split() == ["word"] * 50


def test_urls_are_masked_and_restored():
    masked, urls = translate.mask_urls("Read https://a.example/x?y=1, then www.b.example.")
    assert masked == "Read ⟦1⟧, then ⟦2⟧."
    assert urls == ["https://a.example/x?y=1", "www.b.example"]
    assert (
        translate.unmask_urls("⟦ 2 ⟧ 다음 ⟦1⟧ 읽기", urls)
        == "www.b.example 다음 https://a.example/x?y=1 읽기"
    )
    assert translate.unmask_urls("읽기", urls) == "읽기 (https://a.example/x?y=1 www.b.example)"


def test_text_without_words_is_not_sent(http):
    translator = Translator("google", settings=fast())
    assert (
        translate.translate_text("https://example.com/", translator, memory_cache()) == "https://example.com/"
    )
    assert translate.translate_text("42 %", translator, memory_cache()) == "42 %"
    assert len(http.calls) == 0


# --- other providers -----------------------------------------------------------------------------


def test_deepl_translates_to_korean_with_a_key(http):
    def deepl(request):
        q = query(request)
        assert (q["source_lang"], q["target_lang"], q["auth_key"]) == ("en", "ko", "k:fx")
        return 200, {}, json.dumps({"translations": [{"text": "안녕"}]})

    http.add_callback(responses.GET, "https://api-free.deepl.com/v2/translate", callback=deepl)
    settings = fast(env={"DEEPL_API_KEY": "k:fx"})
    assert Translator("deepl", settings=settings)("Hello") == "안녕"


def test_deepl_bad_key_is_not_retried(http):
    http.add(responses.GET, "https://api-free.deepl.com/v2/translate", status=403)
    with pytest.raises(ProviderError, match="HTTP 403; check DEEPL_API_KEY"):
        Translator("deepl", settings=fast(env={"DEEPL_API_KEY": "k:fx"}))("Hello")
    assert len(http.calls) == 1


def test_microsoft_swallowed_connection_error_is_still_seen(http):
    """MicrosoftTranslator catches the ConnectionError itself and then fails on None.json()."""
    http.add(
        responses.GET,
        "https://api.cognitive.microsofttranslator.com/languages",
        json={"translation": {"en": {"name": "English"}, "ko": {"name": "Korean"}}},
    )
    http.add(
        responses.POST,
        "https://api.cognitive.microsofttranslator.com/translate",
        body=requests.exceptions.ConnectionError("Connection refused"),
    )
    with pytest.raises(ServiceUnreachable, match="api.cognitive.microsofttranslator.com refused"):
        Translator("microsoft", settings=fast(env={"MICROSOFT_API_KEY": "k"}, attempts=2))("Hello")


def test_missing_keys_are_named_before_any_request():
    with pytest.raises(MissingApiKey, match="set BAIDU_APPID and BAIDU_APPKEY"):
        Translator("baidu", settings=fast(env={}))
    with pytest.raises(translate.UnknownProvider, match="choose one of google"):
        Translator("babelfish")


def test_every_provider_has_korean_and_a_limit():
    for provider in PROVIDERS.values():
        assert set(provider.codes) == {"en", "ko"} and provider.max_chars >= 100, provider.name


# --- back-translation ----------------------------------------------------------------------------


def test_back_translation_is_cached(http):
    google = FakeGoogle()
    http.add_callback(responses.GET, GOOGLE, callback=google)
    cache = memory_cache()
    first = translate.back_translate("안녕하세요.", "google", cache, settings=fast())
    assert first == "번역 1: 안녕하세요."
    assert query(http.calls[0].request)["sl"] == "ko" and query(http.calls[0].request)["tl"] == "en"
    calls = len(http.calls)
    assert translate.back_translate("안녕하세요.", "google", cache, settings=fast()) == first
    assert len(http.calls) == calls


def test_back_translation_flags_low_similarity_pairs(http):
    answers = {
        "언어 모델은 다음 단어를 예측합니다.": "Language models predict the next word.",
        "SFT(스위칭 함수 이론) 단계입니다.": "It is the SFT (switching function theory) stage.",
    }

    def google(request):
        text = answers[query(request)["q"]]
        return 200, HTML, f'<div class="result-container">{text}</div>'

    http.add_callback(responses.GET, GOOGLE, callback=google)
    beads = [
        Bead([0], [0], 0.9, "Language models predict the next word.", "언어 모델은 다음 단어를 예측합니다."),
        Bead([1], [1], 0.9, "Unlike the supervised finetuning stage.", "SFT(스위칭 함수 이론) 단계입니다."),
        Bead([2], [], 0.0, "An untranslated sentence.", ""),
    ]
    article = Article("a", Document("en", []), Document("ko", []), beads=beads)
    translator = Translator("google", "en", "ko", settings=fast())
    flags = translate.back_translation_flags(article, translator, memory_cache(), threshold=35)
    assert [(f.check, f.severity, f.en, f.ko) for f in flags] == [("back-translation", "warning", [1], [1])]
    assert flags[0].evidence == "SFT(스위칭 함수 이론) 단계입니다."
    assert "switching function theory" in flags[0].message and flags[0].fingerprint
    assert translate.chrf("Language models predict the next word.", beads[0].en_text) == 100


def test_provenance_reads_well_on_the_sheet():
    article = Article(
        "a", Document("en", [], path="a.en.md"), Document("ko", []), provenance="deepl 2026-11-23"
    )
    assert "| Korean | machine translation: deepl, 2026-11-23 |" in export.study_sheet_md(article)
    assert translate.provenance("google", dt.date(2026, 11, 23)) == "google 2026-11-23"


def test_translate_document_reports_blocks_done_and_copies_the_rest(http, post):
    from pipeline.stages import ingest

    http.add_callback(responses.GET, GOOGLE, callback=FakeGoogle())
    doc = ingest.read_document(post, "en")
    seen: list[tuple[int, int]] = []
    ko = translate.translate_document(
        doc, Translator("google", settings=fast()), memory_cache(), progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(i, 5) for i in range(6)]
    assert ko.lang == "ko" and ko.title == "작은 글" and ko.path == ""
    assert [b.index for b in ko.blocks] == [b.index for b in doc.blocks]


# --- the cache and its table -----------------------------------------------------------------------


def test_cache_rows_are_keyed_by_provider_direction_and_text(tmp_path):
    path = tmp_path / "notes.db"
    cache = sql_cache(db.open_db(path))
    forward = Translator("google", "en", "ko", settings=fast())
    backward = forward.reversed()
    assert cache.get(forward, "Hello") is None
    cache.put(forward, "Hello", "안녕")
    cache.put(backward, "Hello", "Hi")  # same text, other direction: another row
    cache.put(forward, "Hello", "안녕하세요")  # same key again (--refresh): replaced
    assert cache.get(forward, "Hello") == "안녕하세요"
    assert cache.get(backward, "Hello") == "Hi"
    assert cache.get(Translator("mymemory", settings=fast()), "Hello") is None
    # Each put is committed at once: another connection sees it, as a resumed run would.
    rows = list(db.open_db(path)["translation_cache"].rows_where(order_by="source"))
    assert [(r["source"], r["target"], r["text"], r["translation"]) for r in rows] == [
        ("en", "ko", "Hello", "안녕하세요"),
        ("ko", "en", "Hello", "Hi"),
    ]
    assert rows[0]["sha256"] == translate.text_hash("Hello") and rows[0]["created_at"]


def test_importing_the_stage_loads_no_http_retry_or_scoring_library():
    """`readnotes --help` and read-only commands should not pay for what only a translation needs."""
    heavy = ["requests", "urllib3", "deep_translator", "tenacity", "sacrebleu", "sqlite_utils", "sqlite3"]
    code = (
        "import json, sys; import pipeline.stages.translate; "
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    )
    root = Path(__file__).resolve().parent.parent  # this checkout, not another installed copy
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
