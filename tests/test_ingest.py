from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pipeline.stages import ingest

KOREAN = "이것은 한국어 문장입니다. 두 번째 문장도 있습니다.\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data, encoding",
    [
        (KOREAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + KOREAN.encode("utf-8"), "utf-8-sig"),
        (KOREAN.encode("cp949"), "cp949"),
        (KOREAN.encode("euc-kr"), "cp949"),
    ],
)
def test_detects_encoding(tmp_path, data, encoding):
    doc = ingest.read_document(write(tmp_path, "a.ko.md", data), "ko")
    assert doc.encoding == encoding
    assert doc.blocks[0].text == KOREAN.strip()


def test_crlf_is_normalised(tmp_path):
    doc = ingest.read_document(write(tmp_path, "a.md", b"# Title\r\n\r\nOne. Two.\r\n"), "en")
    assert [b.text for b in doc.blocks] == ["Title", "One. Two."]


@pytest.mark.parametrize(
    "data, error",
    [
        (b"", ingest.EmptyInput),
        (b"  \n\n \t\n", ingest.EmptyInput),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ingest.BinaryInput),
        (bytes(range(1, 32)) * 20, ingest.BinaryInput),
        (b"caf\xc3 \xff\xfe\xfd broken \x80\x81", ingest.UnknownEncoding),
        (b"```\ncode only\n```\n", ingest.EmptyInput),
    ],
)
def test_bad_input_raises_named_errors(tmp_path, data, error):
    with pytest.raises(error) as info:
        ingest.read_document(write(tmp_path, "bad.md", data), "en")
    assert info.value.path == tmp_path / "bad.md"


def test_swapped_languages_are_refused(tmp_path):
    en = write(tmp_path, "a.md", b"This is plainly an English sentence about models.")
    ko = write(tmp_path, "b.md", KOREAN.encode())
    with pytest.raises(ingest.WrongLanguage, match="looks like English"):
        ingest.read_document(en, "ko")
    with pytest.raises(ingest.WrongLanguage, match="looks like Korean"):
        ingest.read_document(ko, "en")


def test_korean_with_many_latin_terms_is_still_korean(tmp_path):
    ko = write(tmp_path, "b.md", "SFT 및 RLHF 단계는 LLM(대규모 언어 모델) 학습의 일부입니다.".encode())
    assert ingest.read_document(ko, "ko").blocks


def test_language_is_judged_on_the_prose_only(tmp_path):
    # English front matter and an English code block outweigh the Korean paragraph letter for letter,
    # but they are not aligned, so they do not make the file "English".
    code = "\n".join(f"model.train(batch_size={n}, learning_rate=lr, warmup_steps=steps)" for n in range(9))
    text = f"---\ntitle: Training notes\nsource: https://example.com/notes\n---\n\n```python\n{code}\n```\n\n"
    ko = write(tmp_path, "notes.ko.md", (text + KOREAN).encode())
    assert ingest.hangul_share(ko.read_text(encoding="utf-8")) < 0.3
    assert [b.kind for b in ingest.read_document(ko, "ko").blocks] == ["code", "paragraph"]


@pytest.mark.parametrize(
    "data, error",
    [
        (b"---\ntitle: Only metadata\n---\n", ingest.NoProse),
        (b"![a figure](figure.png)\n\n<!-- nothing else -->\n", ingest.NoProse),
        (b"...\n\n- 1\n- 2\n", ingest.NoProse),  # prose blocks, but not a single letter
    ],
)
def test_nothing_to_align_is_no_prose_not_a_wrong_language(tmp_path, data, error):
    for lang in ("en", "ko"):
        with pytest.raises(error):
            ingest.read_document(write(tmp_path, f"bad.{lang}.md", data), lang)


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BYTES", 100)
    with pytest.raises(ingest.TooLarge):
        ingest.read_document(write(tmp_path, "big.md", b"word " * 100), "en")


