"""The reading and review desk (`readnotes serve`): what its pages show and do, over the same app
functions the commands use. Pieces of text come out already cut at every vocabulary hit and flag
evidence, so the templates escape plain strings and never build HTML from article text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import store
from pipeline.app.articles import add
from pipeline.app.library import article_summaries
from pipeline.app.progress import Progress, no_progress
from pipeline.app.review import decide, fix_mismatch, flag_views
from pipeline.app.sheets import load_full_article, sheet_notes, write_sheet
from pipeline.errors import ReadnotesError
from pipeline.lang.keys import vocab_key
from pipeline.lang.spans import first_occurrence
from pipeline.models import Flag, Sentence, VocabHit, VocabTerm
from pipeline.output import sheet_html
from pipeline.output.export import sheet_md
from pipeline.stages import ingest, review, translate
from pipeline.workspace import Workspace


class UnknownFlag(ReadnotesError, LookupError):
    "No stored flag has this id"

    hint = "Open the review queue again: the article may have been re-checked since."


class BadPaste(ReadnotesError, ValueError):
    "Text pasted into the desk's add form cannot become an article"


class NameTaken(BadPaste):
    "The slug of a pasted article names a stored article or a file in raw/"


@dataclass
class Piece:
    """A run of a sentence's text with the vocabulary terms and flags that cover all of it."""

    text: str
    terms: list[str] = field(default_factory=list)  # vocabulary keys
    flags: list[Flag] = field(default_factory=list)

    @property
    def severity(self) -> str:
        """The worst severity of the flags on this piece."""
        return min(
            (f.severity for f in self.flags), key=lambda s: review.SEVERITY_ORDER.get(s, 3), default=""
        )

    @property
    def status(self) -> str:
        """open when any flag on the piece is still open, else the first flag's status."""
        statuses = [f.status for f in self.flags]
        return "open" if "open" in statuses else (statuses[0] if statuses else "")


@dataclass
class ReaderSentence:
    index: int
    kind: str  # heading, paragraph, list_item, …
    pieces: list[Piece]


@dataclass
class ReaderPair:
    """One bead: its English and Korean sentences, cut into pieces; its flags."""

    number: int
    kind: str  # "1-1", "1-0" (omission), "0-1" (addition), …
    score: float
    en: list[ReaderSentence]
    ko: list[ReaderSentence]
    flags: list[Flag]

    @property
    def heading(self) -> bool:
        return any(s.kind == "heading" for s in self.en + self.ko)


@dataclass
class Reader:
    slug: str
    title: str
    summary: dict[str, object]
    pairs: list[ReaderPair]
    terms: dict[str, VocabTerm]  # key → the terms found in this article (English side)
    flags: list[Flag]


def _cut(
    text: str, terms: Sequence[tuple[int, int, str]], flags: Sequence[tuple[int, int, Flag]]
) -> list[Piece]:
    """The text cut at every span boundary; each piece lists what covers it (spans may overlap)."""
    bounds = sorted(
        {0, len(text), *(p for s, e, _ in terms for p in (s, e)), *(p for s, e, _ in flags for p in (s, e))}
    )
    pieces = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        if start >= end or end > len(text):
            continue
        covering_terms = list(dict.fromkeys(k for s, e, k in terms if s <= start and end <= e))
        covering_flags = [f for s, e, f in flags if s <= start and end <= e]
        pieces.append(Piece(text[start:end], covering_terms, covering_flags))
    return pieces


def _sentences(
    indices: Iterable[int],
    sentences: Sequence[Sentence],
    hits: dict[int, list[VocabHit]],
    flags: Sequence[Flag],
    lang: str,
) -> list[ReaderSentence]:
    out = []
    placed: set[str] = set()  # a flag's evidence is marked once, where it first occurs
    for i in indices:
        s = sentences[i]
        term_spans = [(h.start, h.end, vocab_key(h.term)) for h in hits.get(i, [])]
        flag_spans = []
        for f in flags:
            on_this_side = (lang == "ko" and f.ko) or (lang == "en" and not f.ko)
            if not on_this_side or f.fingerprint in placed:
                continue
            for start, end in first_occurrence(s.text, f.evidence.strip()):
                flag_spans.append((start, end, f))
                placed.add(f.fingerprint)
        out.append(ReaderSentence(i, s.kind, _cut(s.text, term_spans, flag_spans)))
    return out


def reader(ws: Workspace, slug: str) -> Reader:
    """An article as the reader page shows it: pairs of sentences with their hits and flags."""
    article = load_full_article(ws, slug)
    summary = article_summary(ws, slug)
    hits: dict[str, dict[int, list[VocabHit]]] = {"en": {}, "ko": {}}
    for h in article.hits:
        hits[h.lang].setdefault(h.sentence, []).append(h)
    by_bead: dict[tuple[tuple[int, ...], tuple[int, ...]], list[Flag]] = {}
    for f in article.flags:
        by_bead.setdefault((tuple(f.en), tuple(f.ko)), []).append(f)
    pairs = []
    for n, bead in enumerate(article.beads):
        flags = by_bead.get((tuple(bead.en), tuple(bead.ko)), [])
        pairs.append(
            ReaderPair(
                n,
                bead.kind,
                bead.score,
                _sentences(bead.en, article.en_sentences, hits["en"], flags, "en"),
                _sentences(bead.ko, article.ko_sentences, hits["ko"], flags, "ko"),
                flags,
            )
        )
    found = {vocab_key(h.term) for h in article.hits}
    terms = {t.key: t for t in store.load_vocab(ws.db) if t.key in found}
    return Reader(slug, article.title, summary, pairs, terms, article.flags)


