"""formats: beads as JSON Lines and TSV, and the reviewed pairs as TSV and TMX 1.4b.

`aligned/` holds the alignment as computed (``beads_jsonl``, ``beads_tsv``). The exports hold what
the reader reviewed: a fixed flag's correction replaces its evidence in the Korean, with the
original kept beside it (a TSV column, a TMX ``<note>``), and each flag shows its own status.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.models import Article, Bead, Flag

#: Flag statuses shown in the sheet and the TMX notes (a dismissed flag is the reviewer saying
#: "not a problem").
SHOWN_FLAG_STATUSES = ("open", "accepted", "fixed")

TMX_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary sibling, then rename: a crash never leaves half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def cell(text: str) -> str:
    """Text on one line, for a TSV cell or a TMX segment (runs of whitespace become one space)."""
    return " ".join(text.split())  # str.split's whitespace is re's \s, and this is 3x faster


def beads_jsonl(beads: Iterable[Bead]) -> str:
    return "".join(json.dumps(b.to_json(), ensure_ascii=False) + "\n" for b in beads)


def beads_tsv(beads: Iterable[Bead]) -> str:
    """en<TAB>ko<TAB>score, one bead a line, with a header row: the alignment as computed."""
    lines = ["en\tko\tscore"]
    lines += [f"{cell(b.en_text)}\t{cell(b.ko_text)}\t{b.score:.3f}" for b in beads]
    return "\n".join(lines) + "\n"


def flags_by_bead(beads: Sequence[Bead], flags: Iterable[Flag]) -> dict[int, list[Flag]]:
    """bead index → its flags (a flag belongs to the first bead sharing one of its sentences)."""
    bead_of: dict[tuple[str, int], int] = {}
    for k, bead in enumerate(beads):
        for lang, indices in (("en", bead.en), ("ko", bead.ko)):
            for i in indices:
                bead_of.setdefault((lang, i), k)
    out: dict[int, list[Flag]] = {}
    for flag in flags:
        places = [
            bead_of[p] for p in [*(("ko", j) for j in flag.ko), *(("en", i) for i in flag.en)] if p in bead_of
        ]
        if places:
            out.setdefault(min(places), []).append(flag)
    return out


def corrected_korean(ko_text: str, flags: Iterable[Flag]) -> str:
    """The Korean with each fixed flag's evidence replaced by the reviewer's fix."""
    for flag in flags:
        if flag.status == "fixed" and flag.fix and flag.evidence and flag.evidence in ko_text:
            ko_text = ko_text.replace(flag.evidence, flag.fix, 1)
    return ko_text


def pairs_tsv(article: Article) -> str:
    """en, ko (with the reviewer's fixes), score, ko_original (the Korean before the fixes, or empty
    when none applies), one bead a line, with a header row."""
    flags = flags_by_bead(article.beads, article.flags)
    lines = ["en\tko\tscore\tko_original"]
    for k, b in enumerate(article.beads):
        ko = corrected_korean(b.ko_text, flags.get(k, []))
        original = cell(b.ko_text) if ko != b.ko_text else ""
        lines.append(f"{cell(b.en_text)}\t{cell(ko)}\t{b.score:.3f}\t{original}")
    return "\n".join(lines) + "\n"


def flag_note(flag: Flag) -> str:
    """One flag as a line of text: check, severity, its status, message and evidence (and the fix)."""
    text = f"{flag.check} ({flag.severity}, {flag.status}): {flag.message} [{flag.evidence}]"
    return text + (f" → [{flag.fix}]" if flag.fix else "")


def tmx(article: Article, created: str = "", tool_version: str = "") -> str:
    """TMX 1.4b: one <tu> per bead with both sides (1-1 or n-m), en and ko; shown flags as <note>s.

    A fixed flag's correction is in the Korean <seg>; the Korean as translated is kept in a <note>.
    Built with ElementTree, which escapes the text and writes xml:lang from the XML namespace.
    """
    import datetime as dt
    import xml.etree.ElementTree as ET

    from pipeline import __version__

    created = created or dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        creationtool="readnotes",
        creationtoolversion=tool_version or __version__,
        segtype="sentence",
        **{"o-tmf": "readnotes", "adminlang": "en", "srclang": "en", "datatype": "plaintext"},
        creationdate=created,
    )
    body = ET.SubElement(root, "body")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    flags = flags_by_bead(article.beads, article.flags)
    for k, bead in enumerate(article.beads):
        if not (bead.en and bead.ko):
            continue
        tu = ET.SubElement(body, "tu", tuid=f"{article.slug}/{k}")
        shown = [f for f in flags.get(k, []) if f.status in SHOWN_FLAG_STATUSES]
        for flag in shown:
            ET.SubElement(tu, "note").text = flag_note(flag)
        ko_text = corrected_korean(bead.ko_text, shown)
        if ko_text != bead.ko_text:
            ET.SubElement(tu, "note").text = f"original ko: {cell(bead.ko_text)}"
        ET.SubElement(tu, "prop", type="x-bead").text = bead.kind
        ET.SubElement(tu, "prop", type="x-score").text = f"{bead.score:.3f}"
        for lang, text in (("en", bead.en_text), ("ko", ko_text)):
            tuv = ET.SubElement(tu, "tuv", {xml_lang: lang})
            ET.SubElement(tuv, "seg").text = cell(text)
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{TMX_DOCTYPE}\n{xml}\n'
