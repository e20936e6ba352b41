"""ingest: read a Markdown or text file into a Document of typed blocks.

Decoding accepts UTF-8 (with or without BOM) and CP949/EUC-KR. Markdown is parsed with
markdown-it-py; headings, paragraphs, list items and block quotes become alignable blocks, while
code, images, tables and raw HTML are kept verbatim for the study sheet but never aligned.

Text is normalised as it is read (NFC; zero-width, bidi and stray control characters removed; see
lang/text.py). Hostile input is refused before the step it would stall (MAX_BYTES here, the others in
stages/limits.py), with one line that names the limit and what to do.
"""

from __future__ import annotations

import codecs
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from pipeline.errors import ReadnotesError
from pipeline.lang.ko import HANGUL_ANY
from pipeline.lang.text import normalize
from pipeline.models import Block, Document, Lang
from pipeline.stages import paste
from pipeline.stages.limits import OverLimit, check_markup, check_sentences

# --- limits for hostile input (documented in the README's "Limits and guarantees") --------------
#: Articles are a few thousand sentences (a long one is 100 KB); 2 MiB is some 20,000 sentences
#: (MAX_SENTENCES), far past any real article, and protects the machine from a mistaken path (a
#: dump, a log): refusing the largest hostile file within the limits takes seconds.
MAX_BYTES = 2 * 1024 * 1024
#: Slugs name files (aligned/<slug>.jsonl …); 64 characters keep Hangul names well inside the
#: 255-byte file-name limit with any suffix.
MAX_SLUG_CHARS = 64
SUFFIXES = (".md", ".markdown", ".txt")


class IngestError(ReadnotesError, ValueError):
    """Base class: the input file cannot be used as an article side."""

    about_a_file = True
    hint = "Pass a Markdown (.md) or text (.txt) file."


class EmptyInput(IngestError):
    "The file holds no text"

    hint = "Check that you passed the right file."


class BinaryInput(IngestError):
    "The file is binary, not text"

    hint = "Pass a Markdown (.md) or text (.txt) file."


class UnknownEncoding(IngestError):
    "Neither UTF-8 (with or without BOM) nor CP949/EUC-KR decodes this file"

    hint = "Save it as UTF-8 and run again."


class WrongLanguage(IngestError):
    "The file's script does not match the language it was given as"

    hint = "Pass the English file first and the Korean one with --ko."


class TooLarge(IngestError):
    "The file is larger than readnotes handles"

    hint = "Split it into smaller articles."


class BadFrontMatter(IngestError):
    "The YAML front matter does not parse"

    hint = "Fix or remove the front matter between the --- lines."


class NoProse(EmptyInput):
    "The file has text, but none of it is prose to align (only front matter, code, images, …)"

    hint = "Pass the file that holds the article's text: paragraphs, headings, lists or quotes."


