"""The desk in a real browser: headless Chromium (the system's, driven by Playwright) against the
server running on 127.0.0.1, through what a reader does (issue 18). Then the CLI reads the same
records: what the browser decided is what `readnotes review` would have written."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from desk_browser import browser_missing, browser_page, served

from pipeline import app
from pipeline.cli import cli
from pipeline.workspace import Workspace

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(browser_missing()), reason=browser_missing() or "browser ready"),
]
SAMPLE = "karpathy-2025"


def expect(locator):
    """playwright's expect (waits until the page agrees), imported here: without playwright the
    module still loads and its tests skip."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def invoke(home: Path, *args: str):
    result = CliRunner().invoke(cli, ["--home", str(home), "-q", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def flags(home: Path) -> dict[str, dict]:
    return {f["evidence"]: f for f in json.loads(invoke(home, "flags", "--json").stdout)}


def decision_rows(home: Path) -> list[dict]:
    rows = Workspace(home).db["flag_decisions"].rows_where(order_by="id")
    return [{k: r[k] for k in ("fingerprint", "slug", "check", "evidence", "action", "text")} for r in rows]


@pytest.fixture
def home(ws: Path) -> Path:
    invoke(ws, "vocab", "import", str(ws / "raw/karpathy-2025.vocab.md"))
    return ws


# long: one reader's session, step by step, each step checked in the page and then in notes.db
def test_a_reading_and_review_session(home: Path, tmp_path: Path):
    twin = tmp_path / "twin"  # the same workspace, decided through the app as `review` does
    shutil.copytree(home, twin)
    with served(home) as url, browser_page() as page:
        # The library, then the sample.
        page.goto(url + "/")
        page.get_by_role("link", name="2025 LLM Year in Review").click()
        page.wait_for_url(f"**/a/{SAMPLE}")
        marks = page.locator('mark.flag[data-check="acronym-gloss"]')
        assert marks.count() == 4
        assert marks.all_inner_texts() == [
            "LLM(학습 모델)",
            "SFT(스위칭 함수 이론)",
            "RLHF(역추적 함수 이론)",
            "RLVR(역추적 보상 함수 이론)",
        ]
        for k in range(4):  # underlined, as the browser draws it
            line = marks.nth(k).evaluate("e => getComputedStyle(e).textDecorationLine")
            assert "underline" in line

        # A term to learning, from the word in the text.
        term = page.locator('.pairs .en .vocab[data-term="point of inflection"]')
        assert term.get_attribute("title") == "변곡점 · new"
        term.click()
        reading_at = page.evaluate("window.scrollY")
        page.locator("#popover").get_by_role("button", name="learning").click()  # saved in place
        expect(term).to_have_class(re.compile(r"\bst-learning\b"))
        assert term.get_attribute("title") == "변곡점 · learning" and page.locator("#popover").is_hidden()
        card = page.locator('#term-point\\ of\\ inflection button[aria-pressed="true"]')
        assert card.inner_text() == "learning"
        assert page.evaluate("window.scrollY") == reading_at  # no reload, no jump to the word list

        # Review: dismiss the first (errors first: the LLM gloss) with its key, fix the SFT gloss.
        page.get_by_role("link", name="Review flags").click()
        page.wait_for_url("**/review?slug=*")
        assert page.locator(".queue .card").count() == 5
        with page.expect_navigation():
            page.keyboard.press("d")
        assert page.locator(".queue .card").count() == 4
        sft = page.locator(".queue .card", has_text="SFT(스위칭 함수 이론)").first
        fix = sft.locator("form.act-fix input[name=text]")
        fix.fill("SFT(지도 미세 조정)")
        fix.press("Enter")
        page.wait_for_url("**promote=*")
        offer = page.locator("section.offer")
        assert "Teach the term base for SFT" in offer.inner_text()
        with page.expect_navigation():
            offer.get_by_role("button", name="both").click()
        assert page.locator("section.offer").count() == 0 and page.locator(".queue .card").count() == 3

        # Search, from the box in the header.
        page.get_by_role("searchbox", name="Search").fill("연구소")
        page.get_by_role("searchbox", name="Search").press("Enter")
        page.wait_for_url("**/?q=*")
        assert page.locator("mark.hit").all_inner_texts() == ["연구소", "연구소"]
        page.locator(".match a").first.click()
        page.wait_for_url(f"**/a/{SAMPLE}#ko-4")

        # A second article, pasted: progress, then the reader.
        page.get_by_role("link", name="Add an article").click()
        page.locator("textarea[name=en]").fill(
            "Notes on reward models\n\nA reward model scores answers. RLHF trains the policy against it.\n"
        )
        page.locator("textarea[name=ko]").fill(
            "보상 모델에 관한 메모\n\n"
            "보상 모델은 답변에 점수를 매깁니다. RLHF는 그 모델에 맞춰 정책을 훈련합니다.\n"
        )
        page.get_by_role("button", name="Add").click()
        page.wait_for_url("**/a/notes-on-reward-models", timeout=120_000)
        assert "보상 모델은 답변에 점수를 매깁니다." in page.locator(".pairs").inner_text()

    # The CLI sees every change at once, and the records are those `readnotes review` writes.
    after = flags(home)
    assert after["LLM(학습 모델)"]["status"] == "dismissed"
    assert after["SFT(스위칭 함수 이론)"]["status"] == "fixed"
    assert after["SFT(스위칭 함수 이론)"]["fix"] == "SFT(지도 미세 조정)"
    tw = Workspace(twin)
    by_evidence = {f.evidence: f for f in app.flag_views(tw)}
    app.decide(tw, by_evidence["LLM(학습 모델)"], "dismiss")
    app.decide(tw, by_evidence["SFT(스위칭 함수 이론)"], "fix", "SFT(지도 미세 조정)")
    assert decision_rows(home) == decision_rows(twin)
    vocab = {t["term"]: t["status"] for t in json.loads(invoke(home, "vocab", "list", "--json").stdout)}
    assert vocab["point of inflection"] == "learning"
    sft = app.load_termbase(Workspace(home)).get("SFT")
    assert "지도 미세 조정" in sft.accepted and "스위칭 함수 이론" in sft.forbidden
    assert "notes-on-reward-models" in invoke(home, "list").stdout
    sheet = (home / "exports" / f"{SAMPLE}.md").read_text(encoding="utf-8")
    assert re.search(r"“SFT\(스위칭 함수 이론\)” → “SFT\(지도 미세 조정\)”", sheet)


@pytest.fixture
def translator(monkeypatch):
    """A LibreTranslate-speaking server on 127.0.0.1 for the b key, and no LLM reviewer set up."""
    from local_server import local_server
    from test_serve_lookups import libre

    for name, value in {"LIBRE_API_KEY": "local", "READNOTES_TRANSLATE_INTERVAL": "0"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("READNOTES_LLM_MODEL", "test-7b")
    monkeypatch.delenv("READNOTES_LLM_URL", raising=False)
    with local_server(libre) as server:
        monkeypatch.setenv("LIBRE_URL", server.url)
        yield monkeypatch


def test_b_and_l_answer_under_the_flag_without_leaving_the_queue(home: Path, translator):
    from local_server import local_server
    from test_serve_lookups import EVIDENCE, reviewer

    with served(home, translator="libre") as url, browser_page() as page:
        page.goto(f"{url}/review?slug={SAMPLE}")
        first = page.locator(".queue .card.current")
        page.keyboard.press("b")
        answer = first.locator(".lookups .answer")
        answer.wait_for()
        assert answer.inner_text().startswith("Back-translation (libre): back of ")
        page.keyboard.press("l")  # no reviewer set up: what to set, on the card
        problem = first.locator(".lookups .problem")
        problem.wait_for()
        assert "Error: the LLM reviewer needs READNOTES_LLM_URL" in problem.inner_text()
        assert page.url == f"{url}/review?slug={SAMPLE}"  # still in the queue, in place
        with local_server(reviewer) as server:
            translator.setenv("READNOTES_LLM_URL", f"{server.url}/v1")
            sft = page.locator(".queue .card", has_text=EVIDENCE).first
            sft.locator(".message").click()
            sft.get_by_role("button", name="ask the LLM").click()
            found = sft.locator(".lookups .answer")
            found.wait_for()
            assert f"LLM reviewer (test-7b): major mistranslation on {EVIDENCE}" in found.inner_text()
    assert Workspace(home).db["flag_decisions"].count == 0


def test_a_phone_reads_taps_for_the_gloss_and_sets_a_status(home: Path):
    """At a phone's width (390 px, touch) no page scrolls sideways; a tapped word shows its gloss."""
    with served(home) as url, browser_page(390, 800, has_touch=True, is_mobile=True) as page:
        for path in ("/", "/?q=연구소", f"/a/{SAMPLE}", "/review", "/add"):
            page.goto(url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        page.goto(f"{url}/a/{SAMPLE}")
        page.locator('.pairs .en .vocab[data-term="point of inflection"]').tap()
        popover = page.locator("#popover")
        assert popover.is_visible() and "변곡점" in popover.inner_text()
        popover.get_by_role("button", name="learning").tap()
        expect(page.locator('.pairs .en .vocab[data-term="point of inflection"]')).to_have_class(
            re.compile(r"\bst-learning\b")
        )
    vocab = {t["term"]: t["status"] for t in json.loads(invoke(home, "vocab", "list", "--json").stdout)}
    assert vocab["point of inflection"] == "learning"


def test_pages_work_without_javascript(home: Path, translator):
    """Progressive enhancement: with scripts off, the forms still look up and decide."""
    with served(home, translator="libre") as url, browser_page() as page:
        page.context.route("**/*.js", lambda route: route.abort())
        page.goto(url + "/review")
        with page.expect_navigation():
            page.locator(".queue .card").first.get_by_role("button", name="back-translate").click()
        assert page.locator(".card.current .lookups .answer").inner_text().startswith("Back-translation")
        with page.expect_navigation():
            page.locator(".queue .card").first.locator("form.act-dismiss button").click()
        assert page.locator(".queue .card").count() == 4
    assert flags(home)["LLM(학습 모델)"]["status"] == "dismissed"
