"""A flag carries its own review status and fix: after a review, every output tells the same story.

On the sample: one flag fixed, one dismissed, one accepted through `readnotes review`; then the TMX
notes and segments, the TSV, the Markdown and HTML sheet, `list`, `show`, `flags`, `check` and a
re-`add` agree on every status and on the number of open flags (errors and warnings without a
decision: models.FlagCounts).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

SLUG = "karpathy-2025"
FIXED, FIX = "LLM(학습 모델)", "LLM(대규모 언어 모델)"
DISMISSED, ACCEPTED = "SFT(스위칭 함수 이론)", "RLHF(역추적 함수 이론)"


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")


@pytest.fixture
def reviewed(run, monkeypatch) -> dict[str, dict]:
    """The sample added and reviewed in the terminal queue; its flags (`flags --json`) by evidence."""
    run("add", "raw/karpathy-2025.en.md")
    queue = [f["evidence"] for f in flags_json(run) if f["severity"] != "info"]
    assert queue[:3] == [FIXED, DISMISSED, ACCEPTED]  # errors first, in article order
    monkeypatch.setattr("pipeline.cli.common.stdin_is_interactive", lambda: True)
    # f + the fix, n: don't touch the term base; d: dismiss; a: accept; q: quit
    out = run("review", SLUG, input=f"f{FIX}\nndaq").output
    assert "3 decisions saved" in out
    return {f["evidence"]: f for f in flags_json(run)}


def flags_json(run) -> list[dict]:
    return json.loads(run("flags", "--json").stdout)


def expected_open(flags: dict[str, dict]) -> int:
    return sum(1 for f in flags.values() if f["status"] == "open" and f["severity"] != "info")


def test_flags_json_carries_status_and_fix(reviewed):
    assert (reviewed[FIXED]["status"], reviewed[FIXED]["fix"]) == ("fixed", FIX)
    assert reviewed[DISMISSED]["status"] == "dismissed" and reviewed[DISMISSED]["fix"] == ""
    assert reviewed[ACCEPTED]["status"] == "accepted"
    assert Counter(f["status"] for f in reviewed.values()) == {
        "open": 4,
        "fixed": 1,
        "dismissed": 1,
        "accepted": 1,
    }
    assert expected_open(reviewed) == 2  # two errors and warnings left; the two info flags don't count


def test_list_show_check_and_re_add_count_the_same_open_flags(run, reviewed):
    n_open = expected_open(reviewed)
    (row,) = json.loads(run("list", "--json").stdout)
    assert row["open_flags"] == n_open
    assert json.loads(run("show", SLUG, "--json").stdout)["open_flags"] == n_open
    [checked] = json.loads(run("check", SLUG, "--json").stdout)
    assert checked["open"] == n_open
    assert checked["status"] == {"open": n_open, "accepted": 1, "dismissed": 1, "fixed": 1}
    assert checked["flags"] == dict(Counter(f["severity"] for f in reviewed.values()))
    # The text output counts after the review too, and still asks for one (two flags are open).
    line = run("check", SLUG).stdout
    assert f"; {n_open} open, 3 reviewed (`readnotes review {SLUG}`" in line
    added = json.loads(run("add", "raw/karpathy-2025.en.md", "--json").stdout)
    assert added["open_flags"] == n_open
    assert {f["evidence"]: (f["status"], f["fix"]) for f in flags_json(run)} == {
        e: (f["status"], f["fix"]) for e, f in reviewed.items()
    }


def test_nothing_left_to_review_means_no_review_hint(run, reviewed):
    for f in reviewed.values():
        if f["status"] == "open" and f["severity"] != "info":
            run("review", SLUG, input="a" * 5 + "q")
            break
    line = run("check", SLUG).stdout
    assert "0 open, 5 reviewed" in line and "readnotes review" not in line
    assert json.loads(run("show", SLUG, "--json").stdout)["open_flags"] == 0


def test_the_sheet_shows_every_status_and_the_fix(run, home, reviewed):
    run("sheet", SLUG)
    sheet = (home / "exports" / f"{SLUG}.md").read_text(encoding="utf-8")
    by_status = Counter(f["status"] for f in reviewed.values() if f["severity"] != "info")
    header = re.search(r"^\| Flags \| (.*) \|$", sheet, re.M)
    assert header and header[1] == (
        f"{by_status['open']} open · {by_status['accepted']} accepted · {by_status['fixed']} fixed · "
        f"{by_status['dismissed']} dismissed · 2 info"
    )
    appendix = sheet.split("\n## Review\n")[1]
    rows = [line for line in appendix.splitlines() if re.match(r"\| \d+ \|", line)]  # flags grouped by pair
    statuses = [
        s for row in rows for s in re.findall(r"\((?:error|warning|info), (\w+)\)", row.split(" | ")[-1])
    ]
    shown = [f for f in flags_json(run) if f["status"] != "dismissed"]  # the sheet leaves out false alarms
    assert sorted(statuses) == sorted(f["status"] for f in shown)
    assert f"> ✎ *fix:* “{FIXED}” → “{FIX}”" in sheet
    run("sheet", SLUG, "--format", "html")
    html = (home / "exports" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert header[1] in html


def test_tmx_and_tsv_carry_the_fix_and_the_statuses(run, home, reviewed):
    run("export", SLUG, "--format", "tmx")
    text = (home / "exports" / f"{SLUG}.tmx").read_text(encoding="utf-8")
    units = ET.fromstring(text.split("\n", 2)[2]).findall("body/tu")
    noted: dict[str, str] = {}
    originals = []
    for tu in units:
        for note in tu.findall("note"):
            if note.text.startswith("original ko: "):
                originals.append((note.text.removeprefix("original ko: "), tu.findall("tuv/seg")[1].text))
                continue
            status, evidence = re.match(
                r"[\w-]+ \(\w+, (\w+)\): .*? \[([^\]]+)\](?: → \[[^\]]+\])?$", note.text
            ).groups()
            noted[evidence] = status
    # Flags of translation units (omissions sit on 1-0 beads, which are not units); no dismissed flag.
    expected = {
        e: f["status"] for e, f in reviewed.items() if f["severity"] != "info" and f["status"] != "dismissed"
    }
    assert noted == expected
    [(original, corrected)] = originals
    assert FIXED in original and FIX not in original
    assert corrected == original.replace(FIXED, FIX, 1)
    run("export", SLUG, "--format", "tsv")
    rows = [
        r.split("\t") for r in (home / "exports" / f"{SLUG}.tsv").read_text(encoding="utf-8").splitlines()
    ]
    assert rows[0] == ["en", "ko", "score", "ko_original"]
    [fixed_row] = [r for r in rows[1:] if r[3]]
    assert (fixed_row[1], fixed_row[3]) == (corrected, original)