class Unreadable(IngestError):
    "The file exists but cannot be read (permissions, a folder, a device)"

    hint = "Check that you may read it (its permissions), or pass another file."


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file contents; return (text, encoding name).

    Only three encodings are legitimate here, so trying them in order is exact; a statistical
    detector such as charset-normalizer would add guesses (Latin-1, Shift-JIS) that are always
    wrong for an English/Korean article pair.
    """
    if b"\x00" in data:
        raise BinaryInput("it contains NUL bytes, so it is binary (or UTF-16), not a text article")
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data[len(codecs.BOM_UTF8) :])]
    else:
        candidates = [("utf-8", data), ("cp949", data)]
    for encoding, payload in candidates:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_share(text) > 0.01:
            raise BinaryInput("it is mostly control characters, so it is binary, not a text article")
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise UnknownEncoding("it is neither UTF-8 nor CP949/EUC-KR")


#: Unicode category Cc (U+0000-001F, U+007F-009F) but the line ends, tab and form feed: one regex
#: pass, where asking unicodedata about every character took 1.2 s on 100,000 Korean sentences.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = len(_CONTROL.findall(text))
    return controls / len(text)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, refused unread when it is larger than max_bytes."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(
                f"it is {size / 2**20:.1f} MiB; readnotes reads articles up to {max_bytes // 2**20} MiB",
                path=path,
            )
        return path.read_bytes()
    except OSError as e:
        raise Unreadable(f"it cannot be read ({e.strerror or e})", path=path) from e


def read_text(path: Path, max_bytes: int | None = None) -> tuple[str, str]:
    """Read a file as text with encoding detection; raise an IngestError subclass on bad input."""
    path = Path(path)
    text, encoding = decode_bytes(
        read_bytes(path, max_bytes or MAX_BYTES)
    )  # MAX_BYTES looked up now: tests lower it
    text = normalize(text)
    if not text.strip():
        raise EmptyInput("it is empty")
    return text, encoding


HANGUL = HANGUL_ANY  # any Hangul: syllables and jamo
LATIN = re.compile(r"[A-Za-z]")


def hangul_share(text: str) -> float:
    """Share of Hangul among Hangul and Latin letters (0 when there are no letters)."""
    hangul = len(HANGUL.findall(text))
    latin = len(LATIN.findall(text))
    return hangul / (hangul + latin) if hangul + latin else 0.0


def check_language(text: str, lang: Lang) -> None:
    """Refuse an English file given as Korean, or the reverse (swapped arguments), and text with no
    letters at all (only digits, punctuation or markup), which has nothing to align."""
    if not HANGUL.search(text) and not LATIN.search(text):
        raise NoProse("it has no words to align, only digits, punctuation or markup")
    share = hangul_share(text)
    if lang == "ko" and share < 0.3:
        raise WrongLanguage(
            f"it was given as Korean but only {share:.0%} of its letters are Hangul; "
            "it looks like English (are the two files swapped?)"
        )
    if lang == "en" and share > 0.3:
        raise WrongLanguage(
            f"it was given as English but {share:.0%} of its letters are Hangul; "
            "it looks like Korean (are the two files swapped?)"
        )


@cache
def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(front_matter_plugin)


def parse_markdown(text: str, lang: Lang) -> Document:
    """Parse Markdown into a Document: front matter metadata and typed blocks."""
    tokens = markdown_parser().parse(text)
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    blocks: list[Block] = []
    # Containers we are inside: ("list", marker) or ("blockquote", "")
    containers: list[tuple[str, str]] = []
    item_markers: list[str] = []
    pending_kind: str | None = None
    pending_level = 0
    pending_line = 0

    def add(kind: str, body: str, line: int, level: int = 0, marker: str = "") -> None:
        if body.strip():
            blocks.append(Block(len(blocks), kind, body.strip(), line, level, marker))  # type: ignore[arg-type]

    def raw(tok: Token) -> str:
        if tok.map is None:
            return tok.content
        return "\n".join(lines[tok.map[0] : tok.map[1]])

    for tok in tokens:
        t = tok.type
        if t == "front_matter":
            meta = _front_matter(tok.content)
        elif t in ("bullet_list_open", "ordered_list_open"):
            containers.append(("list", tok.markup))
        elif t in ("bullet_list_close", "ordered_list_close"):
            containers.pop()
        elif t == "list_item_open":
            item_markers.append(f"{tok.info}{tok.markup}" if tok.info else tok.markup)
        elif t == "list_item_close":
            item_markers.pop()
        elif t == "blockquote_open":
            containers.append(("blockquote", ""))
        elif t == "blockquote_close":
            containers.pop()
        elif t == "heading_open":
            pending_kind, pending_level = "heading", int(tok.tag[1])
            pending_line = tok.map[0] if tok.map else 0
        elif t == "paragraph_open":
            pending_line = tok.map[0] if tok.map else 0
            list_depth = sum(1 for kind, _ in containers if kind == "list")
            if containers and containers[-1][0] == "list":
                pending_kind, pending_level = "list_item", list_depth
            elif containers and containers[-1][0] == "blockquote":
                pending_kind, pending_level = "blockquote", list_depth
            else:
                pending_kind, pending_level = "paragraph", 0
        elif t == "inline" and pending_kind:
            if _only_images(tok):
                add("image", raw(tok), pending_line)
            elif pending_kind == "heading":
                add("heading", inline_text(tok), pending_line, pending_level)
            else:
                marker = item_markers[-1] if pending_kind == "list_item" and item_markers else ""
                first = Block(0, pending_kind, "", pending_line, pending_level, marker)  # type: ignore[arg-type]
                for block in pasted_blocks(first, inline_lines(tok, lines)):
                    add(block.kind, block.text, block.line, block.level, block.marker)
            pending_kind = None
        elif t in ("fence", "code_block"):
            add("code", raw(tok), tok.map[0] if tok.map else 0)
        elif t == "html_block":
            add("html", raw(tok), tok.map[0] if tok.map else 0)
        elif t == "table_open":
            add("table", raw(tok), tok.map[0] if tok.map else 0)
            pending_kind = None
    # Table cells come as inline tokens without a paragraph; pending_kind guards them out.
    doc = Document(lang=lang, blocks=blocks)
    doc.title = str(meta.get("title") or _first_heading(blocks) or "")
    doc.source_url = str(meta.get("source") or meta.get("source_url") or meta.get("url") or "")
    doc.date = str(meta.get("date") or "")
    return doc


class _FrontMatterLoader(yaml.SafeLoader):
    """The safe loader without aliases: front matter never needs them, and an alias bomb (a few
    lines that expand into gigabytes) is refused before anything is expanded."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise BadFrontMatter("its front matter uses a YAML alias (*name); readnotes reads plain values")
        return super().compose_node(parent, index)


