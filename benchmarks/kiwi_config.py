"""Which Kiwi configuration readnotes builds: cost and effect of each option, measured.

For every configuration, fresh Python processes build Kiwi and split one line (load seconds and peak
RSS, the median of --repeat runs), then one more process analyses the data the way readnotes uses
Kiwi and is compared with the defaults:

- sentence boundaries: the NTREX dev Korean joined per document, and the bundled Korean sample,
  through ``segment.split_korean_text`` (Kiwi plus readnotes' repairs);
- search keys: ``search.index_terms`` of every sentence (what notes.db stores as search terms);
- gloss matching: the content-morpheme lemmas ``vocab.korean_spans`` compares, of every sentence
  and of every gloss alternative in the sample word list;
- term matching: the spans where ``terms.korean_index`` finds each bundled accepted or forbidden
  rendering.

    python -m benchmarks.kiwi_config                # the table
    python -m benchmarks.kiwi_config --repeat 5 --pairs PATH/TO/pairs.tsv
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.data import DEFAULT_PAIRS, REPO_ROOT

SAMPLE_KO = REPO_ROOT / "raw" / "karpathy-2025.ko.md"
SAMPLE_VOCAB = REPO_ROOT / "raw" / "karpathy-2025.vocab.md"
LINE = "2025년 초, 모든 연구소의 LLM 생산 스택은 다음과 같았습니다."

#: name → Kiwi keyword arguments. kiwipiepy 0.24 ships one language model (cong.mdl), so
#: ``model_type='cong'`` names the default model; it is listed to show that.
CONFIGS: dict[str, dict[str, object]] = {
    "defaults": {},
    "cong": {"model_type": "cong"},
    "no typo dict": {"load_typo_dict": False},
    "no multi dict": {"load_multi_dict": False},
    "no typo + no multi": {"load_typo_dict": False, "load_multi_dict": False},
    "cong + no typo + no multi": {"model_type": "cong", "load_typo_dict": False, "load_multi_dict": False},
}

LOAD = """
import json, resource, sys, time
start = time.perf_counter()
from kiwipiepy import Kiwi
kiwi = Kiwi(**json.loads(sys.argv[1]))
kiwi.split_into_sents(sys.argv[2])
seconds = time.perf_counter() - start
print(json.dumps([seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))
"""


@dataclass
class Load:
    seconds: float
    peak_mb: float


def load_once(options: dict[str, object]) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", LOAD, json.dumps(options), LINE], capture_output=True, text=True, check=True
    )
    seconds, peak_mb = json.loads(out.stdout)
    return seconds, peak_mb


def measure_loads(configs: dict[str, dict[str, object]], repeat: int) -> dict[str, Load]:
    """Round-robin over the configurations, so that a noisy moment hits them alike."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in configs}
    for _ in range(repeat):
        for name, options in configs.items():
            runs[name].append(load_once(options))
    return {
        name: Load(statistics.median(s for s, _ in r), statistics.median(m for _, m in r))
        for name, r in runs.items()
    }


def korean_texts(pairs: Path | None) -> tuple[list[str], list[str]]:
    """(blocks to split, sentences to analyse): NTREX documents joined, and the sample's blocks."""
    from benchmarks.data import load_documents
    from pipeline.stages import ingest

    blocks: list[str] = []
    sentences: list[str] = []
    if pairs is not None and pairs.exists():
        for doc in load_documents(pairs):
            blocks.append(" ".join(doc.ko_rows))
            sentences.extend(doc.ko_rows)
    for block in ingest.read_document(SAMPLE_KO, "ko").blocks:
        if block.alignable:
            blocks.append(block.text)
            sentences.append(block.text)
    return blocks, sentences


def _content_lemmas(text: str) -> list[str]:
    """The lemmas ``vocab.korean_spans`` compares (a gloss's and a sentence's alike)."""
    from pipeline.lang import ko

    return [m.lemma for m in ko.morphemes(text) if ko.base_tag(m.tag) in ko.GLOSS_CONTENT_TAGS]


def analyse(options: dict[str, object], pairs: Path | None) -> dict[str, list[object]]:
    """What readnotes derives from Kiwi under these options (run in a fresh process)."""
    from pipeline.lang import ko

    ko.KIWI_OPTIONS = options
    from pipeline.stages import search, segment, terms, vocab

    blocks, sentences = korean_texts(pairs)
    ko.kiwi().split_into_sents(LINE)  # the load is measured apart
    start = time.perf_counter()
    boundaries = [segment.split_korean_text(b) for b in blocks]
    search_keys = [search.index_terms(s, "ko") for s in sentences]
    notes = vocab.read_notes(SAMPLE_VOCAB).entries
    glosses = [g for e in notes for g in vocab.gloss_alternatives(e.term.glosses)]
    content = [_content_lemmas(text) for text in [*sentences, *glosses]]
    renderings = sorted({r for t in terms.bundled() for r in (*t.accepted, *t.forbidden)})
    term_spans = []
    for s in sentences:
        index = terms.korean_index(s)
        term_spans.append([(r, index.find(r)) for r in renderings if terms.squash(r)[:1] in index.squashed])
    seconds = time.perf_counter() - start
    return {
        "boundaries": boundaries,
        "search keys": search_keys,
        "gloss lemmas": content,
        "term spans": term_spans,
        "seconds": [seconds, len(sentences)],
    }


def run_analysis(options: dict[str, object], pairs: Path | None) -> dict[str, list[object]]:
    code = (
        "import json, sys; from pathlib import Path; from benchmarks.kiwi_config import analyse; "
        "print(json.dumps(analyse(json.loads(sys.argv[1]), Path(sys.argv[2]) if sys.argv[2] else None)))"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(options), str(pairs or "")],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        env=env,
    )
    return json.loads(out.stdout)


