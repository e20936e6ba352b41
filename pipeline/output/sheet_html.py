"""sheet_html: the Markdown study sheet rendered to HTML for printing (markdown-it-py + footnotes).

Raw HTML is disabled in the parser, so anything in the article that looks like a tag is shown as
text. A core rule marks the Korean block quotes (lang="ko") and wraps each English paragraph or
heading with the Korean quote under it in ``<div class="pair">``, so the print stylesheet can keep a
pair on one page and set it side by side (``--layout side``) or one under the other (interleaved).
"""

from __future__ import annotations

import functools
import html
import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

#: --paper → CSS @page size.
PAPERS: dict[str, str] = {"a4": "A4", "letter": "letter"}
LAYOUTS: tuple[str, ...] = ("interleaved", "side")

#: Korean fonts a reader's machine is likely to have, most to least common on each platform.
KOREAN_FONTS = (
    '"Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "맑은 고딕", '
    '"Nanum Gothic", "NanumGothic", "Source Han Sans K", sans-serif'
)

CSS = """
@page { size: %(size)s; margin: 16mm 15mm 18mm 15mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: Georgia, "Noto Serif", "DejaVu Serif", serif; font-size: 10.5pt; line-height: 1.45;
       color: #1a1a1a; max-width: 48em; margin: 1.5em auto; padding: 0 1em; }
body.side { max-width: 62em; }
h1 { font-size: 1.7em; margin: 0 0 .15em; line-height: 1.2; }
h2 { font-size: 1.3em; margin: 1.2em 0 .2em; border-bottom: 1px solid #bbb; padding-bottom: .1em; }
h3 { font-size: 1.08em; margin: 1em 0 .2em; }
h1, h2, h3, .pair.heading { break-after: avoid; }
p { margin: .25em 0; orphans: 3; widows: 3; }
:lang(ko), .ko { font-family: %(korean)s; word-break: keep-all; line-break: strict; }
blockquote.ko { margin: .1em 0 .75em 1.1em; padding: 0 0 0 .7em; border-left: 3px solid #9fb6d6;
                color: #34404f; font-size: .96em; }
blockquote.ko p { margin: .15em 0; }
.pair { break-inside: avoid; }
.pair.heading > blockquote.ko { margin-top: 0; font-weight: 600; }
/* Sections flow on (a forced page break left the first page half empty and the footnotes alone
   on the last); a heading is never the last thing on a page, and a pair is never split. */
body.side .pair { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.4em; align-items: start; }
body.side .pair > blockquote.ko { margin: .25em 0 .5em; }
body.side .pair > * { min-width: 0; }
body.side .pair.heading { margin-top: 1.1em; border-bottom: 1px solid #bbb; }
body.side .pair.heading > h1, body.side .pair.heading > h2, body.side .pair.heading > h3 {
  margin: 0; border: 0; }
body.side .pair.added > blockquote.ko { grid-column: 2; }
/* A flag's evidence: underlined where it is, the check named on hover (title) and in print. */
mark.flag { background: #ffe5e0; color: inherit; text-decoration: underline wavy #c0392b;
            text-decoration-skip-ink: none; text-underline-offset: .18em; border-radius: 2px; }
mark.flag.warning { background: #fff1d6; text-decoration-color: #c77c00; }
mark.flag.info { background: #eef2f7; text-decoration-color: #7a8ca5; }
mark.flag[data-check]::after { content: attr(data-check); font: 600 .62em/1 sans-serif; color: #a5281b;
            vertical-align: .5em; margin-left: .15em; }
table.review { width: 100%%; table-layout: fixed; }
table.review th:nth-child(1) { width: 1.6em; }
table.review th:nth-child(2), table.review th:nth-child(3) { width: 34%%; }
table.review td { word-break: keep-all; overflow-wrap: anywhere; }
table.review td:nth-child(3) { font-family: %(korean)s; }
strong { font-weight: 600; background: #fff0a0; border-radius: 2px; padding: 0 .08em; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: .92em; }
td, th { border-bottom: 1px solid #ddd; padding: .18em .6em; text-align: left; vertical-align: top; }
table.meta thead { display: none; }
table.meta td:first-child { color: #666; white-space: nowrap; }
tr { break-inside: avoid; }
hr { border: 0; border-top: 1px solid #ccc; margin: 1em 0; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; }
pre { background: #f5f5f5; padding: .5em .7em; white-space: pre-wrap; break-inside: avoid; }
img { max-width: 100%%; }
sup.footnote-ref { font-size: .7em; line-height: 0; }
sup.footnote-ref a { color: #8a5a00; text-decoration: none; }
.footnotes { font-size: .8em; line-height: 1.3; }
.footnotes li { break-inside: avoid; }
/* The last notes never go alone onto a last page: the break moves up so that three go together. */
.footnotes li:nth-last-child(-n+2) { break-before: avoid; }
a { color: #24508a; }
@media screen { body { background: #fff; } }
"""


@functools.cache
def markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table").use(footnote_plugin)
    md.core.ruler.push("study_pairs", _pair_rule)
    md.core.ruler.push("flag_marks", _flag_marks)
    md.add_render_rule("flag_mark", _render_flag_mark)
    return md


