"""formats: beads as JSON Lines and TSV, and the reviewed pairs as TSV and TMX 1.4b.

`aligned/` holds the alignment as computed (``beads_jsonl``, ``beads_tsv``). The exports hold what
the reader reviewed: a fixed flag's correction replaces its evidence in the Korean, with the
original kept beside it (a TSV column, a TMX ``<note>``), and each flag shows its own status.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pipeline.errors import ReadnotesError
from pipeline.models import Article, Bead, Flag

#: Flag statuses shown in the sheet and the TMX notes (a dismissed flag is the reviewer saying
#: "not a problem").
SHOWN_FLAG_STATUSES = ("open", "accepted", "fixed")

TMX_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


class OutputError(ReadnotesError):
    "An output file could not be written (full disk, no permission, not a regular file)"

    hint = (
        "Free some space or choose a writable place; notes.db keeps everything, and "
        "`readnotes sheet SLUG` (or `readnotes export SLUG`) writes the file again."
    )


def check_target(path: Path) -> None:
    """Refuse to replace anything but a regular file: a FIFO would block, a device (/dev/full) or a
    symlink would be replaced by a file, or followed somewhere else."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as e:
        raise OutputError(f"cannot look at it ({e.strerror})", path=path) from e
    if stat.S_ISLNK(mode):
        raise OutputError(
            "is a symbolic link; readnotes replaces only regular files",
            path=path,
            hint="Pass the real file, or a new name.",
        )
    if not stat.S_ISREG(mode):
        kind = "folder" if stat.S_ISDIR(mode) else "special file (a device, FIFO or socket)"
        raise OutputError(f"is a {kind}, not a regular file", path=path, hint="Pass a file name to write.")


def replace_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write through `write` into a new, uniquely named file beside `path`, then rename it over
    `path`: a crash or a full disk never leaves half a file, and a planted `<name>.tmp` (a symlink,
    say) is never followed. Any failure is one OutputError, and `path` keeps its previous content."""
    check_target(path)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as f:
            tmp = Path(f.name)
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would create it, not mkstemp's 0600
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise OutputError(f"cannot write it ({e.strerror or e})", path=path) from e
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> None:
    """Write text as UTF-8 to `path`, atomically (see replace_file)."""
    replace_file(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


@functools.cache
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def cell(text: str) -> str:
    """Text on one line, for a TSV cell or a TMX segment (runs of whitespace become one space)."""
    return " ".join(text.split())  # str.split's whitespace is re's \s, and this is 3x faster


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading ' (OWASP's
    advice; spreadsheets hide the quote). `--raw` exports skip this."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def tsv_cell(text: str, raw: bool = False) -> str:
    """A TSV cell: on one line, and spreadsheet-safe unless `raw`."""
    one_line = cell(text)
    return one_line if raw else spreadsheet_safe(one_line)


def beads_jsonl(beads: Iterable[Bead]) -> str:
    return "".join(json.dumps(b.to_json(), ensure_ascii=False) + "\n" for b in beads)


def beads_tsv(beads: Iterable[Bead], raw: bool = False) -> str:
    """en<TAB>ko<TAB>score, one bead a line, with a header row: the alignment as computed
    (spreadsheet-safe cells unless `raw`)."""
    lines = ["en\tko\tscore"]
    lines += [f"{tsv_cell(b.en_text, raw)}\t{tsv_cell(b.ko_text, raw)}\t{b.score:.3f}" for b in beads]
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


def pairs_tsv(article: Article, raw: bool = False) -> str:
    """en, ko (with the reviewer's fixes), score, ko_original (the Korean before the fixes, or empty
    when none applies), one bead a line, with a header row; spreadsheet-safe cells unless `raw`."""
    flags = flags_by_bead(article.beads, article.flags)
    lines = ["en\tko\tscore\tko_original"]
    for k, b in enumerate(article.beads):
        ko = corrected_korean(b.ko_text, flags.get(k, []))
        original = tsv_cell(b.ko_text, raw) if ko != b.ko_text else ""
        lines.append(f"{tsv_cell(b.en_text, raw)}\t{tsv_cell(ko, raw)}\t{b.score:.3f}\t{original}")
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