def _front_matter(content: str) -> dict[str, Any]:
    try:
        data = yaml.load(content, Loader=_FrontMatterLoader) or {}  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as e:
        raise BadFrontMatter(f"its front matter is not valid YAML ({str(e).splitlines()[0]})") from e
    except RecursionError as e:  # "{a: {a: {a: …" thousands deep: the composer recurses per level
        raise BadFrontMatter("its front matter nests too deep for a title, date and source") from e
    if not isinstance(data, dict):
        raise BadFrontMatter("its front matter must be a YAML mapping such as 'title: …'")
    return data


def _only_images(tok: Token) -> bool:
    children = tok.children or []
    kinds = {c.type for c in children} - {"softbreak", "hardbreak"}
    texts_blank = all(not c.content.strip() for c in children if c.type == "text")
    return "image" in kinds and kinds <= {"image", "text"} and texts_blank


def inline_lines(tok: Token, source: list[str]) -> list[paste.Line]:
    """The lines of an inline token as plain text (markup dropped, link text kept, inline images
    dropped), each marked indented when its source line is indented deeper than the first."""
    texts: list[list[str]] = [[]]
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            texts[-1].append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            texts.append([])
    first = tok.map[0] if tok.map else None
    out: list[paste.Line] = []
    for n, parts in enumerate(texts):
        indented, width = False, None
        if first is not None and first + n < len(source):
            indented = n > 0 and _indent(source[first + n]) > _indent(source[first])
            # A wrap is judged on the line as written (list marker, link markup and all).
            width = paste.display_width(source[first + n].strip())
        out.append(paste.Line("".join(parts), indented, width))
    return out


_QUOTE_AND_INDENT = re.compile(r"(?:[ \t]*>[ \t]?)*([ \t]*)")


def _indent(line: str) -> int:
    """Indentation of a source line past any block-quote markers."""
    m = _QUOTE_AND_INDENT.match(line)
    return len(m.group(1)) if m else 0


def pasted_blocks(first: Block, lines: list[paste.Line]) -> list[Block]:
    """The blocks a reader sees in one paragraph of pasted text (see stages/paste.py).

    `first` gives the kind, level, marker and source line of the paragraph as parsed; the item on
    its first line keeps them. Later items are list items when they start with a list marker, else
    paragraphs (block quotes stay block quotes). A list marker Markdown does not know ("•", "①")
    makes a list item of the first item too. An id glued to Korean text becomes its own paragraph.
    """
    blocks: list[Block] = []
    for piece in paste.group_lines(lines):
        line = first.line + piece.first_line
        if piece.first_line == 0:
            kind, level, marker = first.kind, first.level, first.marker or piece.marker
            if piece.marker and kind == "paragraph":
                kind, level = "list_item", 1
        elif first.kind == "blockquote":
            kind, level, marker = "blockquote", first.level, piece.marker
        elif piece.marker:
            kind, level, marker = (
                "list_item",
                max(first.level, 1) if first.kind == "list_item" else 1,
                piece.marker,
            )
        else:
            kind, level, marker = "paragraph", 0, ""
        for n, part in enumerate(paste.split_glued_ids(piece.text)):
            blocks.append(Block(0, kind, part, line, level, marker if n == 0 else ""))  # type: ignore[arg-type]
    return blocks


def inline_text(tok: Token) -> str:
    """Plain text of an inline token: markup dropped, link text kept, inline images dropped."""
    parts: list[str] = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return re.sub(r"[ \t]+", " ", "".join(parts)).strip()


def _first_heading(blocks: list[Block]) -> str:
    return next((b.text for b in blocks if b.kind == "heading"), "")


def parse_plain_text(text: str, lang: Lang) -> Document:
    """A .txt file: chunks separated by blank lines, each cut into the items a reader sees (one per
    line unless a line is soft-wrapped, see stages/paste.py), as a Markdown file would be."""
    blocks: list[Block] = []
    chunk: list[paste.Line] = []
    chunk_start = 0
    source = text.split("\n")
    for line_no, line in enumerate([*source, ""]):
        if line.strip():
            if not chunk:
                chunk_start, base = line_no, _indent(line)
            chunk.append(paste.Line(line, _indent(line) > base))
            continue
        if chunk:
            for block in pasted_blocks(Block(0, "paragraph", "", chunk_start), chunk):
                block.index = len(blocks)
                block.text = _plain_inline(block.text)
                blocks.append(block)
            chunk = []
    return Document(lang=lang, blocks=blocks, title=_title_line(blocks))