def differing(a: list[object], b: list[object]) -> int:
    return sum(json.dumps(x) != json.dumps(y) for x, y in zip(a, b, strict=True))


def digest(items: list[object]) -> str:
    return hashlib.sha1(json.dumps(items).encode()).hexdigest()[:8]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per load measure")
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="NTREX dev pairs.tsv")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated names")
    parser.add_argument(
        "--examples", type=int, default=8, help="differing search keys shown per configuration"
    )
    args = parser.parse_args(argv)
    pairs = args.pairs if args.pairs.exists() else None
    if pairs is None:
        print(f"{args.pairs} not found: the bundled sample only", file=sys.stderr)

    names = [n.strip() for n in args.configs.split(",")]
    print("  load times …", file=sys.stderr)
    loads = measure_loads({n: CONFIGS[n] for n in names}, args.repeat)
    results: dict[str, dict[str, list[object]]] = {}
    for name in names:
        print(f"  analysis with {name} …", file=sys.stderr)
        results[name] = run_analysis(CONFIGS[name], pairs)
    ref = results[names[0]]
    kinds = ["boundaries", "search keys", "gloss lemmas", "term spans"]
    counts = {k: len(ref[k]) for k in kinds}
    print(
        f"Units compared with {names[0]!r}: "
        + ", ".join(f"{k} {n} ({'blocks' if k == 'boundaries' else 'texts'})" for k, n in counts.items())
    )
    print()
    header = "| configuration | load + split s | × defaults | peak RSS MB | analysis ms/sentence | "
    header += " | ".join(f"{k} differing" for k in kinds) + " |"
    print(header)
    print("|" + " --- |" * (5 + len(kinds)))
    for name in names:
        load, res = loads[name], results[name]
        seconds, n = res["seconds"]
        diffs = " | ".join(str(differing(res[k], ref[k])) for k in kinds)
        print(
            f"| {name} | {load.seconds:.2f} | {load.seconds / loads[names[0]].seconds:.2f} | "
            f"{load.peak_mb:.0f} | {1000 * float(seconds) / float(n):.2f} | {diffs} |"
        )
    for name in names[1:]:
        shown = 0
        for old, new in zip(ref["search keys"], results[name]["search keys"], strict=True):
            if old != new and shown < args.examples:
                if not shown:
                    print(f"\nSearch keys, {names[0]} → {name} (only in one of them):")
                gone, added = set(old.split()) - set(new.split()), set(new.split()) - set(old.split())
                change = f"{' '.join(sorted(gone)) or '(none)'} → {' '.join(sorted(added)) or '(none)'}"
                print(f"  - {change if gone or added else 'the same terms in another order'}")
                shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
