"""The LLM reviewer against a real chat-completions server on 127.0.0.1 (no mocked client):
good answers, code fences, malformed JSON, spans in no pair, wrong pair ids, 429 then success, a
server that never answers, one that drips bytes, and one that is down. Each run ends in flags or in
one `Error:` line, and a failure leaves notes.db as it was."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from local_server import Reply, Request, chat_reply, local_server, unused_url
from meaning_article import EN, KO
from workspace_state import dump

from pipeline.cli import cli
from pipeline.models import Bead
from pipeline.stages import llm

#: What the scripted reviewer finds: a Korean substring → (explanation, fix).
FINDINGS = {
    "필요합니다": ("the English says 'allows', the Korean says 'requires'", "가능하게 합니다"),
    "성능 대비 비용": ("capability per dollar became cost per capability", "비용 대비 높은 성능"),
}

_PAIR = re.compile(r"^\[(\d+)\]\nEN: .*\nKO: (.*)$", re.M)


def review(request: Request, pair_id=lambda n: n, extra: list[dict] | None = None) -> list[dict]:
    """Errors by the contract for the pairs of a request, as a model would find them."""
    user = request.body["messages"][-1]["content"]
    errors = []
    for m in _PAIR.finditer(user):
        for span, (why, fix) in FINDINGS.items():
            if span in m.group(2):
                errors.append(
                    {"pair": pair_id(int(m.group(1))), "span": span, "category": "mistranslation"}
                    | {"severity": "major", "explanation": why, "fix": fix}
                )
    return errors + (extra or [])


def good(request: Request) -> Reply:
    return chat_reply(json.dumps({"errors": review(request)}, ensure_ascii=False))


@pytest.fixture
def article(home: Path, run, monkeypatch) -> str:
    (home / "m.en.md").write_text(EN, encoding="utf-8")
    (home / "m.ko.md").write_text(KO, encoding="utf-8")
    run("add", str(home / "m.en.md"), "--ko", str(home / "m.ko.md"), "--slug", "m")
    monkeypatch.setenv("READNOTES_LLM_MODEL", "test-7b")
    monkeypatch.setenv("READNOTES_LLM_TIMEOUT", "3")  # generous: a loaded machine must not time out
    monkeypatch.setenv("READNOTES_LLM_ATTEMPTS", "2")
    monkeypatch.setenv("READNOTES_LLM_BACKOFF", "0.01")
    monkeypatch.delenv("READNOTES_LLM_API_KEY", raising=False)
    return "m"


def loud(home: Path, *args: str):
    """The CLI without -q: the cost estimate and the summary go to stderr."""
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def llm_flags(run) -> list[dict]:
    return [f for f in json.loads(run("flags", "m", "--json").stdout) if f["check"] == "llm"]


def use(monkeypatch, url: str) -> None:
    monkeypatch.setenv("READNOTES_LLM_URL", f"{url}/v1")


def test_good_answers_become_flags_on_exact_spans_and_a_rerun_sends_nothing(article, run, home, monkeypatch):
    with local_server(good) as server:
        use(monkeypatch, server.url)
        result = loud(home, "check", "m", "--llm")
        sent = len(server.requests)
        assert sent == 1 and server.requests[0].path == "/v1/chat/completions"
        body = server.requests[0].body
        assert body["model"] == "test-7b" and body["response_format"] == {"type": "json_object"}
        assert "4 pairs, 0 cached, 4 to send in 1 requests" in result.stderr
        flags = llm_flags(run)
        assert {(f["evidence"], f["severity"]) for f in flags} == {
            ("필요합니다", "error"),
            ("성능 대비 비용", "error"),
        }
        for f in flags:
            assert (
                f["evidence"] in f["ko_text"]
                and "test-7b" in f["message"]
                and "suggested fix" in f["message"]
            )
        assert "allows" in next(f for f in flags if f["evidence"] == "필요합니다")["en_text"]
        run("check", "m", "--llm")
        run("check", "m")  # a plain check keeps the cached review's flags
        assert len(server.requests) == sent
        assert {f["id"] for f in llm_flags(run)} == {f["id"] for f in flags}


def test_rule_flags_survive_and_llm_flags_are_listed_by_check(article, run, monkeypatch):
    before = [f for f in json.loads(run("flags", "m", "--json").stdout)]
    with local_server(good) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm")
    after = json.loads(run("flags", "m", "--json").stdout)
    assert [f["id"] for f in after if f["check"] != "llm"] == [f["id"] for f in before]
    listed = run("flags", "m", "--check", "llm").output
    assert "필요합니다" in listed and "llm" in listed


def test_decisions_on_llm_flags_survive_plain_checks_and_reruns(article, run, home, monkeypatch):
    from pipeline import app
    from pipeline.workspace import Workspace

    with local_server(good) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm")
        ws = Workspace(home)
        view = next(v for v in app.flag_views(ws, "m", check="llm") if v.evidence == "필요합니다")
        app.decide(ws, view, "accept")
        run("check", "m")
        run("check", "m", "--llm")
    statuses = {f["evidence"]: f["status"] for f in llm_flags(run)}
    assert statuses == {"필요합니다": "accepted", "성능 대비 비용": "open"}


def test_answers_in_code_fences_with_trailing_text(article, run, monkeypatch):
    def fenced(request: Request) -> Reply:
        payload = json.dumps({"errors": review(request)}, ensure_ascii=False, indent=1)
        return chat_reply(f"Here is my review:\n```json\n{payload}\n```\nLet me know if you need more.")

    with local_server(fenced) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm")
    assert len(llm_flags(run)) == 2


def test_malformed_json_gives_no_flags_and_is_asked_again(article, run, home, monkeypatch):
    with local_server(lambda r: chat_reply('{"errors": [{"pair": 1, "span": ')) as server:
        use(monkeypatch, server.url)
        result = loud(home, "check", "m", "--llm")
        assert "no readable JSON" in result.stderr and llm_flags(run) == []
        server.behaviour = good
        run("check", "m", "--llm")  # nothing was cached, so the pairs are sent again
        assert len(server.requests) == 2
    assert len(llm_flags(run)) == 2


def test_spans_in_no_pair_are_dropped_and_counted(article, run, home, monkeypatch):
    invented = [{"pair": 1, "span": "존재하지 않는 문장", "category": "addition", "severity": "minor"}]

    def answer(request: Request) -> Reply:
        return chat_reply(json.dumps({"errors": review(request, extra=invented)}, ensure_ascii=False))

    with local_server(answer) as server:
        use(monkeypatch, server.url)
        result = loud(home, "check", "m", "--llm")
    assert "1 spans found in no pair were dropped" in result.stderr
    assert {f["evidence"] for f in llm_flags(run)} == {"필요합니다", "성능 대비 비용"}


def test_wrong_or_missing_pair_ids_are_resolved_by_the_span(article, run, monkeypatch):
    def answer(request: Request) -> Reply:
        errors = review(request, pair_id=lambda n: 99)
        errors[0].pop("pair")
        return chat_reply(json.dumps({"errors": errors}, ensure_ascii=False))

    with local_server(answer) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm")
    by_span = {f["evidence"]: f["ko_text"] for f in llm_flags(run)}
    assert "필요합니다" in by_span["필요합니다"] and "성능 대비 비용" in by_span["성능 대비 비용"]


def test_429_then_success(article, run, monkeypatch):
    replies = iter([Reply(429, b'{"error": "slow down"}', {"retry-after": "0"})])

    def answer(request: Request) -> Reply:
        return next(replies, None) or good(request)

    with local_server(answer) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm")
        assert len(server.requests) == 2
    assert len(llm_flags(run)) == 2


def test_servers_without_json_mode_get_asked_again_without_it(article, run, monkeypatch):
    def old_server(request: Request) -> Reply:
        if "response_format" in request.body:
            return Reply(400, b'{"error": "unknown field: response_format"}')
        return good(request)

    with local_server(old_server) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm")
        assert len(server.requests) == 2 and "response_format" not in server.requests[1].body
    assert len(llm_flags(run)) == 2


def test_a_refused_key_is_one_line_naming_the_key_variable(article, run, monkeypatch):
    with local_server(lambda r: Reply(401, b'{"error": "invalid api key"}')) as server:
        use(monkeypatch, server.url)
        result = run("check", "m", "--llm", ok=False)
    assert result.exit_code == 1 and "HTTP 401" in result.output and "READNOTES_LLM_API_KEY" in result.output


@pytest.mark.slow
def test_the_overall_deadline_keeps_what_was_answered_and_a_rerun_resumes(article, run, monkeypatch):
    monkeypatch.setenv("READNOTES_LLM_BATCH", "1")
    monkeypatch.setenv("READNOTES_LLM_DEADLINE", "1")

    late: list[bool] = [True]

    def slow(request: Request) -> Reply:  # in the first run, the first answer comes at once, the rest late
        reply = good(request)
        reply.delay = 3 if late[0] and len(server.requests) > 1 else 0
        return reply

    with local_server(slow) as server:
        use(monkeypatch, server.url)
        result = run("check", "m", "--llm", ok=False)
        assert (
            "overall deadline of 1 s passed" in result.output
            and "of 4 batches answered and kept" in result.output
        )
        kept = int(re.search(r"(\d+) of 4 batches answered and kept", result.output).group(1))
        before = len(server.requests)
        monkeypatch.setenv("READNOTES_LLM_DEADLINE", "60")
        late[0] = False
        run("check", "m", "--llm")
        assert kept == 1 and len(server.requests) - before == 3
    assert len(llm_flags(run)) == 2


def failing(run, home: Path, monkeypatch, url: str) -> str:
    """Run `check --llm` against a failing server: one Error line, notes.db as it was."""
    run("check", "m")  # the tables exist before the snapshot
    before = dump(home / "notes.db")
    use(monkeypatch, url)
    started = time.monotonic()
    result = run("check", "m", "--llm", ok=False)
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "READNOTES_LLM_URL" in lines[0], lines
    assert dump(home / "notes.db") == before
    return lines[0]


def test_server_down(article, run, home, monkeypatch):
    assert "connection refused" in failing(run, home, monkeypatch, unused_url())


@pytest.mark.slow
def test_server_that_never_answers(article, run, home, monkeypatch):
    monkeypatch.setenv("READNOTES_LLM_TIMEOUT", "0.6")
    with local_server(lambda r: Reply(delay=3.0)) as server:
        line = failing(run, home, monkeypatch, server.url)
    assert "no answer within" in line and "2 attempts" in line


@pytest.mark.slow
def test_server_that_drips_bytes(article, run, home, monkeypatch):
    monkeypatch.setenv("READNOTES_LLM_TIMEOUT", "0.6")
    with local_server(lambda r: chat_reply('{"errors": []}', drip=0.05)) as server:
        line = failing(run, home, monkeypatch, server.url)
    assert "no complete answer within" in line


def test_missing_configuration_names_the_variables(article, run, monkeypatch):
    monkeypatch.delenv("READNOTES_LLM_URL", raising=False)
    result = run("check", "m", "--llm", ok=False)
    assert result.exit_code == 1 and "READNOTES_LLM_URL" in result.output


def test_cost_guard_refuses_before_sending(article, run, monkeypatch):
    with local_server(good) as server:
        use(monkeypatch, server.url)
        result = run("check", "m", "--llm", "--llm-max-pairs", "1", ok=False)
        assert server.requests == []
    assert (
        result.exit_code == 1 and "--llm-max-pairs 1" in result.output and "--only-flagged" in result.output
    )


def test_only_flagged_sends_only_suspect_pairs(article, run, home, monkeypatch):
    (home / "m.ko.md").write_text(KO.replace("2025년", "2024년"), encoding="utf-8")
    run("add", str(home / "m.en.md"), "--ko", str(home / "m.ko.md"), "--slug", "m")
    rule = json.loads(run("flags", "m", "--json").stdout)
    assert [f["check"] for f in rule] == ["number"]
    with local_server(good) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm", "--only-flagged")
    user = server.requests[0].body["messages"][-1]["content"]
    assert len(server.requests) == 1 and [m.group(2) for m in _PAIR.finditer(user)] == [rule[0]["ko_text"]]
    assert "Context (do not review)" in user  # its neighbour came along for context


# --- the stage's own pieces ----------------------------------------------------------------------


def test_parse_errors_reads_fences_bare_lists_and_trailing_text():
    assert llm.parse_errors('{"errors": []}') == []
    assert llm.parse_errors('Sure! [{"span": "a", "category": "omission"}] Done.') == [
        {"span": "a", "category": "omission"}
    ]
    assert llm.parse_errors('```\n{"errors": [{"span": "x"}]}\n``` hope this helps') == [{"span": "x"}]
    assert llm.parse_errors("I found no errors.") is None


def test_locate_prefers_the_named_pair_and_falls_back_to_the_span():
    beads = [Bead([0], [0], 1.0, "a", "같은 말"), Bead([1], [1], 1.0, "b", "같은 말 다른 말")]
    batch = llm.Batch((0, 1))
    ko = {0: beads[0].ko_text, 1: beads[1].ko_text}
    located = llm.locate(
        [
            {"pair": 2, "span": "같은 말", "category": "Mistranslation (meaning)", "severity": "MAJOR"},
            {"pair": "P7", "span": "다른 말"},
            {"pair": 1, "span": "없는 말"},
            {"pair": 1, "span": "같은말"},  # a space the model dropped
        ],
        batch,
        ko,
    )
    assert [e.span for e in located.errors[1]] == ["같은 말", "다른 말"]
    assert [e.span for e in located.errors[0]] == ["같은 말"]
    assert located.errors[1][0].category == "mistranslation" and located.errors[1][0].severity == "major"
    assert located.errors[1][1].category == "mistranslation" and located.errors[1][1].severity == "minor"
    assert located.dropped == 1


def test_the_request_carries_neighbours_and_term_entries():
    from pipeline.stages import terms

    beads = [
        Bead([0], [0], 1.0, "First.", "첫째."),
        Bead([1], [1], 1.0, "We use reinforcement learning.", "강화 학습을 씁니다."),
        Bead([2], [2], 1.0, "Last.", "끝."),
    ]
    user = llm.messages(llm.Batch((1,)), beads, terms.bundled())[1]["content"]
    assert "Context (do not review):\nEN: First.\nKO: 첫째.\nEN: Last.\nKO: 끝." in user
    assert "reinforcement learning" in user.split("Context")[0] and "[1]\nEN: We use" in user


def test_re_adding_keeps_the_model_flags_and_add_llm_sends_only_new_pairs(article, run, home, monkeypatch):
    """`add` again (no server needed): the LLM flags come back from the cache; `add --llm` sends
    nothing more for pairs already answered."""
    with local_server(good) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm")
        sent = len(server.requests)
        stored = llm_flags(run)
        add = ["add", str(home / "m.en.md"), "--ko", str(home / "m.ko.md"), "--slug", "m"]
        run(*add, "--llm")
        assert len(server.requests) == sent
    run(*add)  # server gone: the cache answers
    assert {f["id"] for f in llm_flags(run)} == {f["id"] for f in stored}


def test_review_l_key_asks_the_llm_about_the_shown_pair(article, run, monkeypatch):
    """In review, l shows the LLM reviewer's errors on the shown pair (cached answers cost nothing)."""
    monkeypatch.setattr("pipeline.cli.common.stdin_is_interactive", lambda: True)
    with local_server(good) as server:
        use(monkeypatch, server.url)
        run("check", "m", "--llm")
        sent = len(server.requests)
        out = run("review", "m", input="lq").output
        assert "[l]lm" in out and "llm: major " in out and "“필요합니다”" in out
        assert len(server.requests) == sent
