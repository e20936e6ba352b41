"""`check --back-translate`: a real LibreTranslate-speaking server on 127.0.0.1 (LIBRE_URL) answers,
the back-translations are cached in notes.db, pairs that disagree with the English are flagged with
the back-translation in the message, and a server that is down ends in one line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from local_server import Reply, Request, local_server, unused_url
from meaning_article import EN, KO
from workspace_state import dump

from pipeline.stages import translate

#: What the local server says the Korean means, as a machine translator would.
BACK = {
    "의미": "Meaning",
    "강화 학습은 훨씬 더 긴 최적화 과정이 필요합니다.": (
        "Reinforcement learning requires a much longer optimization process."
    ),
    "이 모델들은 높은 성능 대비 비용을 제공합니다.": (
        "These models provide cost compared to high performance."
    ),
    "결과는 2025년에 팀이 발표했습니다.": "The results were announced by the team in 2025.",
}


def libre(request: Request) -> Reply:
    assert (
        request.path == "/translate" and request.query["source"] == "ko" and request.query["target"] == "en"
    )
    return Reply(body=json.dumps({"translatedText": BACK[request.query["q"]]}).encode())


@pytest.fixture
def article(home: Path, run, monkeypatch) -> str:
    (home / "m.en.md").write_text(EN, encoding="utf-8")
    (home / "m.ko.md").write_text(KO, encoding="utf-8")
    run("add", str(home / "m.en.md"), "--ko", str(home / "m.ko.md"), "--slug", "m")
    monkeypatch.setenv("LIBRE_API_KEY", "local")
    monkeypatch.setenv("READNOTES_TRANSLATE_INTERVAL", "0")
    monkeypatch.setenv("READNOTES_TRANSLATE_TIMEOUT", "3")
    monkeypatch.setenv("READNOTES_TRANSLATE_ATTEMPTS", "2")
    monkeypatch.setenv("READNOTES_TRANSLATE_BACKOFF", "0.01")
    return "m"


def flags(run, check: str = "back-translation") -> list[dict]:
    return [f for f in json.loads(run("flags", "m", "--json").stdout) if f["check"] == check]


def test_back_translate_flags_disagreeing_pairs_caches_and_keeps_them(article, run, monkeypatch):
    with local_server(libre) as server:
        monkeypatch.setenv("LIBRE_URL", server.url)
        run("check", "m", "--back-translate", "libre")
        sent = len(server.requests)
        assert sent == 4
        found = flags(run)
        assert {f["ko_text"] for f in found} == {
            "강화 학습은 훨씬 더 긴 최적화 과정이 필요합니다.",
            "이 모델들은 높은 성능 대비 비용을 제공합니다.",
        }
        requires = next(f for f in found if "필요" in f["ko_text"])
        assert (
            "requires a much longer" in requires["message"]
            and "permission → requirement" in requires["message"]
        )
        assert all(f["severity"] == "warning" and f["evidence"] == f["ko_text"] for f in found)
        # The flag carries the back-translation, and the sheet shows it under the pair.
        assert requires["back_translation"].startswith("Reinforcement learning requires a much longer")
        run("sheet", "m")
        sheet = (Path(run("sheet", "m").stdout.split("Study sheet: ")[1].strip())).read_text(encoding="utf-8")
        assert f"> ↩ *back-translation:* “{requires['back_translation']}”" in sheet
        run("check", "m", "--back-translate", "libre")
        run("check", "m")  # a plain check re-derives them from the cache
        assert len(server.requests) == sent
        assert [f["id"] for f in flags(run)] == [f["id"] for f in found]


def test_back_translation_service_down_is_one_line_and_changes_nothing(article, run, home, monkeypatch):
    run("check", "m")
    before = dump(home / "notes.db")
    monkeypatch.setenv("LIBRE_URL", unused_url())
    started = time.monotonic()
    result = run("check", "m", "--back-translate", "libre", ok=False)
    assert time.monotonic() - started < 30
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, lines
    assert (
        lines[0].startswith("Error: back-translation service unreachable: libre") and "LIBRE_URL" in lines[0]
    )
    assert dump(home / "notes.db") == before


def test_a_resumed_back_translation_sends_only_what_is_missing(article, run, monkeypatch):
    answered: list[str] = []

    def flaky(request: Request) -> Reply:
        if len(answered) >= 2:
            return Reply(503, b"{}")
        answered.append(request.query["q"])
        return libre(request)

    with local_server(flaky) as server:
        monkeypatch.setenv("LIBRE_URL", server.url)
        result = run("check", "m", "--back-translate", "libre", ok=False)
        assert "2 of 4 pairs back-translated and kept" in result.output
        server.behaviour = libre
        before = len(server.requests)
        run("check", "m", "--back-translate", "libre")
        assert len(server.requests) - before == 2
    assert len(flags(run)) == 2


@pytest.mark.parametrize(
    ("back", "english", "cue"),
    [
        ("It requires a longer process.", "It allows for a longer process.", "permission → requirement"),
        ("Prices were lower this year.", "Prices were higher this year.", "more → less"),
        ("The model does not learn.", "The model learns.", "negation"),
        ("The model didn't learn.", "The model learned.", "negation"),
        ("The model learned a lot.", "The model learned much.", ""),
        ("You can use more data.", "More data can be used.", ""),
    ],
)
def test_meaning_cues(back: str, english: str, cue: str):
    found = translate.meaning_cue_change(back, english)
    assert found.startswith(cue) if cue else found == ""


def test_review_b_key_shows_the_shown_pairs_back_translation(article, run, home, monkeypatch):
    """In review, b shows the shown pair's back-translation (from the cache when it is there), and
    the queue goes on; a translator that is down is one line, and the queue still goes on."""
    monkeypatch.setattr("pipeline.cli.common.stdin_is_interactive", lambda: True)
    with local_server(libre) as server:
        monkeypatch.setenv("LIBRE_URL", server.url)
        run("check", "m", "--back-translate", "libre")
        sent = len(server.requests)
        out = run("review", "m", "--back-translate", "libre", input="bbq").output
        assert out.count("back-translation (libre): Reinforcement learning requires") == 2
        assert "[b]ack-translate" in out and len(server.requests) == sent  # cached
    from pipeline import store

    db = store.open_db(home / "notes.db")
    db["translation_cache"].delete_where()
    db.conn.commit()
    monkeypatch.setenv("LIBRE_URL", unused_url())
    monkeypatch.setenv("READNOTES_TRANSLATE_ATTEMPTS", "1")
    out = run("review", "m", "--back-translate", "libre", input="bq").output
    assert "back-translate: " in out and "unreachable" in out and "Traceback" not in out
    assert "0 decisions saved" in out
