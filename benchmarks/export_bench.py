"""Export benchmark: 100 synthetic articles of 300 sentence pairs each, through every sheet/export format.

The pairs come from the NTREX en-ko dev set (../shared/data/ntrex-en-ko-dev/pairs.tsv, cycled);
each article gets headings every 50 sentences, paragraphs of 5, 1-1 beads, a vocabulary hit per
10 sentences and a flag per 50. Timed: Markdown sheet, HTML sheet, TMX and TSV, written to a
temporary folder. No Kiwi or spaCy: exports work from the stored article.

    python benchmarks/export_bench.py [--articles 100] [--sentences 300]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from pipeline.models import Article, Bead, Block, Document, Flag, Sentence, VocabHit
from pipeline.output import export, sheet_html

PAIRS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ntrex-en-ko-dev" / "pairs.tsv"


def load_pairs(path: Path = PAIRS) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [(r["en"], r["ko"]) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


def synthetic_article(n: int, pairs: list[tuple[str, str]], sentences: int) -> Article:
    chosen = list(islice(cycle(pairs), n * sentences, (n + 1) * sentences))
    blocks = [Block(0, "heading", f"Synthetic article {n}", level=1)]
    en_s, ko_s, ko_blocks = [], [], []
    for i, (en, ko) in enumerate(chosen):
        if i % 50 == 0:
            blocks.append(Block(len(blocks), "heading", en, level=2))
        elif i % 5 == 0 or blocks[-1].kind == "heading":
            blocks.append(Block(len(blocks), "paragraph", en))
        else:
            blocks[-1].text += " " + en
        ko_blocks.append(Block(i, "paragraph", ko))
        en_s.append(Sentence(i, blocks[-1].index, en, 0, len(en), blocks[-1].kind))
        ko_s.append(Sentence(i, i, ko, 0, len(ko)))
    beads = [Bead([i], [i], 0.9, en, ko) for i, (en, ko) in enumerate(chosen)]
    hits = [
        VocabHit(en.split()[0], "en", i, 0, len(en.split()[0]), en.split()[0])
        for i, (en, _) in enumerate(chosen)
        if i % 10 == 0 and en.split()
    ]
    flags = [
        Flag("benchmark", "warning", [i], [i], en, ko, ko[:6], "synthetic flag", f"fp-{n}-{i}")
        for i, (en, ko) in enumerate(chosen)
        if i % 50 == 25
    ]
    en_doc = Document("en", blocks, title=f"Synthetic article {n}", source_url="https://example.org")
    article = Article(f"bench-{n}", en_doc, Document("ko", ko_blocks), en_s, ko_s, beads, "file:bench")
    article.hits, article.flags = hits, flags
    return article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--sentences", type=int, default=300)
    args = parser.parse_args()
    pairs = load_pairs()
    articles = [synthetic_article(n, pairs, args.sentences) for n in range(args.articles)]
    glosses = {h.term: "뜻" for a in articles for h in a.hits}
    timings = dict.fromkeys(("md", "html", "tmx", "tsv"), 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for article in articles:
            t0 = time.perf_counter()
            md = export.sheet_md(article, export.SheetNotes(glosses=glosses))
            export.write_atomically(out / f"{article.slug}.md", md)
            t1 = time.perf_counter()
            html = sheet_html.study_sheet_html(md, article.title)
            export.write_atomically(out / f"{article.slug}.html", html)
            t2 = time.perf_counter()
            job = export.ExportJob(article, out)
            export.export_tmx(job)
            t3 = time.perf_counter()
            export.export_tsv(job)
            t4 = time.perf_counter()
            for key, seconds in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                timings[key] += seconds
    n = args.articles * args.sentences
    print(f"{args.articles} articles × {args.sentences} sentences ({n} pairs)")
    for key, seconds in timings.items():
        print(f"  {key:<5}{seconds:6.2f} s")
    exports = timings["md"] + timings["tmx"] + timings["tsv"]
    print(f"sheet md + tmx + tsv: {exports:.2f} s (target < 10 s: {'ok' if exports < 10 else 'SLOW'})")
    print(f"everything, html included: {sum(timings.values()):.2f} s")


if __name__ == "__main__":
    main()