def article_summary(ws: Workspace, slug: str) -> dict[str, object]:
    return library(ws, slug)[0]


def library(ws: Workspace, slug: str | None = None) -> list[dict[str, object]]:
    """`readnotes list` rows, each with its open flags (errors and warnings waiting for review)
    counted by severity, and its info flags."""
    rows = article_summaries(ws, slug)
    by_slug: dict[str, dict[str, int]] = {}
    for f in flag_views(ws, slug):
        counts = by_slug.setdefault(f.slug, {})
        if f.is_open or f.severity == "info":
            counts[f.severity] = counts.get(f.severity, 0) + 1
    return [r | {"open_by_severity": by_slug.get(str(r["slug"]), {})} for r in rows]


def print_sheet(ws: Workspace, slug: str, layout: str = "side") -> str:
    """The printable study sheet (the print stylesheet of `readnotes sheet --format html`), in memory."""
    article = load_full_article(ws, slug)
    return sheet_html.study_sheet_html(
        sheet_md(article, sheet_notes(ws, article)), article.title, layout=layout
    )


def find_flag(ws: Workspace, flag_id: str, slug: str | None = None) -> Flag:
    """The stored flag with this id (fingerprint), preferring the given article's."""
    matches = [f for f in flag_views(ws) if f.fingerprint == flag_id]
    for f in matches:
        if not slug or f.slug == slug:
            return f
    if matches:
        return matches[0]
    raise UnknownFlag(f"no flag {flag_id[:12]!r}")


@dataclass
class Decision:
    """What recording a decision did, for the page to say: the flag after it, and what a fix could
    teach the term base (None when nothing, or when the fix names another term)."""

    flag: Flag
    action: str
    promotion: review.Promotion | None = None
    other_term: str = ""  # set when a fix names another term than the flag's and was not confirmed
    saved: bool = True


def decide_flag(ws: Workspace, flag: Flag, action: str, text: str = "", confirmed: bool = False) -> Decision:
    """Record one review decision as `readnotes review` does (same row, same fingerprint), with the
    same sanity check on fixes, then rewrite the article's study sheet."""
    text = review.checked_decision(action, text)
    if action == "fix" and text == flag.evidence.strip():
        raise review.ReviewError(
            "the fix is the same as the flagged text", hint="Edit the Korean, or dismiss."
        )
    other = fix_mismatch(ws, flag, text) if action == "fix" else ""
    if other and not confirmed:
        return Decision(flag, action, other_term=other, saved=False)
    decide(ws, flag, action, text)
    write_sheet(ws, flag.slug)
    promotion = review.promotion_for(flag, text) if action == "fix" and not other else None
    return Decision(find_flag(ws, flag.fingerprint, flag.slug), action, promotion)


def promotion_offer(flag: Flag) -> review.Promotion | None:
    """What a fixed flag's fix could teach the term base."""
    return review.promotion_for(flag, flag.fix) if flag.status == "fixed" and flag.fix else None


def flag_subject(flag: Flag) -> str:
    return review.flag_subject(flag)


# --- looking a flagged pair up on demand (review's b and l keys) --------------------------------

#: What the review page can ask about a flag's pair: kind → what the answer is called.
LOOKUPS: dict[str, str] = {"back": "Back-translation", "llm": "LLM reviewer"}


@dataclass
class PairLookup:
    """What a translator or the LLM reviewer said about a flag's pair, or why it could not say."""

    kind: str  # a key of LOOKUPS
    source: str = ""  # the translator, or the LLM reviewer's model
    back_translation: str = ""
    errors: list = field(default_factory=list)  # the LLM reviewer's ErrorSpans on the pair's Korean
    problem: str = ""  # one line with what to do, when the lookup failed
    status: int = 200  # the HTTP status a page showing it answers with

    @property
    def title(self) -> str:
        return LOOKUPS[self.kind] + (f" ({self.source})" if self.source else "")


