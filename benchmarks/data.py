"""Loaders for the NTREX-128 en-ko development gold, and a seeded perturbation of the Korean side.

``pairs.tsv`` has one gold 1-1 translation unit per row (a row may hold several sentences). Every
condition here yields :class:`Case` objects: English and Korean :class:`pipeline.document.Sentence`
lists (all in one paragraph, ``block=0``, spans into the paragraph text made by joining the
sentences with a space), the gold beads, and the gold row of every sentence.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.scoring import BeadT, rows_to_beads
from pipeline.models import Sentence

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAIRS = REPO_ROOT.parent / "shared" / "data" / "ntrex-en-ko-dev" / "pairs.tsv"

Splitter = Callable[[str], list[tuple[int, int]]]

#: Synthetic page chrome inserted as 0-1 beads by the perturbation.
PAGE_CHROME: tuple[str, ...] = (
    "댓글",
    "댓글 0",
    "공유하기",
    "이미지: 게티이미지뱅크",
    "이미지: 연합뉴스",
    "사진 = 로이터",
    "기사 원문 보기",
    "무단 전재 및 재배포 금지",
    "구독하기",
    "관련 기사 더보기",
    "광고",
    "이 기사를 추천합니다",
)


@dataclass
class Doc:
    """One document of ``pairs.tsv``: its rows, in order."""

    doc_id: str
    en_rows: list[str]
    ko_rows: list[str]


@dataclass
class Case:
    """One alignment problem with its gold."""

    name: str
    en: list[Sentence]
    ko: list[Sentence]
    gold: list[BeadT]
    en_row: list[int]  # gold row (index into ``gold``) of every English sentence
    ko_row: list[int]
    merge_within_rows: bool = False  # sentences finer than rows: merge predictions before scoring
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def n_sentences(self) -> int:
        return len(self.en) + len(self.ko)


def load_documents(path: Path | str = DEFAULT_PAIRS) -> list[Doc]:
    """Documents of ``pairs.tsv`` in file order (tab-separated, header row, no quoting)."""
    docs: list[Doc] = []
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["doc_id", "en", "ko"]:
            raise ValueError(f"unexpected header {header!r}")
        for lineno, line in enumerate(fh, start=2):
            line = line.rstrip("\n").rstrip("\r")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise ValueError(f"{path}:{lineno}: expected 3 fields, got {len(parts)}")
            doc_id, en, ko = parts
            if not docs or docs[-1].doc_id != doc_id:
                docs.append(Doc(doc_id, [], []))
            docs[-1].en_rows.append(en.strip())
            docs[-1].ko_rows.append(ko.strip())
    return docs


def join_documents(docs: Sequence[Doc], doc_id: str = "joined") -> Doc:
    """All documents concatenated into one, with no boundary between them."""
    return Doc(doc_id, [r for d in docs for r in d.en_rows], [r for d in docs for r in d.ko_rows])


def make_sentences(texts: Sequence[str], block: int = 0, kind: str = "paragraph") -> list[Sentence]:
    """Sentences of one paragraph whose text is ``" ".join(texts)``; spans index into it."""
    out: list[Sentence] = []
    pos = 0
    for i, text in enumerate(texts):
        out.append(Sentence(index=i, block=block, text=text, start=pos, end=pos + len(text), kind=kind))
        pos += len(text) + 1
    return out


def presplit_case(doc: Doc) -> Case:
    """One row = one sentence; gold is the identity 1-1 bead of every row."""
    n = len(doc.en_rows)
    return Case(
        name=doc.doc_id,
        en=make_sentences(doc.en_rows),
        ko=make_sentences(doc.ko_rows),
        gold=[((i,), (i,)) for i in range(n)],
        en_row=list(range(n)),
        ko_row=list(range(n)),
    )


def _split_rows(rows: Sequence[str], splitter: Splitter) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    row_of: list[int] = []
    for r, row in enumerate(rows):
        pieces = [row[s:e].strip() for s, e in splitter(row)]
        pieces = [p for p in pieces if p]
        if not pieces:  # never lose a row: fall back to the whole row
            pieces = [row]
        texts.extend(pieces)
        row_of.extend([r] * len(pieces))
    return texts, row_of


def own_split_case(
    doc: Doc, en_splitter: Splitter | None = None, ko_splitter: Splitter | None = None
) -> Case:
    """Each row split by our own segmenters; gold is the row-level bead of the split sentences."""
    if en_splitter is None or ko_splitter is None:
        from pipeline.stages.segment import split_english_text, split_korean_text

        en_splitter = en_splitter or split_english_text
        ko_splitter = ko_splitter or split_korean_text
    en_texts, en_row = _split_rows(doc.en_rows, en_splitter)
    ko_texts, ko_row = _split_rows(doc.ko_rows, ko_splitter)
    return Case(
        name=doc.doc_id,
        en=make_sentences(en_texts),
        ko=make_sentences(ko_texts),
        gold=rows_to_beads(en_row, ko_row),
        en_row=en_row,
        ko_row=ko_row,
        merge_within_rows=True,
    )


# --- perturbation of the Korean side ---------------------------------------------------------------

# "고" is not a clause boundary after 려/라/다 ("-려고 하다", quoted "-라고/다고 말했다") nor before an
# auxiliary verb ("-고 있다", "-고 싶다").
_CLAUSE_CUT = re.compile(
    r"(?:,|(?<=[가-힣])(?:며|지만|는데|면서|으나)"
    r"|(?<=[가-힣])(?<![려라다])고(?! (?:있|싶|계|말|나서|보|하|했|한)))(?= )"
)


def clause_cut(text: str, lo: float = 0.25, hi: float = 0.75) -> int | None:
    """Character offset just after a clause boundary near the middle of ``text``, or None.

    Boundaries are ``", "`` and the connective endings ``며 고 지만 는데 면서 으나`` before a space.
    Both halves must keep at least ``lo`` of the text.
    """
    n = len(text)
    best: int | None = None
    for m in _CLAUSE_CUT.finditer(text):
        cut = m.end()
        if lo * n <= cut <= hi * n and (best is None or abs(cut - n / 2) < abs(best - n / 2)):
            best = cut
    return best


@dataclass
class PerturbRates:
    merge: float = 0.04  # share of gold units whose Korean is merged with the next unit's (2-1)
    split: float = 0.04  # share of units whose Korean is split at a clause boundary (1-2)
    drop: float = 0.05  # share of units whose Korean is dropped (1-0)
    insert: float = 0.04  # unrelated Korean sentences inserted, per unit (0-1)
    chrome_share: float = 0.5  # share of insertions that are page chrome rather than far-away text
    far: int = 200  # an inserted corpus sentence comes from at least this many units away


def perturb_korean(
    case: Case, seed: int = 0, rates: PerturbRates | None = None, pool: Sequence[str] | None = None
) -> Case:
    """A copy of ``case`` whose Korean side is merged, split, thinned and padded; gold updated.

    Works on the gold units (beads) of ``case``; each unit is touched by at most one operation, and
    only units with exactly one Korean sentence are merged, split or dropped. Inserted sentences come
    from ``pool`` (default: the case's own Korean side) at least ``rates.far`` positions away, or from
    :data:`PAGE_CHROME`. An insertion is never placed next to a dropped unit, so that a 1-0 and a 0-1
    never touch. Deterministic for a given seed.
    """
    rates = rates or PerturbRates()
    rng = random.Random(seed)
    pool = list(pool) if pool is not None else [s.text for s in case.ko]
    units: list[tuple[tuple[int, ...], list[str]]] = [
        (en, [case.ko[j].text for j in ko]) for en, ko in case.gold
    ]
    n = len(units)
    single = [len(u[1]) == 1 for u in units]
    order = list(range(n))
    rng.shuffle(order)
    op: dict[int, str] = {}  # unit index -> "merge" (with the next unit), "merged", "split" or "drop"
    cuts: dict[int, int] = {}
    want = {k: round(getattr(rates, k) * n) for k in ("merge", "split", "drop")}
    done = dict.fromkeys(want, 0)
    for u in order:
        if u in op or not single[u]:
            continue
        if (
            done["merge"] < want["merge"]
            and u + 1 < n
            and u + 1 not in op
            and single[u + 1]
            and units[u][0]
            and units[u + 1][0]
        ):
            op[u], op[u + 1] = "merge", "merged"
            done["merge"] += 1
        elif done["split"] < want["split"] and (cut := clause_cut(units[u][1][0])) is not None:
            op[u] = "split"
            cuts[u] = cut
            done["split"] += 1
        elif done["drop"] < want["drop"] and units[u][0]:
            op[u] = "drop"
            done["drop"] += 1
        if all(done[k] >= want[k] for k in want):
            break

    # Insertion slots: slot s means "before unit s" (s == n: at the end).
    n_insert = round(rates.insert * n)
    slots = [s for s in range(n + 1) if op.get(s - 1) != "drop" and op.get(s) != "drop"]
    chosen = sorted(rng.sample(slots, min(n_insert, len(slots))))
    inserts: dict[int, str] = {}
    for s in chosen:
        if rng.random() < rates.chrome_share or len(pool) <= 2 * rates.far:
            inserts[s] = rng.choice(PAGE_CHROME)
        else:
            far = [i for i in range(len(pool)) if abs(i - s) >= rates.far]
            inserts[s] = pool[rng.choice(far)]

    new_units: list[tuple[tuple[int, ...], list[str]]] = []
    for u in range(n + 1):
        if u in inserts:
            new_units.append(((), [inserts[u]]))
        if u == n:
            break
        en, ko = units[u]
        kind = op.get(u)
        if kind == "merge":
            nxt_en, nxt_ko = units[u + 1]
            new_units.append((en + nxt_en, [ko[0] + " " + nxt_ko[0]]))
        elif kind == "merged":
            continue
        elif kind == "split":
            text = ko[0]
            new_units.append((en, [text[: cuts[u]].strip(), text[cuts[u] :].strip()]))
        elif kind == "drop":
            new_units.append((en, []))
        else:
            new_units.append((en, ko))

    ko_texts: list[str] = []
    gold: list[BeadT] = []
    ko_row: list[int] = []
    en_row = [0] * len(case.en)
    for r, (en, ko) in enumerate(new_units):
        ko_idx = tuple(range(len(ko_texts), len(ko_texts) + len(ko)))
        ko_texts.extend(ko)
        ko_row.extend([r] * len(ko))
        for i in en:
            en_row[i] = r
        gold.append((en, ko_idx))
    notes = dict(done)
    notes["insert"] = len(inserts)
    notes["insert_chrome"] = sum(1 for t in inserts.values() if t in PAGE_CHROME)
    return Case(
        name=f"{case.name}+perturbed(seed={seed})",
        en=case.en,
        ko=make_sentences(ko_texts),
        gold=gold,
        en_row=en_row,
        ko_row=ko_row,
        merge_within_rows=case.merge_within_rows,
        notes=notes,
    )


# --- the conditions --------------------------------------------------------------------------------


def presplit_clean(docs: Sequence[Doc]) -> list[Case]:
    return [presplit_case(d) for d in docs]


def own_split_clean(docs: Sequence[Doc]) -> list[Case]:
    return [own_split_case(d) for d in docs]


def joined_presplit(docs: Sequence[Doc]) -> list[Case]:
    return [presplit_case(join_documents(docs))]


def joined_perturbed_presplit(
    docs: Sequence[Doc], seed: int = 0, rates: PerturbRates | None = None
) -> list[Case]:
    return [perturb_korean(presplit_case(join_documents(docs)), seed=seed, rates=rates)]


def concatenate(cases: Sequence[Case], name: str) -> Case:
    """One case made of several, one after another, with sentence indices and gold shifted."""
    en_texts: list[str] = []
    ko_texts: list[str] = []
    gold: list[BeadT] = []
    en_row: list[int] = []
    ko_row: list[int] = []
    for case in cases:
        e0, k0, r0 = len(en_texts), len(ko_texts), len(gold)
        en_texts += [s.text for s in case.en]
        ko_texts += [s.text for s in case.ko]
        gold += [(tuple(i + e0 for i in en), tuple(j + k0 for j in ko)) for en, ko in case.gold]
        en_row += [r + r0 for r in case.en_row]
        ko_row += [r + r0 for r in case.ko_row]
    return Case(name, make_sentences(en_texts), make_sentences(ko_texts), gold, en_row, ko_row)


def perturbed_copies(docs: Sequence[Doc], copies: int, rates: PerturbRates | None = None) -> Case:
    """The joined text ``copies`` times, each copy's Korean perturbed with its own seed (0, 1, …): a
    long text without the exact repetition that makes the plain repeated text a pathological case
    for anchors (every rare feature occurs once per copy)."""
    base = presplit_case(join_documents(docs))
    return concatenate(
        [perturb_korean(base, seed=k, rates=rates) for k in range(copies)], f"perturbed×{copies}"
    )
