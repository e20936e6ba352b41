"""Reading a rendered sheet back in tests: plain text of each inline run with its enclosing blocks."""

from __future__ import annotations

from markdown_it.token import Token


def inline_runs(tokens: list[Token]) -> list[tuple[tuple[str, ...], str]]:
    """(enclosing block types, plain text) of every inline run, in order."""
    out: list[tuple[tuple[str, ...], str]] = []
    stack: list[str] = []
    for tok in tokens:
        if tok.nesting == 1:
            stack.append(tok.type.removesuffix("_open"))
        elif tok.nesting == -1:
            stack.pop()
        elif tok.type == "inline":
            text = "".join(c.content for c in tok.children or [] if c.type in ("text", "code_inline"))
            out.append((tuple(stack), text))
    return out
