"""The check registry and what every check gets: the @check decorator, the pinned order of the
checks, the Facts gathered once per article, and the helpers they share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.models import Article, Bead, Flag
from pipeline.stages import terms

if TYPE_CHECKING:
    from pipeline.stages.semantic import Encoder
    from pipeline.stages.terms import Term, TermBase, TermHit

#: Gives the sentence encoder when a check first needs one (None: judge without it).
EncoderSource = Callable[[], "Encoder | None"]


def no_encoder() -> Encoder | None:
    return None


SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

#: Distinct unambiguous term-base terms that make an article "about ML", so that ambiguous entries
#: (agent, model, transformer) apply to it.
DOMAIN_TERMS = 2


@dataclass
class Facts:
    """What the checks need to know about one article, gathered once."""

    article: Article
    termbase: TermBase
    in_domain: bool
    hits: dict[int, list[TermHit]]  # bead index → English term hits (ambiguous ones only in domain)
    #: acronym → (bead index, English expansion) of the article's own definitions, in bead order
    expansions: dict[str, list[tuple[int, str]]]
    #: other articles' renderings: term key → squashed Korean rendering → slugs
    usage: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    encoder: EncoderSource = no_encoder

    def expansion(self, acronym: str, bead: int) -> str | None:
        """The English expansion of an acronym that holds at this bead: the one defined here, else
        the latest one before it, else the first one after it (an article means one thing by it)."""
        defined = self.expansions.get(terms.acronym_key(acronym), [])
        here = [e for i, e in defined if i == bead]
        before = [e for i, e in defined if i < bead]
        return (here or before[-1:] or [e for _, e in defined] or [None])[0]

    def usable(self, term: Term) -> bool:
        return self.in_domain or not term.ambiguous

    def acronym_terms(self, acronym: str) -> list[Term]:
        return [t for t in self.termbase.by_acronym.get(terms.acronym_key(acronym), []) if self.usable(t)]


Check = Callable[[Facts], Iterator[Flag]]

#: name → check, in the order they run (earlier checks win where two flag the same evidence, and a
#: bead's flags are listed in it): filled by @check as the family modules are imported, and kept in
#: ORDER, whatever order they are imported in. A check not in ORDER runs after those that are.
CHECKS: dict[str, Check] = {}
ORDER = (
    "acronym-gloss",
    "term",
    "number",
    "omission",
    "addition",
    "untranslated",
    "inconsistent",
    "length",
    "low-confidence",
)


def check(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        ranked = sorted(CHECKS.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER))
        CHECKS.clear()
        CHECKS.update(ranked)
        return fn

    return register


def flag(name: str, severity: str, bead: Bead, evidence: str, message: str, term: str = "") -> Flag:
    """A flag on a whole bead."""
    return Flag(
        name, severity, list(bead.en), list(bead.ko), bead.en_text, bead.ko_text, evidence, message, term=term
    )


def normal_text(text: str) -> str:
    """NFKC, spaces collapsed, case folded: the form fingerprints and text comparisons use."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()