def _matching_close(tokens: list[Token], start: int) -> int:
    depth = 0
    for k in range(start, len(tokens)):
        depth += tokens[k].nesting
        if depth == 0:
            return k
    return len(tokens) - 1


def _after_heading(tokens: list[Token], k: int, title: str) -> bool:
    """Whether the nearest heading before tokens[k] reads `title`."""
    for j in range(k - 1, 0, -1):
        if tokens[j].type == "heading_open":
            return tokens[j + 1].content == title
    return False


def _pair_rule(state: StateCore) -> None:
    """Mark Korean quotes and wrap (English, Korean) pairs; see the module docstring."""
    tokens = state.tokens
    inserts: list[tuple[int, Token]] = []  # (position, token), applied back to front
    for k, tok in enumerate(tokens):
        if tok.type == "table_open" and not any(t.type == "table_open" for t in tokens[:k]):
            tok.attrSet("class", "meta")  # the sheet's header table: key | value rows
        elif tok.type == "table_open" and _after_heading(tokens, k, "Review"):
            tok.attrSet("class", "review")  # the flags by pair: fixed column widths
        if tok.type != "blockquote_open":
            continue
        close = _matching_close(tokens, k)
        if any(t.type == "blockquote_open" for t in tokens[k + 1 : close]):
            continue  # the article's own quote: it holds pairs, it is not Korean
        tok.attrSet("class", "ko")
        tok.attrSet("lang", "ko")
        prev = tokens[k - 1] if k else None
        if prev is not None and prev.type in ("paragraph_close", "heading_close") and prev.level == tok.level:
            start = k - 1
            while (
                tokens[start].type != prev.type.replace("_close", "_open") or tokens[start].level != tok.level
            ):
                start -= 1
            kind = f"pair heading {prev.tag}" if prev.type == "heading_close" else "pair"
        else:
            start, kind = k, "pair added"
        opener = Token("pair_open", "div", 1, level=tok.level, block=True)
        opener.attrSet("class", kind)
        inserts += [(close + 1, Token("pair_close", "div", -1, level=tok.level, block=True)), (start, opener)]
    # Back to front; where a pair closes and the next opens at one position, the close goes first.
    for position, token in sorted(inserts, key=lambda p: (p[0], p[1].nesting), reverse=True):
        tokens.insert(position, token)


_FLAG_NOTE = re.compile(r"⚠ (?P<check>\S+) \((?P<severity>\w+)")


def _footnote_texts(tokens: list[Token]) -> dict[int, str]:
    """footnote id → the plain text of its definition (the sheet's flag notes start "⚠ check (")."""
    texts: dict[int, str] = {}
    for k, tok in enumerate(tokens):
        if tok.type == "footnote_open":
            inline = next((t for t in tokens[k:] if t.type == "inline"), None)
            if inline is not None:
                texts[tok.meta["id"]] = inline.content
    return texts


def _flag_marks(state: StateCore) -> None:
    """Turn the code spans that mark a flag's evidence (sheet_md.code_span) into <mark>: those
    followed by a flag's footnote reference, and those in the review appendix's table."""
    tokens = state.tokens
    notes = _footnote_texts(tokens)
    in_review = False
    for k, tok in enumerate(tokens):
        if tok.type == "inline" and k and tokens[k - 1].type == "heading_open":
            in_review = tok.content == "Review"
        if tok.type != "inline" or not tok.children:
            continue
        in_table = in_review and any(t.type == "td_open" for t in tokens[max(k - 2, 0) : k])
        children = tok.children
        for n, child in enumerate(children):
            if child.type != "code_inline":
                continue
            refs = []
            for after in children[n + 1 :]:
                if after.type != "footnote_ref":
                    break
                refs.append(notes.get(after.meta["id"], ""))
            flag_refs = [r for r in refs if _FLAG_NOTE.match(r)]
            if not (flag_refs or in_table):
                continue
            child.type = "flag_mark"
            child.meta = {"notes": flag_refs}


def _render_flag_mark(self, tokens: list[Token], idx: int, options, env) -> str:  # noqa: ANN001
    token = tokens[idx]
    notes: list[str] = token.meta.get("notes", [])
    found = [m for m in map(_FLAG_NOTE.match, notes) if m]
    classes = " ".join(["flag", *dict.fromkeys(m["severity"] for m in found)])
    attrs = f' class="{classes}"'
    if notes:
        title = "\n".join(n.removeprefix("⚠ ") for n in notes)
        attrs += (
            f' title="{html.escape(title)}" data-check="{html.escape(" · ".join(m["check"] for m in found))}"'
        )
    return f"<mark{attrs}>{html.escape(token.content, quote=False)}</mark>"


def study_sheet_html(markdown: str, title: str, paper: str = "a4", layout: str = "interleaved") -> str:
    """A standalone HTML page for the sheet, with its print stylesheet inlined."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    body = markdown_renderer().render(markdown)
    css = CSS % {"size": PAPERS[paper], "korean": KOREAN_FONTS}
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n"
        f'<body class="{layout}">\n{body}</body>\n</html>\n'
    )
