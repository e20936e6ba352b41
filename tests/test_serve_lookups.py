"""The review page's b and l: a flagged pair's back-translation and the LLM reviewer's view of it,
on demand, as `readnotes review` shows them. Real HTTP servers on 127.0.0.1 answer (no network);
a service that is down or not set up is one line on the page, never a traceback, and no decision."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from local_server import Reply, Request, chat_reply, local_server, unused_url
from starlette.testclient import TestClient

from pipeline.cli import cli
from pipeline.web import create_app
from pipeline.workspace import Workspace

BASE = "http://127.0.0.1:8765"
SAMPLE = "karpathy-2025"
EVIDENCE = "SFT(스위칭 함수 이론)"
_PAIR = re.compile(r"^\[(\d+)\]\nEN: .*\nKO: (.*)$", re.M)


def libre(request: Request) -> Reply:
    """A LibreTranslate-speaking translator: Korean in, a made-up English line that names its input
    length out (so a test can tell which text was sent)."""
    assert request.query["source"] == "ko" and request.query["target"] == "en"
    return Reply(body=json.dumps({"translatedText": f"back of {len(request.query['q'])} chars"}).encode())


def reviewer(request: Request) -> Reply:
    """A chat-completions LLM reviewer that finds the flag's evidence wrong wherever it occurs."""
    user = request.body["messages"][-1]["content"]
    errors = [
        {"pair": int(m.group(1)), "span": EVIDENCE, "category": "mistranslation", "severity": "major"}
        | {"explanation": "SFT is supervised fine-tuning", "fix": "SFT(지도 미세 조정)"}
        for m in _PAIR.finditer(user)
        if EVIDENCE in m.group(2)
    ]
    return chat_reply(json.dumps({"errors": errors}, ensure_ascii=False))


@pytest.fixture
def services(monkeypatch):
    """Timeouts and retries short enough for a test, and no LLM reviewer set up."""
    for name, value in {
        "LIBRE_API_KEY": "local",
        "READNOTES_TRANSLATE_INTERVAL": "0",
        "READNOTES_TRANSLATE_TIMEOUT": "3",
        "READNOTES_TRANSLATE_ATTEMPTS": "1",
        "READNOTES_LLM_MODEL": "test-7b",
        "READNOTES_LLM_TIMEOUT": "3",
        "READNOTES_LLM_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("READNOTES_LLM_URL", raising=False)
    monkeypatch.delenv("READNOTES_LLM_API_KEY", raising=False)
    return monkeypatch


@pytest.fixture
def client(ws: Path, services):
    with TestClient(create_app(ws, translator="libre"), base_url=BASE, follow_redirects=False) as c:
        yield c


def flag_id(home: Path, evidence: str = EVIDENCE) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home), "-q", "flags", "--json"], catch_exceptions=False)
    return {f["evidence"]: f for f in json.loads(result.stdout)}[evidence]["id"]


def ask(client: TestClient, home: Path, kind: str, evidence: str = EVIDENCE):
    data = {"csrf_token": client.app.state.desk.guard.csrf_token, "kind": kind, "slug": SAMPLE}
    return client.post(f"/review/{flag_id(home, evidence)}/lookup", data=data, headers={"Origin": BASE})


def answers(page: str, home: Path, evidence: str = EVIDENCE) -> str:
    """The text of the answers shown under one flag's card."""
    box = re.search(
        rf'<div class="lookups" id="lookups-{flag_id(home, evidence)[:12]}"[^>]*>(.*?)\n  </div>', page, re.S
    )
    assert box, "the card's answers are on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", box.group(1))).strip()


def decisions(home: Path) -> int:
    return Workspace(home).db["flag_decisions"].count


