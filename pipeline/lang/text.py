"""Text hygiene: one normal form for everything read, and strings made safe for a terminal.

Articles come from browsers, word processors and macOS file systems. The same Korean word may
arrive composed (NFC) or decomposed into jamo (NFD), and text carries invisible characters: zero-width
spaces and joiners, byte-order marks, bidirectional overrides. Left in, they break every comparison
(vocabulary, term checks, search) while looking identical on screen, so ingest removes them.
"""

from __future__ import annotations

import re
import unicodedata

#: Invisible format characters that change no visible letter: zero-width space, non-joiner and
#: joiner, word joiner, the BOM (a zero-width no-break space inside text), soft hyphen.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
#: Bidirectional marks, embeddings, overrides and isolates: they reorder what a reader sees.
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_INVISIBLE = re.compile(f"[{ZERO_WIDTH}{BIDI_CONTROLS}]")
# C0 and C1 control characters other than tab and newline (a form feed is a page break: a newline).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\x7f-\x9f]")


def normalize(text: str) -> str:
    """NFC, with zero-width and bidi control characters and stray control characters removed.

    Line breaks are kept as they are (callers have already turned CR LF into LF)."""
    text = text.replace("\f", "\n")
    text = _CONTROLS.sub("", _INVISIBLE.sub("", text))
    return unicodedata.normalize("NFC", text)


def has_invisible(text: str) -> bool:
    """Whether `text` holds a character `normalize` removes (tab and newline are visible)."""
    return bool(_INVISIBLE.search(text) or _CONTROLS.search(text) or "\f" in text)


_TERMINAL_UNSAFE = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]")


def terminal_safe(text: str) -> str:
    """`text` with control, bidi and zero-width characters shown escaped (``\\u202e``), so that a
    file name or a stored string cannot move the cursor, recolour or reorder a terminal line.
    Tabs and newlines are kept."""
    return _TERMINAL_UNSAFE.sub(lambda m: _escape(m.group(0)), text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
