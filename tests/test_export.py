"""export: the study sheet is valid CommonMark that keeps the article's structure and its text literal."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt
from markdown_runs import inline_runs

from pipeline.models import Article, Bead, Sentence
from pipeline.output import export
from pipeline.stages import ingest

TRICKY = [
    "*Not emphasis* and _not italic_ either.",
    "# Not a heading.",
    "1. Not a list item.",
    "> Not a quote.",
    "<b>Not bold</b> and <script>x</script>.",
    "- Not a bullet, + not one either = fine.",
    "Use `&nbsp;` and &amp; literally, AT&T.",
    "[Not a link](http://example.com) | not a cell | ~~not struck~~ \\ backslash.",
]

ARTICLE_MD = """---
title: Sheet Test
source: https://example.org/post?a=1&b=2
---
# Sheet Test

Intro paragraph. Second sentence.

## Part *one*

1. First ordered
   - nested bullet
2. Second ordered

> A quoted line.

```python
x = 1  # not a heading
```

![diagram](fig.png)

<div>raw html</div>

## Closing

Last words.
"""


def md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def one_sentence_per_block(doc, split_dots: bool = False) -> list[Sentence]:
    out: list[Sentence] = []
    for block in doc.blocks:
        if not block.alignable:
            continue
        pieces = [block.text]
        if split_dots and block.kind == "paragraph":
            pieces = [p if p.endswith(".") else p + "." for p in block.text.split(". ")]
        start = 0
        for piece in pieces:
            start = block.text.find(piece, start)
            out.append(Sentence(len(out), block.index, piece, start, start + len(piece), block.kind))
    return out


def build(en_md: str, ko_texts: list[str], beads: list[tuple[list[int], list[int]]]) -> Article:
    en = ingest.parse_markdown(en_md, "en")
    en.path = "raw/sheet-test.en.md"
    ko = ingest.parse_markdown("\n\n".join(ko_texts) + "\n", "ko")
    en_s = one_sentence_per_block(en, split_dots=True)
    ko_s = [Sentence(i, b.index, b.text, 0, len(b.text)) for i, b in enumerate(ko.blocks)]
    bead_objs = [
        Bead(e, k, 0.9, " ".join(en_s[i].text for i in e), " ".join(ko_s[j].text for j in k))
        for e, k in beads
    ]
    return Article("sheet-test", en, ko, en_s, ko_s, bead_objs, "file:raw/sheet-test.ko.md")


@pytest.fixture(scope="module")
def article() -> Article:
    # English: 0 Sheet Test, 1 Intro paragraph., 2 Second sentence., 3 Part one, 4 First ordered,
    # 5 nested bullet, 6 Second ordered, 7 A quoted line., 8 Closing, 9 Last words.
    ko = [f"한국어 {k}" for k in range(10)]
    beads = [
        ([0], [0]),
        ([1], [1]),
        ([2], []),  # omission
        ([3], [2]),
        ([4], [3]),
        ([5], [4]),
        ([6], [5]),
        ([7], [6]),
        ([8], [7]),
        ([], [8]),  # addition
        ([9], [9]),
    ]
    return build(ARTICLE_MD, ko, beads)


@pytest.fixture(scope="module")
def sheet(article) -> str:
    return export.study_sheet_md(article)


def test_sheet_parses_as_commonmark_with_a_header_table(sheet, article):
    tokens = md().parse(sheet)
    assert tokens[0].type == "heading_open" and tokens[0].tag == "h1"
    cells = [text for where, text in inline_runs(tokens) if "td" in where]
    assert cells[:2] == ["Source", "https://example.org/post?a=1&b=2"]
    counts = dict(zip(cells[::2], cells[1::2], strict=True))
    assert counts["Sentences"] == "10 English · 10 Korean · 11 pairs"
    assert counts["Unaligned"] == "1 English without Korean · 1 Korean without English"
    html = md().render(sheet)
    assert html.count("<h1>") == 1 and "<table>" in html


def test_headings_and_lists_keep_their_structure(sheet):
    tokens = md().parse(sheet)
    headings = [(t.tag, tokens[k + 1].content) for k, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [("h1", "Sheet Test"), ("h2", "Part one"), ("h2", "Closing")]
    where = {text: path for path, text in inline_runs(tokens)}
    # One ordered list holding both items, the bullet nested inside the first one.
    assert sum(t.type == "ordered_list_open" for t in tokens) == 1
    assert where["First ordered"] == ("ordered_list", "list_item", "paragraph")
    assert where["nested bullet"] == ("ordered_list", "list_item", "bullet_list", "list_item", "paragraph")
    assert where["Second ordered"] == ("ordered_list", "list_item", "paragraph")
    # Each Korean sentence is a block quote under its English, inside the same container.
    assert where["한국어 4"] == (
        "ordered_list",
        "list_item",
        "bullet_list",
        "list_item",
        "blockquote",
        "paragraph",
    )
    assert where["A quoted line."] == ("blockquote", "paragraph")
    assert where["한국어 6"] == ("blockquote", "blockquote", "paragraph")


def test_omissions_and_additions_are_marked(sheet):
    texts = [text for _, text in inline_runs(md().parse(sheet))]
    missing = texts.index("Second sentence.")
    assert texts[missing + 1] == "(no Korean translation)"
    added = texts.index("한국어 8 (added by the translation; no English)")
    assert texts[added - 1] == "한국어 7" and texts[added - 2] == "Closing"
    assert export.NO_KOREAN in sheet and export.ADDED in sheet


def test_code_image_and_html_blocks_stay_in_place(sheet):
    tokens = md().parse(sheet)
    kinds = [
        t.type for t in tokens if t.type in ("fence", "html_block", "heading_open") or t.type == "inline"
    ]
    fences = [t for t in tokens if t.type == "fence"]
    assert fences[0].info == "python" and fences[0].content == "x = 1  # not a heading\n"
    # Raw HTML stays in place, shown as code: never live in the sheet.
    assert "html_block" not in kinds and fences[1].info == "html"
    assert fences[1].content.startswith("<div>raw html</div>")
    images = [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "image"]
    assert [i.attrs["src"] for i in images] == ["fig.png"]
    # Order: quote (and its Korean), code, image, html, then the Closing heading.
    order = sheet.index("A quoted line."), sheet.index("```python"), sheet.index("![diagram]")
    assert list(order) == sorted(order)
    assert sheet.index("![diagram]") < sheet.index("<div>raw html</div>") < sheet.index("## Closing")


@pytest.mark.parametrize("text", TRICKY)
def test_markup_in_sentences_stays_literal(text):
    en_md = "# Title\n\nPlaceholder.\n"
    article = build(en_md, ["제목", "자리"], [([0], [0]), ([1], [1])])
    # The sentence texts as segmentation would give them (ingest has already dropped real markup).
    article.en_sentences[1].text = article.ko_sentences[1].text = text
    html_tokens = md().parse(export.study_sheet_md(article))
    runs = inline_runs(html_tokens)
    literal = [where for where, t in runs if t == text]
    # Once as the English paragraph, once as the Korean block quote; nothing became markup.
    assert literal == [("paragraph",), ("blockquote", "paragraph")]
    children = {c.type for t in html_tokens if t.type == "inline" for c in t.children or []}
    assert not children & {"em_open", "strong_open", "html_inline", "link_open", "s_open"}
    assert sum(t.type == "heading_open" for t in html_tokens) == 1
    assert not any(t.type in ("ordered_list_open", "bullet_list_open", "html_block") for t in html_tokens)


def test_jsonl_and_tsv(article):
    lines = export.beads_jsonl(article.beads).splitlines()
    assert len(lines) == len(article.beads)
    first = json.loads(lines[0])
    assert set(first) == {"en", "ko", "score", "en_text", "ko_text"}
    assert json.loads(lines[2])["ko"] == [] and json.loads(lines[9])["en"] == []
    bead = Bead([0], [0], 0.5, "tab\there\nand newline", "한국어")
    assert export.beads_tsv([bead]).splitlines() == ["en\tko\tscore", "tab here and newline\t한국어\t0.500"]


def test_raw_html_from_the_article_is_shown_as_code_never_live(run, home):
    """A pasted page's raw HTML (a script, a form) is kept in the sheet, inside a code fence."""
    (home / "h.en.md").write_text(
        "# Page\n\nThe text of the article.\n\n<script>alert('x')</script>\n\nThe last line.\n",
        encoding="utf-8",
    )
    (home / "h.ko.md").write_text("# 페이지\n\n글의 본문입니다.\n\n마지막 줄입니다.\n", encoding="utf-8")
    run("add", str(home / "h.en.md"), "--no-semantic")
    sheet = (home / "exports" / "h.md").read_text(encoding="utf-8")
    assert "```html\n<script>alert('x')</script>\n```" in sheet
    assert sheet.count("<script>") == 1
