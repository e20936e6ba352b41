"""Study sheets (issue 7): the Markdown sheet with vocabulary and flags, its HTML, and the printed PDF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_runs import inline_runs
from mdit_py_plugins.footnote import footnote_plugin

from pipeline.models import Article, Bead, Flag, Sentence, VocabHit
from pipeline.output import export, sheet_html
from pipeline.stages import ingest

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = DATA / "sheet-test.golden.md"

SHEET_MD = """---
title: Sheet Test
source: https://example.org/post?a=1&b=2
date: 2025-12-19
---
# Sheet Test

The compute was gobbled up quickly. It was a point of inflection.

## Part one

- A list item about SFT.
- Second item <script>alert(1)</script> stays text.

## Closing

Last words *here*.
"""

# English sentences: 0 Sheet Test, 1 The compute…, 2 It was a point…, 3 Part one, 4 A list item…,
# 5 Second item…, 6 Closing, 7 Last words here.
KOREAN = [
    "시트 테스트",
    "컴퓨팅 자원이 빠르게 소모되었다.",
    "그것은 변곡점이었다.",
    "1부",
    "SFT(스위칭 함수 이론)에 관한 항목.",
    "두 번째 항목 <b>굵게</b>.",
    "덧붙인 문장.",
    "마무리",
]
BEADS = [
    ([0], [0]),
    ([1], [1]),
    ([2], [2]),
    ([3], [3]),
    ([4], [4]),
    ([5], []),
    ([], [5, 6]),
    ([6], [7]),
    ([7], []),
]


def md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(footnote_plugin)


def make_article() -> Article:
    en = ingest.parse_markdown(SHEET_MD, "en")
    en.path = "raw/sheet-test.en.md"
    ko = ingest.parse_markdown("\n\n".join(KOREAN) + "\n", "ko")
    en_s: list[Sentence] = []
    for block in en.blocks:
        if not block.alignable:
            continue
        pieces = (
            [p if p.endswith(".") else p + "." for p in block.text.split(". ")]
            if ". " in block.text
            else [block.text]
        )
        start = 0
        for piece in pieces:
            start = block.text.find(piece, start)
            en_s.append(Sentence(len(en_s), block.index, piece, start, start + len(piece), block.kind))
    ko_s = [Sentence(i, b.index, b.text, 0, len(b.text)) for i, b in enumerate(ko.blocks)]
    # ingest drops real markup; these are the texts as a sentence may still hold them (escaped on output).
    en_s[5].text, ko_s[5].text = "Second item <script>alert(1)</script> stays text.", KOREAN[5]
    beads = [
        Bead(e, k, 0.9, " ".join(en_s[i].text for i in e), " ".join(ko_s[j].text for j in k))
        for e, k in BEADS
    ]
    article = Article("sheet-test", en, ko, en_s, ko_s, beads, "file:raw/sheet-test.ko.md")

    def hit(term: str, lang: str, sentence: int, surface: str) -> VocabHit:
        text = (en_s if lang == "en" else ko_s)[sentence].text
        start = text.index(surface)
        return VocabHit(term, lang, sentence, start, start + len(surface), surface)  # type: ignore[arg-type]

    article.hits = [
        hit("gobble up", "en", 1, "gobbled up"),
        hit("point of inflection", "en", 2, "point of inflection"),
        hit("point of inflection", "ko", 2, "변곡점"),
        hit("sycophancy", "en", 7, "words"),  # a term without a gloss: bold, no footnote
    ]
    bead = beads[4]
    article.flags = [
        Flag("acronym-gloss", "error", bead.en, bead.ko, bead.en_text, bead.ko_text, "SFT(스위칭 함수 이론)",
             "SFT is supervised finetuning", "fp-sft", status="fixed", fix="SFT(지도 미세 조정)"),
        Flag("number-mismatch", "warning", [1], [1], "", "", "빠르게", "a dismissed flag", "fp-dismissed",
             status="dismissed"),
        Flag("omission", "info", [5], [], beads[5].en_text, "", "Second item", "untranslated", "fp-om"),
    ]  # fmt: skip
    return article


GLOSSES = {"gobble up": "허겁지겁 먹어치우다", "point of inflection": "변곡점"}


@pytest.fixture(scope="module")
def article() -> Article:
    return make_article()


@pytest.fixture(scope="module")
def sheet(article: Article) -> str:
    return export.study_sheet_md(
        article, GLOSSES, term_status={"gobble up": "learning"}, read_on="2026-01-02"
    )


def test_sheet_matches_the_golden_file(sheet):
    # Regenerate only deliberately, then review the diff:
    #     READNOTES_REGENERATE_GOLDEN=1 pytest tests/test_sheets.py
    if os.environ.get("READNOTES_REGENERATE_GOLDEN"):
        GOLDEN.write_text(sheet, encoding="utf-8")
    assert sheet == GOLDEN.read_text(encoding="utf-8")


def test_golden_file_parses_as_commonmark_with_tables_and_footnotes():
    tokens = md().parse(GOLDEN.read_text(encoding="utf-8"))
    assert sum(t.type == "table_open" for t in tokens) == 2  # header and review appendix
    refs = [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "footnote_ref"]
    assert refs and {t.type for t in tokens} >= {"footnote_block_open", "footnote_open"}
    # Every reference has its definition: markdown-it turns a dangling [^x] into plain text.
    assert not any("[^" in text for _, text in inline_runs(tokens))
    html = md().render(GOLDEN.read_text(encoding="utf-8"))
    assert html.count("<h1>") == 1


def test_every_sentence_once_in_order_before_the_appendices(sheet, article):
    runs = [text for _, text in inline_runs(md().parse(sheet))]
    runs = runs[: runs.index("Vocabulary", runs.index("Vocabulary") + 1)]  # the appendix repeats examples
    # Header table cells come first; the sentences follow in document order, each once.
    text = "\n".join(runs)
    positions = []
    for s in article.en_sentences:
        if s.index == 0:
            continue  # the title is the sheet's H1
        assert text.count(s.text.replace("*", "")) == 1, s.text
        positions.append(text.index(s.text.replace("*", "")))
    assert positions == sorted(positions)
    ko_positions = [text.index(s.text) for s in article.ko_sentences[1:]]
    assert ko_positions == sorted(ko_positions)
    assert all(text.count(s.text) == 1 for s in article.ko_sentences)


def test_header_counts(sheet):
    cells = [text for where, text in inline_runs(md().parse(sheet)) if "td" in where]
    rows = dict(zip(cells[::2], cells[1::2], strict=False))
    assert rows["Source"] == "https://example.org/post?a=1&b=2"
    assert rows["Read"] == "2026-01-02" and rows["Published"] == "2025-12-19"
    assert rows["Coverage"].startswith("75%")  # 6 of 8 English sentences paired
    assert rows["Vocabulary"] == "3 hits of 3 terms"
    # Errors and warnings by status (models.FlagCounts), then the info flags.
    assert rows["Flags"] == "0 open · 0 accepted · 1 fixed · 1 dismissed · 1 info"


def test_vocabulary_hits_are_bold_with_gloss_footnotes(sheet):
    assert "**gobbled up**[^v1]" in sheet and "**point of inflection**[^v2]" in sheet
    assert "[^v1]: **gobble up**: 허겁지겁 먹어치우다" in sheet
    assert "**변곡점**이었다" in sheet  # the gloss found in the Korean is bold too
    assert "**words**" in sheet and "[^v3]" not in sheet  # no gloss: no footnote
    bolds = re.findall(r"<strong>(.*?)</strong>", md().render(sheet))
    assert {"gobbled up", "point of inflection", "변곡점", "words"} <= set(bolds)


def test_flags_are_marked_with_evidence_and_fix(sheet):
    html = md().render(sheet)
    assert "⚠ A list item about SFT." in sheet
    note = re.search(r"\[\^f1\]: (.*)", sheet)
    assert note and "acronym-gloss (error, fixed)" in note[1] and "“SFT(스위칭 함수 이론)”" in note[1]
    assert "Fix: “SFT(지도 미세 조정)”" in note[1]
    assert "> ✎ *fix:* “SFT(스위칭 함수 이론)” → “SFT(지도 미세 조정)”" in sheet
    assert "a dismissed flag" not in sheet and "빠르게" in sheet
    # The omission flag is not repeated in the body: the placeholder already marks the pair.
    assert "⚠ Second item" not in sheet and f"> {export.NO_KOREAN}\n" in sheet
    assert "<em>fix:</em>" in html


def test_unaligned_sentences_are_marked(sheet):
    assert f"> {export.NO_KOREAN}" in sheet
    assert f"> 덧붙인 문장. 마무리 {export.ADDED}" not in sheet  # 0-2 bead: both additions, one line
    assert f"두 번째 항목 \\<b\\>굵게\\</b\\>. 덧붙인 문장. {export.ADDED}" in sheet


def test_vocabulary_appendix(sheet):
    appendix = sheet.split("\n## Vocabulary\n")[1].split("\n## Review\n")[0]
    headings = re.findall(r"^### (.*)$", appendix, re.M)
    assert headings == ["gobble up", "point of inflection", "sycophancy"]
    assert "허겁지겁 먹어치우다 · *learning* · 1 example" in appendix
    assert "변곡점 · *—* · 1 example" in appendix
    assert "1. The compute was **gobbled up** quickly." in appendix
    assert "   > 그것은 **변곡점**이었다." in appendix
    assert "[^" not in appendix  # footnotes only in the body


def test_review_appendix_table(sheet):
    tokens = md().parse(sheet.split("\n## Review\n")[1])
    cells = [text for where, text in inline_runs(tokens) if "td" in where]
    assert [t.type for t in tokens if t.type in ("th_open",)].count(
        "th_open"
    ) == 4  # #, English, Korean, Flags
    assert "A list item about SFT." in cells and "acronym-gloss (error, fixed)" in " ".join(cells)
    korean = next(t for t in tokens if t.type == "inline" and "에 관한 항목" in t.content)
    assert [(c.type, c.content) for c in korean.children if c.type == "code_inline"] == [
        ("code_inline", "SFT(스위칭 함수 이론)")
    ]
    assert "“SFT(스위칭 함수 이론)” → “SFT(지도 미세 조정)”" in " ".join(cells)
    assert "omission (info, open): “Second item”" in " ".join(cells)  # evidence not in the Korean: named


def test_review_appendix_groups_flags_by_pair(article):
    bead = article.beads[4]
    second = Flag(
        "term", "warning", bead.en, bead.ko, bead.en_text, bead.ko_text, "항목", "term missing", "fp-t"
    )
    grouped = make_article()
    grouped.flags = [*article.flags, second]
    appendix = export.study_sheet_md(grouped).split("\n## Review\n")[1]
    rows = [line for line in appendix.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 2  # the SFT pair once, with both of its flags; the omission
    assert "acronym-gloss (error, fixed)" in rows[0] and "term (warning, open)" in rows[0]
    assert "`SFT(스위칭 함수 이론)`에 관한 `항목`." in rows[0]


def test_flag_evidence_is_marked_where_it_is(sheet):
    """A code span, because it needs no flanking: `**LLM(학습 모델)**은` would stay literal asterisks."""
    assert "  > `SFT(스위칭 함수 이론)`[^f1]에 관한 항목." in sheet
    korean = next(
        t for t in md().parse(sheet) if t.type == "inline" and t.content.startswith("`SFT(스위칭 함수 이론)`")
    )
    kinds = [c.type for c in korean.children]
    assert (
        kinds[:2] == ["code_inline", "footnote_ref"] and korean.children[0].content == "SFT(스위칭 함수 이론)"
    )


@pytest.mark.parametrize(
    "text,span",
    [
        ("LLM(학습 모델)", "`LLM(학습 모델)`"),
        ("a`b", "``a`b``"),
        ("`x`", "`` `x` ``"),
        ("two\nlines", "`two lines`"),
    ],
)
def test_code_span_survives_commonmark(text, span):
    from pipeline.output.sheet_md import code_span

    assert code_span(text) == span
    [inline] = [t for t in md().parse(f"> 앞{span}은 뒤") if t.type == "inline"]
    assert [c.content for c in inline.children if c.type == "code_inline"] == [" ".join(text.split())]


def test_sheet_without_extras_still_lists_hits(article):
    plain = export.study_sheet_md(article)
    assert "**gobbled up**" in plain and "[^v" not in plain
    assert "⚠" in plain  # flags without a decision are open


# --- HTML ----------------------------------------------------------------------------------------


def test_html_escapes_user_text_and_wraps_pairs(sheet):
    page = sheet_html.study_sheet_html(sheet, "Sheet <Test>", paper="letter", layout="side")
    assert "<title>Sheet &lt;Test&gt;</title>" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;굵게&lt;/b&gt;" in page
    assert "size: letter" in page and '<body class="side">' in page
    assert page.count('<blockquote class="ko" lang="ko">') == page.count("<blockquote")
    assert page.count('<div class="pair') == page.count("</div>")
    assert '<div class="pair heading h2">\n<h2>Part one</h2>' in page
    assert '<div class="pair added">' in page
    assert "break-inside: avoid" in page and "Malgun Gothic" in page


def test_html_marks_flag_evidence_with_its_check(sheet):
    page = sheet_html.study_sheet_html(sheet, "Sheet Test")
    mark = re.search(
        r'<mark class="flag error" title="([^"]*)" data-check="acronym-gloss">SFT\(스위칭 함수 이론\)</mark>',
        page,
    )
    assert mark and mark[1].startswith("acronym-gloss (error, fixed). SFT is supervised finetuning")
    header = sheet_html.study_sheet_html("| | |\n|---|---|\n| Source | `raw/a.en.md` |\n", "t")
    assert "<code>raw/a.en.md</code>" in header  # a code span that marks no flag stays code
    assert '<table class="review">' in page and "word-break: keep-all" in page
    assert page.count('<mark class="flag') == 2  # in the body and in the review table
    assert "break-before: page" not in page  # sections flow on: no half-empty first page


def test_html_rejects_unknown_paper_and_layout(sheet):
    with pytest.raises(ValueError, match="paper"):
        sheet_html.study_sheet_html(sheet, "t", paper="a5")
    with pytest.raises(ValueError, match="layout"):
        sheet_html.study_sheet_html(sheet, "t", layout="columns")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT and PDFINFO),
    reason="headless PDF test needs Debian chromium and poppler-utils (pdftotext, pdfinfo): "
    "apt-get install -y chromium poppler-utils fonts-noto-cjk",
)


def print_to_pdf(html_path: Path, tmp_path: Path) -> tuple[int, str]:
    pdf = tmp_path / (html_path.stem + ".pdf")
    profile = tmp_path / "chromium-profile"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html_path.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    info = subprocess.run([PDFINFO, str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])  # type: ignore[index]
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    return pages, text.stdout


@needs_chromium
@pytest.mark.parametrize("paper,layout", [("a4", "interleaved"), ("letter", "side")])
@pytest.mark.slow
def test_printed_pdf_flows_and_names_the_check(sheet, tmp_path, paper, layout):
    html_path = tmp_path / "sheet.html"
    html_path.write_text(sheet_html.study_sheet_html(sheet, "Sheet Test", paper, layout), encoding="utf-8")
    pages, text = print_to_pdf(html_path, tmp_path)
    # Sections flow on: the first page is not left half empty before "Part one".
    assert pages <= 2 and "Part one" in text.split("\f")[0]
    flat = re.sub(r"\s+", " ", text)
    assert "The compute was gobbled up quickly." in flat
    assert "그것은 변곡점이었다." in flat
    assert "<script>alert(1)</script>" in flat  # shown as text, never run
    assert re.search(r"SFT\(스위칭 함수 이론\) ?acronym-gloss", flat)  # the check printed at the evidence


@needs_chromium
@pytest.mark.slow
def test_sample_sheet_prints_through_the_cli(run, home, tmp_path):
    run("add", "raw/karpathy-2025.en.md")
    run("sheet", "karpathy-2025", "--format", "html", "--paper", "letter")
    html_path = home / "exports" / "karpathy-2025.html"
    pages, text = print_to_pdf(html_path, tmp_path)
    assert 2 <= pages <= 6
    per_page = [page for page in text.split("\f") if page.strip()]
    assert len(per_page) == pages
    # No half-empty first page: the first section starts on it. No orphan last page: more than
    # the last footnotes.
    assert "Reinforcement Learning from Verifiable Rewards" in per_page[0]
    assert len([line for line in per_page[-1].splitlines() if line.strip()]) >= 10
    flat = re.sub(r"\s+", " ", text)
    assert "2025 has been a strong and eventful year of progress in LLMs." in flat
    assert "2025년은 LLM 분야에서 눈에 띄고 의미 있는 발전이 이루어진 한 해였습니다." in flat


def test_sheet_cli_formats_and_errors(run, home):
    run("add", "raw/karpathy-2025.en.md")
    result = run("sheet", "karpathy-2025", "--format", "html", "--layout", "side")
    page = (home / "exports" / "karpathy-2025.html").read_text(encoding="utf-8")
    assert "exports/karpathy-2025.html" in result.output and '<body class="side">' in page
    bad = run("sheet", "no-such", ok=False)
    assert bad.exit_code == 1 and bad.output.startswith("Error: no article 'no-such'")
    usage = run("sheet", "karpathy-2025", "--paper", "a5", ok=False)
    assert usage.exit_code == 2


# --- TMX and TSV exports ---------------------------------------------------------------------------

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_tmx_structure(article):
    import xml.etree.ElementTree as ET

    text = export.tmx(article, created="20260102T030405Z")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx')
    root = ET.fromstring(text.split("\n", 2)[2])
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    required = {"creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"}
    assert header is not None and required <= set(header.attrib)
    assert header.get("srclang") == "en" and header.get("creationdate") == "20260102T030405Z"
    units = root.findall("body/tu")
    paired = [b for b in article.beads if b.en and b.ko]
    assert len(units) == len(paired) == 6  # 1-0 and 0-n beads are not translation units
    for tu, bead in zip(units, paired, strict=True):
        # TMX 1.4b content model: (note|prop)*, then tuv+
        kinds = [child.tag for child in tu]
        assert kinds[-2:] == ["tuv", "tuv"] and set(kinds[:-2]) <= {"note", "prop"}
        tuvs = tu.findall("tuv")
        assert [t.get(XML_LANG) for t in tuvs] == ["en", "ko"]
        # The fixed flag's correction replaces its evidence in the Korean segment.
        ko = bead.ko_text.replace("SFT(스위칭 함수 이론)", "SFT(지도 미세 조정)")
        assert [t.findtext("seg") for t in tuvs] == [bead.en_text, ko]
    notes = [(tu.get("tuid"), n.text) for tu in units for n in tu.findall("note")]
    assert notes == [
        (
            "sheet-test/4",
            "acronym-gloss (error, fixed): SFT is supervised finetuning [SFT(스위칭 함수 이론)]"
            " → [SFT(지도 미세 조정)]",
        ),
        ("sheet-test/4", f"original ko: {article.beads[4].ko_text}"),
    ]


def test_tmx_escapes_markup(article):
    import copy
    import xml.etree.ElementTree as ET

    tricky = copy.deepcopy(article)
    tricky.beads[1].en_text, tricky.beads[1].ko_text = "A <b>&amp; ]]> b", "<script>굵게</script>"
    text = export.tmx(tricky)
    assert "<script>" not in text and "&lt;script&gt;굵게&lt;/script&gt;" in text
    seg = ET.fromstring(text.split("\n", 2)[2]).findall("body/tu")[1].findall("tuv/seg")
    assert [s.text for s in seg] == ["A <b>&amp; ]]> b", "<script>굵게</script>"]


def test_export_cli_tmx_tsv_and_all(run, home):
    run("add", "raw/karpathy-2025.en.md")
    run("add", "raw/karpathy-2025.en.md", "--slug", "second")
    result = run("export", "karpathy-2025", "--format", "tmx")
    assert "translation units: " in result.output
    assert (home / "exports" / "karpathy-2025.tmx").read_text(encoding="utf-8").count("<tu ") > 5
    result = run("export", "--all", "--format", "tsv")
    assert result.output.count("pairs: ") == 2
    rows = (home / "exports" / "second.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "en\tko\tscore\tko_original" and len(rows) > 5
    assert run("export", "--format", "tsv", ok=False).exit_code == 2
    assert run("export", "karpathy-2025", "--all", "--format", "tsv", ok=False).exit_code == 2
    bad = run("export", "nope", "--format", "tmx", ok=False)
    assert bad.exit_code == 1 and bad.output.startswith("Error: no article 'nope'")
    # anki with --all: an article with no vocabulary hits is skipped, not an error
    result = run("export", "--all", "--format", "anki", ok=False)
    assert "skipped" in result.output


# --- search, list, show ----------------------------------------------------------------------------


def test_korean_query_terms_match_inside_longer_forms(kiwi):
    from pipeline.stages import search

    indexed = search.index_terms("코딩이라는 말을 처음 들었다.", "ko").split()
    assert "코딩" in indexed and "이라는" not in indexed
    assert search.query_terms("코딩") == ["코딩"]
    assert search.query_terms("코딩이라는") == ["코딩"]  # particles and endings are not terms
    with pytest.raises(search.EmptyQuery):
        search.query_terms("— ?!")


def test_search_finds_korean_substrings_and_english_lemmas(run, home):
    from pipeline import store as dbmod
    from pipeline.app import Workspace

    run("add", "raw/karpathy-2025.en.md")
    matches = json.loads(run("search", "연구소", "--json").stdout)
    # 연구소의 and 연구소들이: the default FTS tokenizer would find neither.
    texts = [m["text"] for m in matches]
    assert any("연구소의" in t for t in texts) and any("연구소들이" in t for t in texts)
    first = matches[0]
    assert first["slug"] == "karpathy-2025" and first["lang"] == "ko"
    start, end = first["spans"][0]
    assert first["text"][start:end] == "연구소"
    assert first["paired"] and first["paired"][0]["lang"] == "en" and "labs" in first["paired"][0]["text"]
    # A Korean substring inside a word with a particle: 변곡점 in 변곡점이었습니다.
    plain = run("search", "변곡점이").output
    assert "[변곡점]이었습니다" in plain and "point of inflection" in plain
    # English: the query's lemma matches other forms (functions → function).
    english = json.loads(run("search", "reward function", "--json").stdout)
    assert any("reward functions" in m["text"] for m in english if m["lang"] == "en")
    assert run("search", "zyxwvut").output.startswith("No sentence matches")
    bad = run("search", "...", ok=False)
    assert bad.exit_code == 1 and bad.output.startswith("Error: nothing to search for")
    # Re-adding the article replaces its index rows (FTS kept in sync by triggers): no duplicates.
    run("add", "raw/karpathy-2025.en.md")
    assert len(json.loads(run("search", "연구소", "--json").stdout)) == len(matches)
    db = Workspace(home).db
    assert dbmod.search_sentences(db, '"연구소"') and db["search_terms"].count == db["sentences"].count


def test_list_and_show(run):
    run("add", "raw/karpathy-2025.en.md")
    (row,) = json.loads(run("list", "--json").stdout)
    assert row["slug"] == "karpathy-2025" and row["title"] == "2025 LLM Year in Review"
    assert {"read", "coverage", "hits", "open_flags", "n_en"} <= set(row)
    shown = json.loads(run("show", "karpathy-2025", "--json").stdout)
    assert shown == row
    text = run("show", "karpathy-2025").output
    # The sample's 4 wrong acronym glosses and 1 inconsistency: open errors and warnings.
    assert text.startswith("2025 LLM Year in Review\n") and "coverage" in text and "open flags 5" in text
    bad = run("show", "nope", ok=False)
    assert bad.exit_code == 1 and "readnotes list" in bad.output


def test_the_korean_keeps_its_list_numbering_in_the_sheet(run, home):
    """A Korean list item written `1. …` shows its `1.` in the sheet (escaped, inside the quote)."""
    (home / "steps.en.md").write_text(
        "# Steps\n\nWe did two things.\n\n1. We trained the model for a week.\n"
        "2. We evaluated it on the benchmark.\n",
        encoding="utf-8",
    )
    (home / "steps.ko.md").write_text(
        "# 단계\n\n우리는 두 가지를 했습니다.\n\n1. 우리는 모델을 일주일 동안 학습시켰습니다.\n"
        "2. 우리는 벤치마크에서 그것을 평가했습니다.\n",
        encoding="utf-8",
    )
    run("add", str(home / "steps.en.md"), "--no-semantic")
    sheet = (home / "exports" / "steps.md").read_text(encoding="utf-8")
    assert "> 1\\. 우리는 모델을 일주일 동안 학습시켰습니다." in sheet
    assert "> 2\\. 우리는 벤치마크에서 그것을 평가했습니다." in sheet
    assert "> 우리는 두 가지를 했습니다." in sheet  # a paragraph gets no marker
