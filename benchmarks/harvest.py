"""Span precision of `terms harvest` on hand-labelled Korean texts with 한국어(English) pairs.

Gold: ``benchmarks/harvest_gold.tsv`` (one row per parenthetical, labelled by reading it; the rule
is in ``benchmarks/README-harvest.md``). Documents:

- ``ntrex``: the Korean side of the NTREX-128 en-ko dev half (one document per ``doc_id``), read
  from ``../shared/data/ntrex-en-ko-dev/pairs.tsv`` (CC BY-SA 4.0; not copied here);
- ``sample``: the bundled ``raw/karpathy-2025.ko.md``;
- ``tutorials-kr``: short fragments of a Korean PyTorch tutorial translation, kept in the gold's
  ``context`` column (the document is their concatenation).

Documents are split in two halves by their order (even: calibration, odd: report); thresholds are
set on the first and the second is reported. "before" runs the same extraction on another git
revision (default: the base of this work) in a temporary worktree.

Run from the repository root::

    python -m benchmarks.harvest               # after (this checkout) and before (--before REV)
    python -m benchmarks.harvest --before ''   # after only
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.data import DEFAULT_PAIRS, REPO_ROOT

GOLD = Path(__file__).with_name("harvest_gold.tsv")
SAMPLE = REPO_ROOT / "raw" / "karpathy-2025.ko.md"
DEFAULT_BEFORE = "cc02ede"

#: Runs in the checkout under test: prints every candidate of every document as JSON.
EXTRACT = r"""
import json, sys
from pipeline.stages import terms
base = terms.bundled()
docs = json.load(sys.stdin)
out = {}
for name, text in docs.items():
    out[name] = [
        {"english": c.english, "acronym": c.acronym, "korean": c.korean,
         "confident": bool(getattr(c, "confident", True))}
        for c in terms.harvest_text(text, base)
    ]
print(json.dumps(out, ensure_ascii=False))
"""


@dataclass
class Gold:
    spans: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # english → spans
    kinds: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    terms: set[tuple[str, str]] = field(default_factory=set)  # (english, span) of term pairs


def _key(english: str) -> str:
    return " ".join(english.casefold().split())


def load_gold(path: Path = GOLD) -> tuple[dict[str, Gold], dict[str, list[str]], dict[str, str]]:
    """Gold per document, the fragments of the documents kept in the gold file, and the set of each
    document: "dev", or a held-out set ("test", "test2", "test3") labelled after the code was frozen."""
    gold: dict[str, Gold] = defaultdict(Gold)
    fragments: dict[str, list[str]] = defaultdict(list)
    held_out: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            doc = f"{row['source']}/{row['doc']}"
            g = gold[doc]
            spans = [s for s in row["gold_ko"].split("|") if s]
            g.spans[_key(row["english"])].update(spans)
            g.kinds[_key(row["english"])].add(row["kind"])
            if row["kind"] == "term":
                g.terms.update((_key(row["english"]), s) for s in spans)
            if row["context"]:
                fragments[doc].append(row["context"].replace("\\n", "\n"))
            held_out[doc] = row["set"]
    return gold, fragments, held_out


def load_documents(gold: dict[str, Gold], fragments: dict[str, list[str]]) -> dict[str, str]:
    texts: dict[str, list[str]] = defaultdict(list)
    with DEFAULT_PAIRS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts[f"ntrex/{row['doc_id']}"].append(row["ko"])
    docs = {name: "\n\n".join(rows) for name, rows in texts.items() if name in gold}
    docs["sample/karpathy-2025"] = SAMPLE.read_text(encoding="utf-8")
    for name, parts in fragments.items():
        docs[name] = "\n\n".join(parts)
    return docs


def extract(docs: dict[str, str], checkout: Path) -> dict[str, list[dict]]:
    """Candidates of every document, computed by the code in `checkout` (a subprocess)."""
    done = subprocess.run(
        [sys.executable, "-c", EXTRACT],
        input=json.dumps(docs, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=checkout,
        check=True,
    )
    return json.loads(done.stdout)


@dataclass
class Score:
    found: int = 0
    kept: int = 0
    right: int = 0  # kept with the gold span
    names_kept: int = 0  # kept, but the English is a name read aloud
    terms_found: set[tuple[str, str, str]] = field(default_factory=set)
    terms_total: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.kept if self.kept else 0.0

    def line(self, label: str) -> str:
        recall = len(self.terms_found) / self.terms_total if self.terms_total else 0.0
        return (
            f"{label:<36} found {self.found:>4}  kept {self.kept:>4}  span precision {self.precision:.3f}"
            f"  names kept {self.names_kept:>3}  term pairs recalled {len(self.terms_found)}/"
            f"{self.terms_total} ({recall:.2f})"
        )


def score(docs: list[str], found: dict[str, list[dict]], gold: dict[str, Gold]) -> Score:
    s = Score()
    for doc in docs:
        g = gold[doc]
        s.terms_total += len(g.terms)
        for c in found.get(doc, []):
            s.found += 1
            if not c["confident"]:
                continue
            s.kept += 1
            keys = [_key(c["english"]), _key(c["acronym"])] if c["acronym"] else [_key(c["english"])]
            spans = set().union(*(g.spans.get(k, set()) for k in keys))
            kinds = set().union(*(g.kinds.get(k, set()) for k in keys))
            if c["korean"] in spans:
                s.right += 1
                if "name" in kinds and "term" not in kinds:
                    s.names_kept += 1
                for k in keys:
                    if (k, c["korean"]) in g.terms:
                        s.terms_found.add((doc, k, c["korean"]))
            else:
                s.wrong.append(f"{doc}\t{c['english']}\t{c['korean']}\t(gold: {' | '.join(spans) or '—'})")
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default=DEFAULT_BEFORE, help="git revision of 'before' ('' to skip)")
    ap.add_argument("--wrong", action="store_true", help="list the kept candidates with a wrong span")
    args = ap.parse_args(argv)
    gold, fragments, held_out = load_gold()
    docs = load_documents(gold, fragments)
    dev = [d for d in sorted(docs) if held_out[d] == "dev"]
    halves = {"dev, calibration half": dev[0::2], "dev, report half": dev[1::2]}
    for name in sorted(set(held_out.values()) - {"dev"}):
        halves[f"held out ({name})"] = [d for d in sorted(docs) if held_out[d] == name]
    halves["all"] = sorted(docs)
    labelled = sum(len(v) for g in gold.values() for v in g.kinds.values())
    print(f"{len(docs)} documents, {labelled} labelled English forms")
    runs: list[tuple[str, dict[str, list[dict]]]] = []
    if args.before:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "before"
            git = ["git", "-C", str(REPO_ROOT)]
            subprocess.run([*git, "worktree", "add", "--detach", str(tree), args.before], check=True,
                           capture_output=True)  # fmt: skip
            try:
                runs.append((f"before ({args.before})", extract(docs, tree)))
            finally:
                subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=True)
    runs.append(("after", extract(docs, REPO_ROOT)))
    for label, found in runs:
        for half, names in halves.items():
            s = score(names, found, gold)
            print(s.line(f"{label}, {half}"))
            if args.wrong and half == "all":
                print("\n".join(f"    {w}" for w in s.wrong))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