def _plain_inline(text: str) -> str:
    """Inline Markdown typed into a .txt line (`**reward model**`, `[a link](url)`) read as it is
    in a .md file: the markup dropped, the words kept."""
    if not re.search(r"[*_`\[\]<>\\]", text):  # nothing that could be markup: leave it alone
        return text
    tokens = markdown_parser().parseInline(text)
    return inline_text(tokens[0]) if tokens else text


#: The longest first line of a .txt file still read as its title.
TITLE_CHARS = 150


def _title_line(blocks: list[Block]) -> str:
    """A .txt article's title: its first block when that is one short line without a sentence end
    (a headline), as a Markdown file's first heading is."""
    if not blocks:
        return ""
    first = blocks[0].text.strip()
    if "\n" in first or len(first) > TITLE_CHARS or re.search(r"[.!?。…:;]$", first):
        return ""
    return first


def read_document(path: Path, lang: Lang) -> Document:
    """Read, decode, language-check and parse one side of an article."""
    path = Path(path)
    try:
        if path.suffix.lower() not in SUFFIXES:
            raise IngestError(
                f"it has suffix {path.suffix or '(none)'!r}; readnotes reads .md and .txt files"
            )
        text, encoding = read_text(path)
        check_markup(text)
        doc = parse_plain_text(text, lang) if path.suffix.lower() == ".txt" else parse_markdown(text, lang)
        check_sentences(doc)
        prose = "\n".join(b.text for b in doc.blocks if b.alignable)
        if not prose:
            raise NoProse(
                "it has no text to align once front matter, code, tables, images, HTML and rules "
                "are set aside"
            )
        # The language of the prose only: an English code block or front matter in a Korean file,
        # or a file with no prose at all, must not read as swapped arguments.
        check_language(prose, lang)
    except (IngestError, OverLimit) as e:
        e.path = path
        raise
    doc.path = str(path)
    doc.encoding = encoding
    return doc


def slug_for(path: Path) -> str:
    """Slug from the file stem: raw/karpathy-2025.en.md → karpathy-2025, 인공지능.en.md → 인공지능.

    Letters of any script are kept (composed, as macOS file names arrive decomposed), so two Korean
    file names give two slugs; the rest become '-'. Cut to MAX_SLUG_CHARS."""
    stem = normalize(Path(path).name)
    for suffix in SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    stem = re.sub(r"[._-](en|eng|english)$", "", stem, flags=re.I)
    slug = re.sub(r"[^\w]+", "-", stem.lower()).strip("-")
    return slug[:MAX_SLUG_CHARS].rstrip("-_") or "article"


class BadSlug(IngestError):
    "A slug names files in aligned/ and exports/, so it must be a plain name"

    hint = "Choose a name such as my-article."


def check_slug(slug: str) -> str:
    """Accept letters, digits, '-', '_' and '.', not starting with '.', up to MAX_SLUG_CHARS: no path
    can escape, and every file name made from it fits."""
    if len(slug) > MAX_SLUG_CHARS:
        raise BadSlug(f"--slug is {len(slug):,} characters long; a slug has up to {MAX_SLUG_CHARS}")
    if not re.fullmatch(r"[\w][\w.-]*", slug):
        raise BadSlug(f"--slug {slug!r} is not a plain name (letters, digits, '-', '_', '.')")
    return normalize(slug)


class SlugTaken(IngestError):
    "The slug already names an article made from another English file: adding would replace it"


def check_slug_free(slug: str, en_path: Path, stored_en_path: str | None) -> None:
    """Refuse a slug that names a stored article from a different source. The same file (as
    resolved, or by its name, for a file moved or a command run from another folder) is a re-add
    and replaces the article, as before."""
    if not stored_en_path:
        return
    stored, new = Path(stored_en_path), Path(en_path)
    if stored.name == new.name or stored.resolve() == new.resolve():
        return
    raise SlugTaken(
        f"the slug {slug!r} already names the article added from {stored_en_path}; adding would replace it",
        hint=f"Choose another name with --slug (e.g. --slug {slug[: MAX_SLUG_CHARS - 2]}-2).",
    )


def korean_sibling_name(en_path: Path) -> str:
    """The file name `add` looks for beside an English file: post.en.md → post.ko.md."""
    base = re.sub(r"(\.en)?\.(md|markdown|txt)$", "", Path(en_path).name, flags=re.I)
    return base + ".ko.md"


def find_korean_sibling(en_path: Path) -> Path | None:
    """raw/<stem>.ko.md or raw/<stem>.ko.txt beside raw/<stem>.en.md, if present."""
    en_path = Path(en_path)
    name = en_path.name
    base = re.sub(r"(\.en)?\.(md|markdown|txt)$", "", name, flags=re.I)
    for suffix in (".ko.md", ".ko.txt", ".ko.markdown"):
        candidate = en_path.with_name(base + suffix)
        if candidate.exists() and candidate != en_path:
            return candidate
    return None
