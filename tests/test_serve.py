"""readnotes serve: the desk's pages, its safety rules (Host, Origin, CSRF, escaping, sizes), its
answers to bad input, and decisions that are the very records `readnotes review` writes (issue 18).

In-process through starlette's TestClient; the browser tests are in test_serve_browser.py."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from pipeline import app
from pipeline.cli import cli, review_queue
from pipeline.stages import ingest
from pipeline.web import create_app
from pipeline.workspace import Workspace

BASE = "http://127.0.0.1:8765"
ORIGIN = {"Origin": BASE}
SAMPLE = "karpathy-2025"


def invoke(home: Path, *args: str):
    result = CliRunner().invoke(cli, ["--home", str(home), "-q", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def home(ws: Path) -> Path:
    """The sample added, with its word list imported."""
    invoke(ws, "vocab", "import", str(ws / "raw/karpathy-2025.vocab.md"))
    return ws


@pytest.fixture
def client(home: Path):
    with TestClient(create_app(home), base_url=BASE, follow_redirects=False) as c:
        yield c


def token(client: TestClient) -> str:
    return client.app.state.desk.guard.csrf_token


def post(client: TestClient, url: str, data: dict | None = None, files=None, headers=None, **kw):
    data = {"csrf_token": token(client)} | (data or {})
    return client.post(url, data=data, files=files, headers=ORIGIN | (headers or {}), **kw)


def flags_json(home: Path) -> dict[str, dict]:
    return {f["evidence"]: f for f in json.loads(invoke(home, "flags", "--json").stdout)}


def flag_id(home: Path, evidence: str) -> str:
    return flags_json(home)[evidence]["id"]


def decision_rows(home: Path) -> list[dict]:
    rows = Workspace(home).db["flag_decisions"].rows_where(order_by="id")
    return [{k: r[k] for k in ("fingerprint", "slug", "check", "evidence", "action", "text")} for r in rows]


# --- pages -------------------------------------------------------------------------------------


def test_library_lists_the_article_with_its_counts(client: TestClient):
    page = client.get("/")
    assert page.status_code == 200
    assert '<a class="title" href="/a/karpathy-2025">2025 LLM Year in Review</a>' in page.text
    assert '<span class="badge error">4 errors</span>' in page.text
    assert '<span class="badge warning">1 warning</span>' in page.text
    assert '<td class="num" data-label="Coverage">89%</td>' in page.text


def test_search_marks_the_matches_and_links_into_the_article(client: TestClient):
    page = client.get("/", params={"q": "연구소"})
    assert page.status_code == 200
    assert page.text.count('<mark class="hit">연구소</mark>') == 2
    assert 'href="/a/karpathy-2025#ko-4"' in page.text
    assert client.get("/a/karpathy-2025").text.count('id="ko-4"') == 1  # the link lands on the sentence


def test_an_empty_search_says_so(client: TestClient):
    page = client.get("/", params={"q": "  ...  "})
    assert page.status_code == 400 and "Error: nothing to search for" in page.text


def test_reader_underlines_the_flags_and_highlights_the_vocabulary(client: TestClient):
    page = client.get(f"/a/{SAMPLE}").text
    marks = re.findall(
        r'<mark class="flag error status-open" data-check="acronym-gloss"[^>]*>([^<]*)</mark>', page
    )
    assert marks == [
        "LLM(학습 모델)",
        "SFT(스위칭 함수 이론)",
        "RLHF(역추적 함수 이론)",
        "RLVR(역추적 보상 함수 이론)",
    ]
    assert re.search(
        r'<span class="vocab st-new" data-term="point of inflection"[^>]*title="변곡점 · new"', page
    )
    assert 'class="pair kind-1-0 omission' in page  # the untranslated title is shown as such
    assert 'href="/a/karpathy-2025/print?layout=side"' in page


def test_print_is_the_study_sheet_with_its_print_stylesheet(client: TestClient):
    page = client.get(f"/a/{SAMPLE}/print")
    assert page.status_code == 200 and "@page { size: A4" in page.text and '<body class="side">' in page.text
    assert '<script src="/static/print.js"></script>' in page.text
    assert client.get(f"/a/{SAMPLE}/print", params={"layout": "sideways"}).status_code == 400


def test_assets_ship_in_the_package(client: TestClient):
    from importlib.resources import files

    for name in ("desk.js", "desk.css", "print.js"):
        assert files("pipeline.web").joinpath("static", name).is_file()
        assert client.get(f"/static/{name}").status_code == 200
    assert files("pipeline.web").joinpath("templates", "reader.html").is_file()


# --- safety ------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "rebind.attacker:8765"])
def test_a_foreign_host_header_is_refused(client: TestClient, host: str):
    assert client.get("/", headers={"Host": host}).status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "localhost"])
def test_local_host_headers_are_served(client: TestClient, host: str):
    assert client.get("/", headers={"Host": host}).status_code == 200


def test_an_ipv6_loopback_server_answers_to_its_bracketed_name(home: Path):
    with TestClient(create_app(home, bound="::1"), base_url="http://[::1]:8765") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"Host": "[::2]:8765"}).status_code == 400


def test_a_host_given_with_allow_host_is_served(home: Path):
    with TestClient(create_app(home, "0.0.0.0", ("notes.lan",)), base_url="http://notes.lan:8765") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"Host": "0.0.0.0:8765"}).status_code == 400


def test_changes_need_the_csrf_token(client: TestClient, home: Path):
    target = f"/review/{flag_id(home, 'SFT(스위칭 함수 이론)')}"
    assert client.post(target, data={"action": "dismiss"}, headers=ORIGIN).status_code == 403
    bad = client.post(target, data={"action": "dismiss", "csrf_token": "0" * 64}, headers=ORIGIN)
    assert bad.status_code == 403 and "security token" in bad.text
    assert decision_rows(home) == []
    assert post(client, target, {"action": "dismiss"}).status_code == 303
    assert len(decision_rows(home)) == 1


def test_each_server_has_its_own_token(home: Path):
    assert create_app(home).state.desk.guard.csrf_token != create_app(home).state.desk.guard.csrf_token


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://127.0.0.1:9999"},  # another port is another origin
        {"Origin": "null"},
        {"Referer": "http://evil.example/page"},
    ],
)
def test_changes_from_another_origin_are_refused_even_with_the_token(client, home, headers):
    target = f"/review/{flag_id(home, 'SFT(스위칭 함수 이론)')}"
    answer = client.post(target, data={"action": "dismiss", "csrf_token": token(client)}, headers=headers)
    assert answer.status_code == 403 and "another site" in answer.text
    assert decision_rows(home) == []


def test_every_change_is_a_post_behind_the_token(client: TestClient):
    """Each POST route refuses a form without the token; none changes anything on GET."""
    posts = [r for r in client.app.routes if "POST" in (getattr(r, "methods", None) or ())]
    assert {r.path for r in posts} == {
        "/vocab/status",
        "/review/{flag_id}",
        "/review/{flag_id}/promote",
        "/review/{flag_id}/lookup",
        "/add",
    }
    for route in posts:
        path = route.path.replace("{flag_id}", "x")
        assert client.post(path, data={"action": "dismiss"}, headers=ORIGIN).status_code == 403, path
        if path != "/add":
            assert client.get(path).status_code == 405, path


def test_security_headers(client: TestClient):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_article_text_is_escaped(client: TestClient, home: Path):
    # Ingest drops inline HTML from prose; a code span keeps it as text, as a sentence may.
    hostile = '`<script>alert("x")</script><img src=x onerror=alert(1)>`'
    en = f"# A hostile page\n\nThe model said {hostile} and stopped. Then it went on.\n"
    ko = f"# 적대적인 페이지\n\n모델은 {hostile} 라고 말하고 멈췄다. 그리고 계속했다.\n"
    slug = add_and_wait(client, {"en": en, "ko": ko, "slug": "hostile", "format": "markdown"})
    page = client.get(f"/a/{slug}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    results = client.get("/", params={"q": "hostile"}).text
    assert "<script>alert" not in results and "<img src=x" not in results


def test_redirects_after_a_change_stay_on_this_server(client: TestClient):
    answer = post(
        client, "/vocab/status", {"term": "vicinity", "status": "known", "next": "//evil.example/x"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"


# --- decisions: the same records as `readnotes review` ----------------------------------------


def copy_workspace(home: Path, twin: Path) -> Path:
    """A copy of a workspace the running server has open: notes.db through SQLite's backup, since
    its WAL file may be checkpointed away while shutil copies the folder."""
    shutil.copytree(home, twin, ignore=shutil.ignore_patterns("notes.db*"))
    with (
        closing(sqlite3.connect(home / "notes.db")) as source,
        closing(sqlite3.connect(twin / "notes.db")) as copy,
    ):
        source.backup(copy)
    return twin


def test_browser_decisions_are_the_records_review_writes(client: TestClient, home: Path, tmp_path: Path):
    twin = copy_workspace(home, tmp_path / "twin")
    sft, llm = flag_id(home, "SFT(스위칭 함수 이론)"), flag_id(home, "LLM(학습 모델)")
    assert post(client, f"/review/{llm}", {"action": "dismiss", "slug": SAMPLE}).status_code == 303
    assert post(client, f"/review/{sft}", {"action": "note", "text": "see the paper"}).status_code == 303
    # The terminal queue on a copy: d on the LLM flag, then note on SFT (skip what comes between).
    ws = Workspace(twin)
    queue = app.review_queue(ws)
    keys = "".join("d" if v.id == llm else "n" if v.id == sft else "s" for v in queue)
    console = review_queue.Console(iter(keys).__next__, lambda *_: "see the paper", lambda _: None)
    review_queue.run_queue(ws, queue, console)
    assert decision_rows(home) == decision_rows(twin)
    assert flags_json(home)["LLM(학습 모델)"]["status"] == "dismissed"
    assert flags_json(home)["SFT(스위칭 함수 이론)"]["note"] == "see the paper"
    # The study sheet was rewritten with the decision: a dismissed false alarm is no longer marked.
    sheet = (home / "exports" / f"{SAMPLE}.md").read_text(encoding="utf-8")
    assert "`LLM(학습 모델)`" not in sheet and "`SFT(스위칭 함수 이론)`" in sheet


def test_a_fix_offers_the_term_base_and_promotes(client: TestClient, home: Path):
    sft = flag_id(home, "SFT(스위칭 함수 이론)")
    answer = post(client, f"/review/{sft}", {"action": "fix", "text": "SFT(지도 미세 조정)", "slug": SAMPLE})
    assert answer.status_code == 303 and f"promote={sft}" in answer.headers["location"]
    offer = client.get(answer.headers["location"]).text
    assert "Teach the term base for <b>SFT</b>" in offer and "forbid “스위칭 함수 이론”" in offer
    assert post(client, f"/review/{sft}/promote", {"choice": "both", "slug": SAMPLE}).status_code == 303
    entry = app.load_termbase(Workspace(home)).get("SFT")
    assert "지도 미세 조정" in entry.accepted and "스위칭 함수 이론" in entry.forbidden
    assert flags_json(home)["SFT(스위칭 함수 이론)"] | {} == flags_json(home)["SFT(스위칭 함수 이론)"]
    assert flags_json(home)["SFT(스위칭 함수 이론)"]["fix"] == "SFT(지도 미세 조정)"


def test_a_fix_naming_another_term_is_questioned_first(client: TestClient, home: Path):
    rlhf = flag_id(home, "RLHF(역추적 함수 이론)")
    answer = post(client, f"/review/{rlhf}", {"action": "fix", "text": "SFT(지도 미세 조정)"})
    assert answer.status_code == 409 and "names <b>SFT</b>, but the flag is about <b>RLHF</b>" in answer.text
    assert decision_rows(home) == []
    confirmed = post(
        client, f"/review/{rlhf}", {"action": "fix", "text": "SFT(지도 미세 조정)", "confirm": "1"}
    )
    assert confirmed.status_code == 303 and "promote" not in confirmed.headers["location"]  # never promoted
    assert flags_json(home)["RLHF(역추적 함수 이론)"]["status"] == "fixed"


def test_after_a_decision_the_queue_goes_on_with_the_next_flag(client: TestClient, home: Path):
    """As the terminal queue moves on: after the third flag, the fourth; a noted flag stays open
    behind; after the last, the one before it."""
    queue = [f.fingerprint for f in app.review_queue(Workspace(home), SAMPLE)]

    def decide(k: int, data: dict):
        return post(client, f"/review/{queue[k]}", {"slug": SAMPLE} | data)

    assert decide(2, {"action": "dismiss"}).headers["location"].endswith(f"#flag-{queue[3][:12]}")
    assert decide(3, {"action": "note", "text": "?"}).headers["location"].endswith(f"#flag-{queue[4][:12]}")
    assert decide(4, {"action": "accept"}).headers["location"].endswith(f"#flag-{queue[3][:12]}")
    page = client.get(f"/review?slug={SAMPLE}").text
    assert f'id="flag-{queue[3][:12]}"' in page and f'id="flag-{queue[2][:12]}"' not in page


def test_a_long_queue_comes_a_page_at_a_time(client: TestClient, home: Path, monkeypatch):
    monkeypatch.setattr("pipeline.web.pages.QUEUE_PAGE", 2)
    monkeypatch.setattr("pipeline.web.pages.DECIDED_SHOWN", 1)
    queue = [f.fingerprint for f in app.review_queue(Workspace(home))]
    page = client.get("/review").text
    assert "5 open flags, the first 2 here." in page and page.count('<li class="card') == 2
    assert f'<a href="/review?slug={SAMPLE}">{SAMPLE}</a> (5)' in page
    for k in (0, 1):
        post(client, f"/review/{queue[k]}", {"action": "dismiss"})
    page = client.get("/review").text
    assert f'id="flag-{queue[2][:12]}"' in page and f'id="flag-{queue[4][:12]}"' not in page  # the next come
    assert "2 decided (the latest 1 below)" in page


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"action": "shrug"}, 400, "unknown action"),
        ({"action": "fix", "text": "  "}, 400, "a fix needs text"),
        ({"action": "note"}, 400, "a note needs text"),
        ({"action": "fix", "text": "SFT(스위칭 함수 이론)"}, 400, "the same as the flagged text"),
    ],
)
def test_bad_decisions_are_refused_on_the_page(client: TestClient, home: Path, data, status, message):
    answer = post(client, f"/review/{flag_id(home, 'SFT(스위칭 함수 이론)')}", data)
    assert answer.status_code == status and message in answer.text and "Traceback" not in answer.text
    assert decision_rows(home) == []


def test_a_new_workspace_has_nothing_to_review_yet(tmp_path: Path):
    with TestClient(create_app(tmp_path), base_url=BASE) as c:
        page = c.get("/review")
        assert page.status_code == 200 and "Nothing to review: no open flags" in page.text
        assert "No articles yet" in c.get("/").text and c.get(f"/a/{SAMPLE}").status_code == 404
    assert not (tmp_path / "notes.db").exists()


def test_unknown_flag_article_and_page(client: TestClient):
    assert post(client, "/review/" + "0" * 16, {"action": "dismiss"}).status_code == 404
    page = client.get("/a/no-such-article")
    assert page.status_code == 404 and "Error: no article" in page.text or "no-such-article" in page.text
    assert client.get("/nowhere").status_code == 404


# --- vocabulary --------------------------------------------------------------------------------


def test_setting_a_term_status(client: TestClient, home: Path):
    answer = post(
        client, "/vocab/status", {"term": "point of inflection", "status": "learning", "next": f"/a/{SAMPLE}"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/a/{SAMPLE}"
    listed = invoke(home, "vocab", "list", "--json").stdout
    assert {t["term"]: t["status"] for t in json.loads(listed)}["point of inflection"] == "learning"
    assert 'class="vocab st-learning" data-term="point of inflection"' in client.get(f"/a/{SAMPLE}").text


@pytest.mark.parametrize(
    ("term", "status", "code", "message"),
    [
        ("vicinity", "mastered", 400, "is not a status; use one of new"),
        ("zzzq", "known", 404, "no such term (or alias) in the vocabulary"),
    ],
)
def test_bad_term_status(client: TestClient, term, status, code, message):
    answer = post(client, "/vocab/status", {"term": term, "status": status})
    assert answer.status_code == code and message.lower() in answer.text.lower()


# --- adding ------------------------------------------------------------------------------------

EN = "Tiny notes on tokenizers\n\nA tokenizer splits text into tokens. Every model needs one.\n"
KO = (
    "토크나이저에 관한 짧은 메모\n\n"
    "토크나이저는 텍스트를 토큰으로 나눕니다. 모든 모델에는 토크나이저가 필요합니다.\n"
)


def add_and_wait(client: TestClient, data: dict, files=None) -> str:
    answer = post(client, "/add", data, files=files)
    assert answer.status_code == 303, answer.text
    job = answer.headers["location"]
    for _ in range(600):
        state = client.get(job + "/status").json()
        if state["state"] != "running":
            break
        time.sleep(0.05)
    assert state["state"] == "done", state
    landed = client.get(job)
    assert landed.status_code == 303 and landed.headers["location"] == f"/a/{state['slug']}"
    return state["slug"]


def test_adding_pasted_text(client: TestClient, home: Path):
    slug = add_and_wait(client, {"en": EN, "ko": KO})
    assert slug == "tiny-notes-on-tokenizers"
    assert (home / "raw" / f"{slug}.en.txt").read_text(encoding="utf-8") == EN
    page = client.get(f"/a/{slug}").text
    assert "토크나이저는 텍스트를 토큰으로 나눕니다." in page
    assert slug in invoke(home, "list").stdout


def test_adding_uploaded_files(client: TestClient, home: Path):
    files = {
        "en_file": ("notes.en.md", b"# Tiny notes\n\nA tokenizer splits text into tokens.\n"),
        "ko_file": (
            "notes.ko.md",
            "# 짧은 메모\n\n토크나이저는 텍스트를 토큰으로 나눕니다.\n".encode("cp949"),
        ),
    }
    slug = add_and_wait(client, {"slug": "uploaded"}, files=files)
    assert (home / "raw/uploaded.en.md").exists() and "짧은 메모" in client.get(f"/a/{slug}").text


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        ({"en": "  ", "ko": KO}, 400, "the English side is empty"),
        ({"en": EN, "ko": ""}, 400, "the Korean side is empty"),
        ({"en": EN, "ko": KO, "slug": "../escape"}, 400, "is not a plain name"),
        ({"en": EN, "ko": KO, "slug": SAMPLE}, 409, "the name &#39;karpathy-2025&#39; is taken"),
    ],
)
def test_bad_paste_keeps_the_text_on_the_page(client: TestClient, home: Path, data, code, message):
    answer = post(client, "/add", data)
    assert answer.status_code == code and message in answer.text, answer.text
    assert "토크나이저는" in answer.text or not data["ko"]  # nothing the reader pasted is lost
    assert sorted(p.name for p in (home / "raw").iterdir()) == sorted(
        p.name for p in (Path(__file__).parent.parent / "raw").iterdir()
    )


def test_a_paste_that_fails_to_read_keeps_the_text_and_no_files(client: TestClient, home: Path):
    answer = post(client, "/add", {"en": KO, "ko": KO, "slug": "swapped"})
    job = answer.headers["location"]
    for _ in range(600):
        if client.get(job + "/status").json()["state"] != "running":
            break
        time.sleep(0.05)
    page = client.get(job)
    assert page.status_code == 400 and "Error: " in page.text and "토크나이저는" in page.text
    assert not list((home / "raw").glob("swapped.*"))  # a retry is not refused


def test_a_huge_upload_is_refused(client: TestClient):
    big = "A sentence. " * (ingest.MAX_BYTES // 12 + 10)
    answer = post(client, "/add", {"en": big * 3, "ko": KO})
    assert answer.status_code == 413 and "larger than" in answer.text
    over = post(client, "/add", {"en": big, "ko": KO})  # under the request's limit, over a side's
    assert over.status_code == 400 and "Error: " in over.text and "Traceback" not in over.text


def test_an_unknown_job(client: TestClient):
    assert client.get("/add/jobs/nope").status_code == 404


# --- the command -------------------------------------------------------------------------------


def started_without_serving(monkeypatch) -> list[tuple]:
    """uvicorn starts, so the desk announces itself, but serves nothing; returns the addresses of
    the sockets it was handed."""
    import asyncio

    import uvicorn

    ran: list[tuple] = []

    async def startup(self, sockets=None):
        ran.append(sockets[0].getsockname())

    monkeypatch.setattr(uvicorn.Server, "startup", startup)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: asyncio.run(self.startup(sockets)))
    return ran


def test_serve_warns_when_listening_beyond_this_machine(home: Path, monkeypatch):
    ran = started_without_serving(monkeypatch)
    wide = CliRunner().invoke(cli, ["--home", str(home), "serve", "--host", "0.0.0.0", "--port", "0"])
    assert wide.exit_code == 0 and "Warning: listening on 0.0.0.0" in wide.stderr
    local = CliRunner().invoke(cli, ["--home", str(home), "serve", "--port", "0"])
    assert local.exit_code == 0 and "Warning" not in local.stderr
    assert "Serving" in local.stdout and ran[-1][0] == "127.0.0.1"


def test_serve_on_ipv6_loopback_prints_a_url_that_works(home: Path, monkeypatch):
    import socket

    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    started_without_serving(monkeypatch)
    result = CliRunner().invoke(cli, ["--home", str(home), "serve", "--host", "::1", "--port", "0"])
    assert result.exit_code == 0 and "Warning" not in result.stderr
    assert re.search(r"at http://\[::1\]:\d+/ ", result.stdout)


def test_serve_says_when_the_port_is_taken(home: Path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["--home", str(home), "serve", "--port", str(port)])
    assert result.exit_code == 1 and f"Error: port {port} is in use" in result.output


def test_stopping_lets_an_article_being_added_finish(home: Path, monkeypatch):
    import uvicorn

    from pipeline.app import desk

    def slow_add(ws, pasted, progress):
        time.sleep(0.3)
        return pasted.slug

    def serve_one_add(self, sockets=None):  # a page started an add, then Ctrl-C came
        self.config.app.state.desk.jobs.start(desk.Pasted("English", "한국어", slug="late"))

    monkeypatch.setattr(desk, "add_pasted", slow_add)
    monkeypatch.setattr(uvicorn.Server, "run", serve_one_add)
    result = CliRunner().invoke(cli, ["--home", str(home), "serve", "--port", "0"])
    assert result.exit_code == 0 and "Finishing adding late first" in result.output
    assert result.output.rstrip().endswith("Stopped.")


def wait(client: TestClient, job: str) -> dict:
    for _ in range(600):
        state = client.get(job + "/status").json()
        if state["state"] != "running":
            return state
        time.sleep(0.05)
    raise AssertionError("the add job did not finish")


def test_asking_for_a_translation(client: TestClient, home: Path, monkeypatch):
    from pipeline.stages.translate import client as translate_client

    # The translator's HTTP call, answered here: each block comes back in Korean.
    monkeypatch.setattr(
        translate_client.Translator, "__call__", lambda self, text: "토크나이저는 텍스트를 나눕니다."
    )
    answer = post(client, "/add", {"en": EN, "ko": "", "translate": "1", "slug": "translated"})
    assert answer.status_code == 303 and wait(client, answer.headers["location"])["state"] == "done"
    assert "토크나이저는 텍스트를 나눕니다." in client.get("/a/translated").text
    assert not (home / "raw/translated.ko.txt").exists()  # the Korean lives in the translation cache


def test_an_unreachable_translator_says_what_to_do(client: TestClient, home: Path, monkeypatch):
    from pipeline.stages.translate import ServiceUnreachable
    from pipeline.stages.translate import client as translate_client

    def offline(self, text):
        raise ServiceUnreachable("google", "connection refused", 3)

    monkeypatch.setattr(translate_client.Translator, "__call__", offline)
    answer = post(client, "/add", {"en": EN, "ko": "", "translate": "1", "slug": "offline"})
    assert wait(client, answer.headers["location"])["state"] == "failed"
    page = client.get(answer.headers["location"])
    assert page.status_code == 502 and "paste the Korean side, or try again later" in page.text
    assert "Tiny notes on tokenizers" in page.text and not list((home / "raw").glob("offline.*"))


def test_ctrl_c_stops_the_server_cleanly(home: Path):
    """Ctrl-C is how a server ends: one line, exit 0, no traceback nor `Aborted!`."""
    import signal
    import subprocess
    import sys

    # SIGINT live as in a terminal, even when the test run was started in the background
    live = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)"
    command = [
        sys.executable,
        "-c",
        f"{live}; from pipeline.cli import cli; cli()",
        "--home",
        str(home),
        "serve",
    ]
    server = subprocess.Popen(
        [*command, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout.readline().startswith("Serving ")  # listening
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    finally:
        server.kill()
    assert server.returncode == 0 and out.strip() == "Stopped."
    assert "Traceback" not in err and "Aborted" not in err
