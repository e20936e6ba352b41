"""Fault injection for machine translation: a real server on 127.0.0.1 that drips its answer a byte at
a time, or stalls, must not hang a request or a run: both have a wall-clock deadline."""

from __future__ import annotations

import json
import time

import pytest
from local_server import Reply, local_server

from pipeline.stages.translate import ServiceUnreachable
from pipeline.stages.translate.client import Settings, Translator

ANSWER = json.dumps({"translatedText": "안녕하세요, 세계"}).encode()


def libre(url: str, **settings: float) -> Translator:
    """The LibreTranslate provider pointed at the local server (no key check there)."""
    env = {"LIBRE_API_KEY": "test", "LIBRE_URL": url}
    defaults = {"backoff": 0.0, "min_interval": 0.0, "attempts": 1, "timeout": 5.0}
    return Translator("libre", settings=Settings(env=env, **(defaults | settings)))


def test_the_local_server_answers_in_time():
    with local_server(lambda _request: Reply(body=ANSWER)) as server:
        assert libre(server.url)("Hello, world") == "안녕하세요, 세계"


@pytest.mark.slow
def test_a_server_that_drips_its_answer_hits_the_request_deadline():
    """A byte every 0.2 s never trips the 5 s read timeout; the 1 s wall-clock limit does."""
    with local_server(lambda _request: Reply(body=ANSWER, drip=0.2)) as server:
        started = time.monotonic()
        with pytest.raises(ServiceUnreachable, match="no complete answer .* within 1 s"):
            libre(server.url, request_deadline=1.0)("Hello, world")
        assert time.monotonic() - started < 4


@pytest.mark.slow
def test_the_run_deadline_stops_retries_and_later_requests():
    with local_server(lambda _request: Reply(body=ANSWER, delay=0.6)) as server:
        translator = libre(server.url, request_deadline=0.4, deadline=1.5, attempts=10)
        started = time.monotonic()
        with pytest.raises(ServiceUnreachable, match="overall deadline of 1.5 s"):
            translator("Hello, world")
        assert time.monotonic() - started < 4
        with pytest.raises(ServiceUnreachable, match="overall deadline"):
            translator.reversed()("안녕")  # the reverse shares the run's clock
        assert time.monotonic() - started < 4


def test_the_run_deadline_comes_from_the_environment():
    settings = Settings.from_env({"READNOTES_TRANSLATE_DEADLINE": "90"})
    assert settings.deadline == 90.0 and settings.request_deadline == 60.0


@pytest.mark.slow
def test_add_with_a_dripping_translator_ends_in_one_line(home, run, monkeypatch):
    monkeypatch.setenv("LIBRE_API_KEY", "test")
    monkeypatch.setenv("READNOTES_TRANSLATE_DEADLINE", "1.5")
    monkeypatch.setenv("READNOTES_TRANSLATE_BACKOFF", "0")
    monkeypatch.setenv("READNOTES_TRANSLATE_INTERVAL", "0")
    with local_server(lambda _request: Reply(body=ANSWER, drip=0.2)) as server:
        monkeypatch.setenv("LIBRE_URL", server.url)
        started = time.monotonic()
        result = run("add", str(home / "raw" / "karpathy-2025.en.md"), "--translate", "libre", ok=False)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "deadline" in lines[0], result.output
    assert not (home / "exports" / "karpathy-2025.md").exists()
