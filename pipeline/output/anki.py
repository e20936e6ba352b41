"""anki: vocabulary cards for one article, as an Anki package (.apkg, via genanki) and as TSV.

One card per term found in the article (terms you marked known or ignored are left out). A card
shows the term, its gloss, the example sentence with the term highlighted, its Korean pair with the
gloss highlighted where found, and the article. The note GUID comes from the term's key, so
importing a later export updates the card instead of adding a duplicate.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.models import Article, VocabHit, VocabTerm
from pipeline.output.formats import replace_file, spreadsheet_safe
from pipeline.stages.vocab import highlight

#: Fixed ids: Anki identifies the note type and the deck by them across imports.
MODEL_ID = 1_607_392_319
DECK_ID = 2_059_400_110
MODEL_NAME = "readnotes vocabulary"
DECK_NAME = "readnotes::vocabulary"
FIELDS = ("Term", "Gloss", "Example", "Korean", "Article", "Note")
#: Statuses that get cards: known and ignored terms need no more practice.
CARD_STATUSES = ("new", "learning")

CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; color: #222; }
.term { font-size: 28px; font-weight: bold; }
.example b, .korean b { background: #fff3a0; }
.korean { margin-top: .6em; }
.article, .note { margin-top: .8em; font-size: 14px; color: #666; }"""

FRONT = '<div class="term">{{Term}}</div><div class="example">{{Example}}</div>'
BACK = (
    '{{FrontSide}}<hr id="answer"><div class="gloss">{{Gloss}}</div>'
    '<div class="korean">{{Korean}}</div><div class="note">{{Note}}</div>'
    '<div class="article">{{Article}}</div>'
)


@dataclass
class Card:
    guid: str
    term: VocabTerm
    fields: tuple[str, ...]  # HTML, in FIELDS order
    tags: tuple[str, ...]


def guid_for(term: VocabTerm) -> str:
    """Stable per term. Hex, not genanki.guid_for's base91: Anki reads a TSV line that starts
    with '#' as a comment, and base91 GUIDs can start with '#'."""
    return "readnotes-" + hashlib.sha256(term.key.encode()).hexdigest()[:16]


def _text(text: str) -> str:
    return html.escape(text, quote=False)


def _tag(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_:" else "_" for ch in text)


def _spans_by_sentence(hits: Iterable[VocabHit], term: str) -> dict[tuple[str, int], list[tuple[int, int]]]:
    spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for h in hits:
        if h.term == term:
            spans.setdefault((h.lang, h.sentence), []).append((h.start, h.end))
    return spans


def cards(article: Article, terms: Iterable[VocabTerm]) -> list[Card]:
    """A card for each term (with a status that gets cards) that occurs in the article."""
    en = {s.index: s.text for s in article.en_sentences}
    ko = {s.index: s.text for s in article.ko_sentences}
    ko_of = {i: bead.ko for bead in article.beads for i in bead.en}
    first_hit: dict[str, VocabHit] = {}
    for hit in sorted(article.hits, key=lambda h: (h.sentence, h.start)):
        if hit.lang == "en":
            first_hit.setdefault(hit.term, hit)
    out = []
    for term in terms:
        hit = first_hit.get(term.term)
        if hit is None or term.status not in CARD_STATUSES:
            continue
        spans = _spans_by_sentence(article.hits, term.term)
        example = highlight(en[hit.sentence], spans.get(("en", hit.sentence), []))
        korean = " ".join(highlight(ko[j], spans.get(("ko", j), [])) for j in ko_of.get(hit.sentence, []))
        label = term.term + (f" ({', '.join(term.aliases)})" if term.aliases else "")
        source = _text(article.title) + (
            f' — <a href="{html.escape(article.en.source_url)}">{_text(article.slug)}</a>'
            if article.en.source_url
            else f" — {_text(article.slug)}"
        )
        note = _text(term.note).replace("\n", "<br>")
        fields = (_text(label), _text(term.gloss), example, korean, source, note)
        tags = ("readnotes", _tag(article.slug), f"status:{term.status}")
        out.append(Card(guid_for(term), term, fields, tags))
    return out


def write_apkg(cards_: list[Card], path: Path) -> None:
    """An Anki package: a zip holding the SQLite collection. Written beside, then renamed."""
    import genanki

    model = genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": f} for f in FIELDS],
        templates=[{"name": "Term → meaning", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    for card in cards_:
        note = genanki.Note(model=model, fields=list(card.fields), guid=card.guid, tags=list(card.tags))
        deck.add_note(note)
    replace_file(path, lambda tmp: genanki.Package(deck).write_to_file(str(tmp)))


def tsv(cards_: list[Card], raw: bool = False) -> str:
    """Anki's text import with file headers: tab-separated, HTML fields, GUID and tags columns.

    Fields are quoted the RFC 4180 way (csv module), which Anki's importer reads, so a tab, a line
    break or a leading quote inside a field cannot shift the columns. A field that a spreadsheet
    would read as a formula gets a leading ' unless `raw`.
    """
    safe = (lambda f: f) if raw else spreadsheet_safe
    out = io.StringIO()
    out.write("#separator:tab\n#html:true\n")
    out.write(f"#notetype:{MODEL_NAME}\n#deck:{DECK_NAME}\n")
    out.write("#guid column:1\n")
    out.write(f"#tags column:{len(FIELDS) + 2}\n")
    out.write("#columns:GUID\t" + "\t".join(FIELDS) + "\tTags\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for card in cards_:
        fields = (safe(f.replace("\n", "<br>")) for f in card.fields)
        writer.writerow([card.guid, *fields, " ".join(card.tags)])
    return out.getvalue()