def look_up_pair(ws: Workspace, flag: Flag, kind: str, translator: str) -> PairLookup:
    """Back-translate the flag's Korean with `translator`, or ask the LLM reviewer about its pair, as
    `readnotes review` does on b and l: cached answers cost nothing, new ones are cached. A service
    that is down or not set up is a PairLookup with the problem (502, 503), never an exception."""
    import os

    from pipeline.app.meaning import back_translate_pair, llm_review_pair
    from pipeline.stages.llm import errors as llm_errors

    if kind not in LOOKUPS:
        raise review.ReviewError(f"unknown lookup {kind!r}", hint="Ask for back or llm.")
    if not flag.ko_text.strip():
        raise review.ReviewError(
            "this pair has no Korean to look up (the English was not translated)",
            hint="Fix the flag with the missing Korean, or dismiss it.",
        )
    try:
        if kind == "back":
            return PairLookup(kind, translator, back_translation=back_translate_pair(ws, flag, translator))
        return PairLookup(kind, os.environ.get(llm_errors.MODEL_VAR, ""), errors=llm_review_pair(ws, flag))
    except llm_errors.LLMNotConfigured as e:
        return PairLookup(kind, problem=e.user_message(), status=503)
    except ReadnotesError as e:  # unreachable, refused, a failed translation: the service's fault
        return PairLookup(kind, translator if kind == "back" else "", problem=e.user_message(), status=502)


# --- adding an article from pasted or uploaded text ---------------------------------------------

#: The formats pasted text can be read as, and the suffix of the raw/ file it is kept in.
PASTE_FORMATS: dict[str, str] = {"text": ".txt", "markdown": ".md"}


@dataclass
class Pasted:
    """One article as the add form sent it: the text of each side (the Korean may be empty when a
    translator is asked), how to read it, and the slug."""

    en: str
    ko: str = ""
    slug: str = ""
    fmt: str = "text"
    en_suffix: str = ""  # an uploaded file's own suffix (.md, .txt) wins over fmt
    ko_suffix: str = ""
    translate_with: str = ""  # a provider name, or "" to use the Korean given


def paste_slug(pasted: Pasted) -> str:
    """The slug asked for, or one made from the English title line (its first non-blank line)."""
    if pasted.slug.strip():
        return ingest.check_slug(pasted.slug.strip())
    first = next((line for line in pasted.en.splitlines() if line.strip()), "")
    title = re.sub(r"^#+\s*|^title:\s*", "", first.strip())[:60]
    return ingest.slug_for(Path(f"{title}.md")) if title else "article"


def check_pasted(ws: Workspace, pasted: Pasted) -> tuple[str, Path, Path | None]:
    """The slug and the raw/ files the pasted sides will be kept in, or BadPaste saying what to fix.
    Nothing is written here; an existing article or file is never replaced."""
    if not pasted.en.strip():
        raise BadPaste("the English side is empty", hint="Paste the English article, or choose its file.")
    if not pasted.ko.strip() and not pasted.translate_with:
        raise BadPaste(
            "the Korean side is empty", hint="Paste the Korean translation, choose its file, or ask for one."
        )
    for side, text in (("English", pasted.en), ("Korean", pasted.ko)):
        if len(text.encode("utf-8")) > ingest.MAX_BYTES:
            raise BadPaste(
                f"the {side} side is {len(text.encode('utf-8')) // 1024:,} KiB; "
                f"readnotes reads up to {ingest.MAX_BYTES // 1024:,} KiB",
                hint="Split the article in parts.",
            )
    if pasted.fmt not in PASTE_FORMATS:
        raise BadPaste(f"unknown format {pasted.fmt!r}", hint="Choose plain text or Markdown.")
    slug = paste_slug(pasted)
    en_path = ws.raw / f"{slug}.en{pasted.en_suffix or PASTE_FORMATS[pasted.fmt]}"
    ko_path = (
        ws.raw / f"{slug}.ko{pasted.ko_suffix or PASTE_FORMATS[pasted.fmt]}" if pasted.ko.strip() else None
    )
    stored = _stored(ws, slug)
    taken = [p for p in (en_path, ko_path) if p is not None and p.exists()]
    if stored or taken:
        raise NameTaken(
            f"the name {slug!r} is taken" + (f" ({taken[0].name} is in raw/)" if taken else ""),
            hint="Choose another name in the Name field.",
        )
    return slug, en_path, ko_path


def decode_upload(data: bytes) -> tuple[str, str]:
    """An uploaded file's text and encoding (UTF-8 with or without BOM, CP949/EUC-KR), as add reads it."""
    return ingest.decode_bytes(data)


def _stored(ws: Workspace, slug: str) -> bool:
    if not ws.db_path.exists():
        return False
    try:
        store.get_article_row(ws.db, slug)
    except store.UnknownArticle:
        return False
    return True


def add_pasted(ws: Workspace, pasted: Pasted, progress: Progress = no_progress) -> str:
    """Keep the pasted sides in raw/ and add them as `readnotes add` would; returns the slug. When
    the article cannot be read, the files written here are removed again, so a retry is not refused."""
    slug, en_path, ko_path = check_pasted(ws, pasted)
    ws.raw.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for path, text in ((en_path, pasted.en), (ko_path, pasted.ko)):
            if path is not None:
                path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")
                written.append(path)
        translator = (
            translate.Translator(pasted.translate_with) if pasted.translate_with and not ko_path else None
        )
        add(ws, en_path, ko_path, slug=slug, progress=progress, translator=translator)
    except BaseException:
        if not _stored(ws, slug):
            for path in written:
                path.unlink(missing_ok=True)
        raise
    return slug