def test_unsupported_suffix(tmp_path):
    with pytest.raises(ingest.IngestError, match="suffix"):
        ingest.read_document(write(tmp_path, "a.pdf", b"text"), "en")


def test_blocks_know_kind_position_and_alignability():
    text = (
        "# Title\n\nA paragraph *with* [a link](http://x.y).\n\n- first item\n- second item\n"
        "  - nested item\n\n1. numbered\n\n> quoted text\n\n![alt](img.png)\n\n```py\ncode()\n```\n\n"
        "<div>raw</div>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    doc = ingest.parse_markdown(text, "en")
    kinds = [(b.kind, b.text, b.level, b.marker) for b in doc.blocks]
    assert kinds == [
        ("heading", "Title", 1, ""),
        ("paragraph", "A paragraph with a link.", 0, ""),
        ("list_item", "first item", 1, "-"),
        ("list_item", "second item", 1, "-"),
        ("list_item", "nested item", 2, "-"),
        ("list_item", "numbered", 1, "1."),
        ("blockquote", "quoted text", 0, ""),
        ("image", "![alt](img.png)", 0, ""),
        ("code", "```py\ncode()\n```", 0, ""),
        ("html", "<div>raw</div>", 0, ""),
        ("table", "| a | b |\n|---|---|\n| 1 | 2 |", 0, ""),
    ]
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))
    assert [b.alignable for b in doc.blocks] == [True] * 7 + [False] * 4
    assert doc.blocks[1].line == 2


def test_front_matter_gives_metadata():
    text = (
        "---\ntitle: Given Title\nsource: https://example.org/post\ndate: 2025-12-19\n---\n"
        "# Heading\n\nBody.\n"
    )
    doc = ingest.parse_markdown(text, "en")
    assert (doc.title, doc.source_url, doc.date) == ("Given Title", "https://example.org/post", "2025-12-19")


def test_title_falls_back_to_first_heading():
    doc = ingest.parse_markdown("Intro line.\n\n## Second-level heading\n\nBody.\n", "en")
    assert doc.title == "Second-level heading"


def test_bad_front_matter(tmp_path):
    with pytest.raises(ingest.BadFrontMatter):
        ingest.parse_markdown("---\ntitle: [unclosed\n---\nBody text here.\n", "en")


def test_plain_text_paragraphs(tmp_path):
    path = write(tmp_path, "a.txt", b"First line\ncontinues.\n\nSecond paragraph.\n")
    doc = ingest.read_document(path, "en")
    assert [b.text for b in doc.blocks] == ["First line continues.", "Second paragraph."]


@pytest.mark.parametrize(
    "name, slug",
    [("karpathy-2025.en.md", "karpathy-2025"), ("My Post.txt", "my-post"), ("notes_EN.md", "notes")],
)
def test_slug_from_stem(name, slug):
    assert ingest.slug_for(Path(name)) == slug


def test_korean_sibling(tmp_path):
    en = write(tmp_path, "post.en.md", b"Hello there.")
    assert ingest.find_korean_sibling(en) is None
    ko = write(tmp_path, "post.ko.txt", KOREAN.encode())
    assert ingest.find_korean_sibling(en) == ko


def test_a_txt_article_takes_its_headline_as_title_and_drops_typed_markup(tmp_path):
    """A .txt file reads like a .md one: a first short line without a sentence end is the title, and
    Markdown typed into a line (`**bold**`, a link) loses its markup but keeps its words."""
    path = tmp_path / "post.en.txt"
    path.write_text(
        "A Short Headline About Models\n\nThe **reward model** was trained on [the data](http://x.y). "
        "It worked.\n",
        encoding="utf-8",
    )
    doc = ingest.read_document(path, "en")
    assert doc.title == "A Short Headline About Models"
    assert doc.blocks[1].text == "The reward model was trained on the data. It worked."
    prose = tmp_path / "prose.en.txt"
    prose.write_text("This first line is a sentence.\n\nAnother one follows here.\n", encoding="utf-8")
    assert ingest.read_document(prose, "en").title == ""  # a sentence is no title
