"""The review queue: decisions that survive re-processing, the interactive loop, bad input (issue 5)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import app
from pipeline import store as db
from pipeline.cli import cli, review_queue
from pipeline.stages import review, segment, terms
from pipeline.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"


@pytest.fixture(scope="session")
def kiwi():
    return segment.kiwi()


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")


@pytest.fixture
def home(tmp_path: Path, kiwi) -> Path:
    """A workspace with the sample added."""
    shutil.copytree(RAW, tmp_path / "raw")
    invoke(tmp_path, "add", "raw/karpathy-2025.en.md")
    return tmp_path


def invoke(home: Path, *args: str, input: str | None = None, ok: bool = True):
    result = CliRunner().invoke(cli, ["--home", str(home), "-q", *args], input=input, catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def flags_json(home: Path, *args: str) -> list[dict]:
    return json.loads(invoke(home, "flags", "--json", *args).stdout)


def by_evidence(home: Path) -> dict[str, dict]:
    return {f["evidence"]: f for f in flags_json(home)}


class Script:
    """A console that replays keys and lines; raises KeyboardInterrupt when the script says "^C"."""

    def __init__(self, keys: str, lines: list[str] = ()) -> None:
        self.keys = list(keys)
        self.lines = list(lines)
        self.out: list[str] = []

    def read_key(self) -> str:
        key = self.keys.pop(0)
        if key == "^":
            raise KeyboardInterrupt
        return key

    def read_line(self, prompt: str, default: str) -> str:
        return self.lines.pop(0)

    def console(self) -> review_queue.Console:
        return review_queue.Console(self.read_key, self.read_line, self.out.append)


def test_decisions_survive_reprocessing(home: Path):

    ws = Workspace(home)
    [sft] = [v for v in app.flag_views(ws) if v.evidence == "SFT(스위칭 함수 이론)"]
    [inconsistent] = [v for v in app.flag_views(ws) if v.check == "inconsistent"]
    app.decide(ws, sft, "accept")
    app.decide(ws, inconsistent, "dismiss")
    app.decide(ws, inconsistent, "note", "both renderings are fine")
    # Re-processing replaces the flags: the decisions come back by fingerprint.
    invoke(home, "add", "raw/karpathy-2025.en.md")
    invoke(home, "check")
    flags = by_evidence(home)
    assert flags["SFT(스위칭 함수 이론)"]["status"] == "accepted"
    assert (
        flags["추론 과정"]["status"] == "dismissed"
        and flags["추론 과정"]["note"] == "both renderings are fine"
    )
    assert flags["추론 과정"]["decided_at"]
    assert {f["evidence"] for f in flags_json(home, "--status", "open")} & {
        "SFT(스위칭 함수 이론)",
        "추론 과정",
    } == set()
    history = app.decision_history(ws, inconsistent.id)
    assert [h["action"] for h in history] == ["dismiss", "note"] and all(h["decided_at"] for h in history)


def test_queue_walk_with_fix_and_promotion(home: Path):
    store = db.open_db(home / "notes.db")
    ws = Workspace(home)
    queue = app.review_queue(ws)
    assert [v.severity for v in queue][:4] == ["error"] * 4
    first = queue[0]
    assert first.evidence == "LLM(학습 모델)"
    # LLM: fix it and put the fix into the term base both ways; SFT: dismiss; RLHF: note; then quit.
    script = Script("fbdnq", ["LLM(대형 언어 모델)", "checked against the paper"])
    result = review_queue.run_queue(ws, queue, script.console())
    assert (result.decided, result.left, result.interrupted) == (3, len(queue) - 3, False)
    assert result.fixed_slugs == ("karpathy-2025",) and result.promoted == ("large language model",)
    llm = terms.bundled().merged(db.user_terms(store)).get("LLM")
    assert "학습 모델" in llm.forbidden and "대형 언어 모델" in llm.accepted and llm.source == "review"
    views = {v.evidence: v for v in app.flag_views(ws)}
    assert views["LLM(학습 모델)"].status == "fixed" and views["LLM(학습 모델)"].fix == "LLM(대형 언어 모델)"
    assert views["SFT(스위칭 함수 이론)"].status == "dismissed"
    assert views["RLHF(역추적 함수 이론)"].status == "open" and views["RLHF(역추적 함수 이론)"].note
    # The evidence was shown highlighted.
    assert any("[[LLM(학습 모델)]]" in line for line in script.out)
    # The fix shows in the study sheet.
    invoke(home, "sheet", "karpathy-2025")
    sheet = (home / "exports" / "karpathy-2025.md").read_text(encoding="utf-8")
    assert "✎ *fix:* “LLM(학습 모델)” → “LLM(대형 언어 모델)”" in sheet
    # The forbidden rendering now comes from the term base itself.
    invoke(home, "check")
    [flag] = [f for f in flags_json(home) if f["evidence"] == "LLM(학습 모델)"]
    assert "forbidden" in flag["message"] and flag["status"] == "fixed"


def test_interrupted_walk_keeps_decisions(home: Path):

    ws = Workspace(home)
    queue = app.review_queue(ws)
    result = review_queue.run_queue(ws, queue, Script("da^").console())
    assert result.interrupted and result.decided == 2 and result.left == len(queue) - 2
    statuses = [v.status for v in app.flag_views(ws) if v.id in {q.id for q in queue[:3]}]
    assert sorted(statuses) == ["accepted", "dismissed", "open"]


def test_review_refuses_non_interactive_stdin(home: Path):
    result = invoke(home, "review", ok=False)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "flags --json" in result.output


def test_review_cli_single_keys_and_ctrl_c(home: Path, monkeypatch):
    monkeypatch.setattr("pipeline.cli.common.stdin_is_interactive", lambda: True)
    out = invoke(home, "review", "karpathy-2025", input="dq").output
    assert "1 decision saved" in out and "EN  " in out and "KO  " in out
    # Ctrl-C after one more decision: exit 130, both decisions kept.
    result = invoke(home, "review", input="a\x03", ok=False)
    assert result.exit_code == 130 and "Stopped. 1 decision saved" in result.output
    statuses = sorted(f["status"] for f in flags_json(home) if f["severity"] == "error")
    assert statuses == ["accepted", "dismissed", "open", "open"]
    # End of input (a closed terminal) stops the same way.
    result = invoke(home, "review", input="", ok=False)
    assert result.exit_code == 130
    # Interrupted inside the fix prompt: that flag is still left, and the counts add up.
    queued = sum(f["status"] == "open" and f["severity"] != "info" for f in flags_json(home))
    result = invoke(home, "review", input="f", ok=False)
    assert result.exit_code == 130
    assert f"Stopped. 0 decisions saved, 0 skipped, {queued} left." in result.output


def test_decide_rejects_bad_input(home: Path):

    ws = Workspace(home)
    view = app.flag_views(ws)[0]
    with pytest.raises(review.ReviewError):
        app.decide(ws, view, "approve")
    with pytest.raises(review.ReviewError):
        app.decide(ws, view, "fix", "  ")
    assert app.decision_history(ws, view.id) == []


def test_decisions_are_not_deleted_with_the_article(home: Path):
    store = db.open_db(home / "notes.db")
    ws = Workspace(home)
    view = app.flag_views(ws)[0]
    app.decide(ws, view, "dismiss")
    db.delete_article_rows(store, "karpathy-2025")
    assert store["flags"].count == 0 and store["flag_decisions"].count == 1


def test_review_fix_rewrites_the_whole_sheet(home: Path, monkeypatch):
    """The sheet written after a review keeps its flags, footnotes and appendix, and shows the fix."""
    monkeypatch.setattr("pipeline.cli.common.stdin_is_interactive", lambda: True)
    out = invoke(home, "review", input="fLLM(대형 언어 모델)\nnq").output
    assert "Study sheet with your fixes:" in out and "1 decision saved" in out
    sheet = (home / "exports" / "karpathy-2025.md").read_text(encoding="utf-8")
    assert "✎ *fix:* “LLM(학습 모델)” → “LLM(대형 언어 모델)”" in sheet
    assert "[^f1]:" in sheet and "## Review" in sheet and "SFT(스위칭 함수 이론)" in sheet


def test_open_flag_counts_follow_decisions(home: Path):
    (row,) = json.loads(invoke(home, "list", "--json").stdout)
    assert row["open_flags"] == 5  # errors and warnings; info flags are not counted

    ws = Workspace(home)
    app.decide(ws, app.review_queue(ws)[0], "dismiss")
    (row,) = json.loads(invoke(home, "list", "--json").stdout)
    assert row["open_flags"] == 4
    invoke(home, "add", "raw/karpathy-2025.en.md")  # re-processing keeps the status
    (row,) = json.loads(invoke(home, "list", "--json").stdout)
    assert row["open_flags"] == 4


def test_a_status_column_from_an_old_notes_db_is_dropped(home: Path):
    """flags.status (m020_flag_status) copied the latest decision; m060 drops it, and the status is
    read from flag_decisions alone."""
    store = db.open_db(home / "notes.db")
    ws = Workspace(home)
    first = app.review_queue(ws)[0]
    app.decide(ws, first, "accept")
    # A notes.db from before m060: the column is back, holding a stale copy.
    store["flags"].add_column("status", str, not_null_default="open")
    store["_sqlite_migrations"].delete_where("name = ?", ["m060_flag_status_from_decisions"])
    store = db.open_db(home / "notes.db")
    ws = Workspace(home)
    assert "status" not in store["flags"].columns_dict
    statuses = {f.id: f.status for f in app.flag_views(ws)}
    assert statuses[first.id] == "accepted" and set(statuses.values()) == {"accepted", "open"}


# ---------------------------------------------------------------------------------------------
# A fix that names another term than the flag's is questioned, and never promoted silently
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fix, other",
    [
        ("SFT(지도 미세 조정)", "SFT"),  # another acronym
        ("지도 미세 조정(SFT)", "SFT"),  # the gloss-first form, parsed by the same parser
        ("지도 미세 조정(supervised fine-tuning)", "supervised fine-tuning"),  # another English term
        ("RLHF(인간 피드백 기반 강화 학습)", ""),  # the flag's own acronym
        ("인간 피드백 기반 강화 학습(reinforcement learning from human feedback)", ""),  # its long form
        ("인간 피드백 기반 강화 학습", ""),  # plain Korean names no term
    ],
)
def test_fix_names_another_term(kiwi, fix: str, other: str):
    flag = review.FlagView(
        check="acronym-gloss", severity="error", en=[0], ko=[0], en_text="", ko_text="",
        evidence="RLHF(역추적 함수 이론)", message="", term="RLHF",
    )  # fmt: skip
    assert review.fix_names_another_term(flag, fix, terms.bundled()) == other


def _rlhf_first(ws: Workspace) -> list:
    queue = app.review_queue(ws)
    return sorted(queue, key=lambda v: v.evidence != "RLHF(역추적 함수 이론)")


def test_queue_questions_a_fix_for_another_term_and_keeps_nothing_on_no(home: Path):
    ws = Workspace(home)
    script = Script("fnq", ["SFT(지도 미세 조정)"])
    result = review_queue.run_queue(ws, _rlhf_first(ws), script.console())
    assert "  the fix names SFT but the flag is about RLHF — save anyway? [y/n]" in script.out
    assert "  not recorded" in script.out and (result.decided, result.skipped) == (0, 1)
    views = {v.evidence: v for v in app.flag_views(ws)}
    assert views["RLHF(역추적 함수 이론)"].status == "open" and not views["RLHF(역추적 함수 이론)"].fix
    assert db.user_terms(db.open_db(home / "notes.db")) == []


def test_queue_saves_a_questioned_fix_on_yes_but_never_promotes_it(home: Path):
    ws = Workspace(home)
    script = Script("fyq", ["SFT(지도 미세 조정)"])
    result = review_queue.run_queue(ws, _rlhf_first(ws), script.console())
    assert result.decided == 1 and result.promoted == ()
    assert "  not offered to the term base: the fix names SFT, not RLHF" in script.out
    assert not any(line.startswith("  term base for") for line in script.out)
    views = {v.evidence: v for v in app.flag_views(ws)}
    assert views["RLHF(역추적 함수 이론)"].fix == "SFT(지도 미세 조정)"
    assert db.user_terms(db.open_db(home / "notes.db")) == []


def test_queue_offers_a_matching_fix_for_promotion(home: Path):
    ws = Workspace(home)
    script = Script("fan", ["RLHF(인간 피드백 기반 강화 학습)"])
    result = review_queue.run_queue(ws, _rlhf_first(ws)[:1], script.console())
    assert not any("save anyway" in line for line in script.out)
    assert result.decided == 1 and result.promoted == ("reinforcement learning from human feedback",)