def test_b_shows_the_back_translation_under_the_flag_and_caches_it(client, ws: Path, services):
    with local_server(libre) as server:
        services.setenv("LIBRE_URL", server.url)
        page = ask(client, ws, "back")
        assert page.status_code == 200
        shown = answers(page.text, ws)
        assert shown.startswith("Back-translation (libre): back of ") and len(server.requests) == 1
        assert ask(client, ws, "back").status_code == 200 and len(server.requests) == 1  # cached
    services.setenv("LIBRE_URL", unused_url())  # the translator gone: the cache still answers
    assert answers(ask(client, ws, "back").text, ws) == shown
    assert re.search(rf'<li class="card \w+ current" id="flag-{flag_id(ws)[:12]}"', page.text)  # kept in view
    assert decisions(ws) == 0


def test_l_shows_the_llm_reviewers_errors_on_the_pair(client, ws: Path, services):
    with local_server(reviewer) as server:
        services.setenv("READNOTES_LLM_URL", f"{server.url}/v1")
        page = ask(client, ws, "llm")
        assert page.status_code == 200 and len(server.requests) == 1
        assert answers(page.text, ws) == (
            f"LLM reviewer (test-7b): major mistranslation on {EVIDENCE}: SFT is supervised fine-tuning "
            "(suggested fix: SFT(지도 미세 조정))"
        )
        ask(client, ws, "llm")
        assert len(server.requests) == 1  # the answer is cached in notes.db
    other = "LLM(학습 모델)"  # a pair the reviewer finds nothing wrong in
    with local_server(reviewer) as server:
        services.setenv("READNOTES_LLM_URL", f"{server.url}/v1")
        assert "found nothing wrong in this pair" in answers(ask(client, ws, "llm", other).text, ws, other)
    assert decisions(ws) == 0


def test_no_llm_reviewer_set_up_says_what_to_set(client, ws: Path):
    page = ask(client, ws, "llm")
    shown = answers(page.text, ws)
    assert page.status_code == 503 and "Traceback" not in page.text
    assert shown.startswith(
        "LLM reviewer: Error: the LLM reviewer needs READNOTES_LLM_URL. Set READNOTES_LLM_URL"
    )
    assert "accept" in page.text  # the queue is still there to go on with


@pytest.mark.parametrize("kind", ["back", "llm"])
def test_a_service_that_is_down_is_one_line_on_the_page(client, ws: Path, services, kind: str):
    services.setenv("LIBRE_URL", unused_url())
    services.setenv("READNOTES_LLM_URL", unused_url() + "/v1")
    page = ask(client, ws, kind)
    shown = answers(page.text, ws)
    assert page.status_code == 502 and "Traceback" not in page.text and "unreachable" in shown
    assert shown.count("Error:") == 1 and decisions(ws) == 0


def test_a_lookup_needs_the_token_and_a_known_kind(client, ws: Path):
    url = f"/review/{flag_id(ws)}/lookup"
    no_token = client.post(url, data={"kind": "back"}, headers={"Origin": BASE})
    assert no_token.status_code == 403
    elsewhere = client.post(
        url,
        data={"kind": "back", "csrf_token": client.app.state.desk.guard.csrf_token},
        headers={"Origin": "http://evil.example"},
    )
    assert elsewhere.status_code == 403
    assert ask(client, ws, "guess").status_code == 400 and "unknown lookup" in ask(client, ws, "guess").text
    assert client.get(url).status_code == 405


def test_an_omission_offers_no_lookup_and_a_forced_one_says_why(client, ws: Path):
    """An untranslated sentence has no Korean to back-translate or review."""
    page = client.get(f"/review?slug={SAMPLE}&info=1").text
    cards = re.findall(r'<li class="card .*?</li>', page, re.S)
    omissions = [c for c in cards if "<b>omission</b>" in c]
    assert omissions and all('class="act-back ask"' not in c for c in omissions)
    assert all('class="act-back ask"' in c for c in cards if c not in omissions)
    omission = re.search(r'data-flag="(\w+)"', omissions[0]).group(1)
    data = {"csrf_token": client.app.state.desk.guard.csrf_token, "kind": "back"}
    answer = client.post(f"/review/{omission}/lookup", data=data, headers={"Origin": BASE})
    assert answer.status_code == 400 and "no Korean to look up" in answer.text
