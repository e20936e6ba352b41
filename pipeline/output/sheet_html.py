"""sheet_html: the Markdown study sheet rendered to HTML for printing (markdown-it-py + footnotes).

Raw HTML is disabled in the parser, so anything in the article that looks like a tag is shown as
text. A core rule marks the Korean block quotes (lang="ko") and wraps each English paragraph or
heading with the Korean quote under it in ``<div class="pair">``, so the print stylesheet can keep a
pair on one page and set it side by side (``--layout side``) or one under the other (interleaved).
"""

from __future__ import annotations

import functools
import html

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
h1, h2, h3 { break-after: avoid; }
p { margin: .25em 0; orphans: 3; widows: 3; }
:lang(ko), .ko { font-family: %(korean)s; word-break: keep-all; line-break: strict; }
blockquote.ko { margin: .1em 0 .75em 1.1em; padding: 0 0 0 .7em; border-left: 3px solid #9fb6d6;
                color: #34404f; font-size: .96em; }
blockquote.ko p { margin: .15em 0; }
.pair { break-inside: avoid; }
.pair.heading > blockquote.ko { margin-top: 0; font-weight: 600; }
/* A new section starts on a new page (not the first heading, the sheet's title). */
.pair.h2, body > h2 { break-before: page; }
body.side .pair { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.4em; align-items: start; }
body.side .pair > blockquote.ko { margin: .25em 0 .5em; }
body.side .pair > * { min-width: 0; }
body.side .pair.heading { margin-top: 1.1em; border-bottom: 1px solid #bbb; }
body.side .pair.heading > h1, body.side .pair.heading > h2, body.side .pair.heading > h3 {
  margin: 0; border: 0; }
body.side .pair.added > blockquote.ko { grid-column: 2; }
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
.footnotes { font-size: .88em; }
.footnotes li { break-inside: avoid; }
a { color: #24508a; }
@media screen { body { background: #fff; } }
"""


@functools.cache
def markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table").use(footnote_plugin)
    md.core.ruler.push("study_pairs", _pair_rule)
    return md


def _matching_close(tokens: list[Token], start: int) -> int:
    depth = 0
    for k in range(start, len(tokens)):
        depth += tokens[k].nesting
        if depth == 0:
            return k
    return len(tokens) - 1


def _pair_rule(state: StateCore) -> None:
    """Mark Korean quotes and wrap (English, Korean) pairs; see the module docstring."""
    tokens = state.tokens
    inserts: list[tuple[int, Token]] = []  # (position, token), applied back to front
    for k, tok in enumerate(tokens):
        if tok.type == "table_open" and not any(t.type == "table_open" for t in tokens[:k]):
            tok.attrSet("class", "meta")  # the sheet's header table: key | value rows
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
