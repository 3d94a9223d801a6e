"""Help-centre answers at section level: is the one section that answers a question ranked first?

    python bench/kb_sections_bench.py                 # dev set, and the held-out set if it is there
    python bench/kb_sections_bench.py --misses        # also list the questions ranked wrongly
    python bench/kb_sections_bench.py --no-triage     # without the triage model (no intent prior)
    python bench/kb_sections_bench.py --embeddings    # also the MiniLM row (needs the [embeddings] extra)
    python bench/kb_sections_bench.py --only dev2     # one set: dev, dev2, banking77, heldout, heldout2

Question sets (``question,slug,section``):
- ``fixtures/kb/eval/dev_sections.csv``: written by the ranker's author and tuned on (optimistic);
- ``fixtures/kb/eval/dev2_sections.csv``: written by the ranker's author before the labelled customer
  questions were added; weights were chosen on it, no customers' words were written from it;
- ``banking77``: the 20% of Banking77's training questions held out by a hash of the text whose intent
  one section answers (``INTENT_SECTIONS``); the ranker searches only the other 80%, and no triage rows
  are printed (the triage model was trained on all of Banking77);
- ``bench/data/kb_sections_heldout.csv``: by someone who never read the ranker; measured, not tuned on;
- ``bench/data/kb_sections_heldout2.csv``: a second such set (4 Dec 2026), written by another helper from
  the articles alone, before the customers' questions per section were added; measured, not tuned on.

Rows printed per set:
- ``before``: the TF-IDF section search as it was at BASELINE_COMMIT (loaded from git), first section of
  ``kb.search(question)``;
- ``before + intent``: the old kb_answer node: search the triage intent's articles, else everything;
- ``2 Dec ranker`` (+ intent): the ranker as it was on 2 Dec 2026, without the customers' questions per
  section (``load_kb(section_questions=False)``: BM25, Banking77 neighbours, no classifier);
- ``+ questions as neighbours``: with the customers' questions per section as neighbours only, no
  section classifier (``RankerWeights(classifier=0)``), with intents;
- ``ranker``: the ranker as it is, alone, as ``kb.search(question)``;
- ``ranker + intent``: the ranker with the light triage model's top intents as a prior (what kb_answer does);
- ``+ MiniLM``: the same with the MiniLM sentence vectors added (the embeddings grade's knowledge base).
Triage is the cached light model (var/models; trained on first use, a few minutes).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.kb import KnowledgeBase, Passage, load_kb  # noqa: E402
from agents.kb.evaluation import (  # noqa: E402
    SectionQuestion,
    banking77_section_split,
    read_section_questions,
)
from agents.kb.intent_articles import INTENT_ARTICLES  # noqa: E402
from agents.kb.retrieval import RankerWeights  # noqa: E402
from agents.triage.data import read_labelled_csv, training_paths  # noqa: E402

DEV = ROOT / "fixtures" / "kb" / "eval" / "dev_sections.csv"
DEV2 = ROOT / "fixtures" / "kb" / "eval" / "dev2_sections.csv"
HELDOUT = ROOT / "bench" / "data" / "kb_sections_heldout.csv"
HELDOUT2 = ROOT / "bench" / "data" / "kb_sections_heldout2.csv"
# The last commit before section-level ranking: its agents/kb/retrieval.py is the "before" figure.
BASELINE_COMMIT = "2ad8a16"
OLD_KB_MIN_SCORE = 0.12  # the old kb_answer node's threshold for trusting the intent's articles

Intents = Sequence[tuple[str, float]]
Search = Callable[[str, Intents], list[tuple[str, str]]]


def old_index(kb: KnowledgeBase) -> object:
    source = subprocess.run(
        ["git", "show", f"{BASELINE_COMMIT}:agents/kb/retrieval.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "old_retrieval.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("old_retrieval", path)
        assert spec is not None
        assert spec.loader is not None
        module: ModuleType = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return module.SectionIndex(list(kb.articles))


def searches(
    kb: KnowledgeBase, earlier: KnowledgeBase, neighbours: KnowledgeBase, embedded: KnowledgeBase | None
) -> dict[str, Search]:
    old = old_index(kb)

    def keys(passages: list[Passage]) -> list[tuple[str, str]]:
        return [(p.slug, p.heading) for p in passages]

    def before(text: str, intents: Intents) -> list[tuple[str, str]]:
        return keys(old.search(text, 3, one_per_article=False))  # type: ignore[attr-defined]

    def before_intent(text: str, intents: Intents) -> list[tuple[str, str]]:
        slugs = INTENT_ARTICLES.get(intents[0][0]) if intents else None
        passages = old.search(text, 3, one_per_article=False, slugs=slugs) if slugs else []  # type: ignore[attr-defined]
        if not passages or passages[0].score < OLD_KB_MIN_SCORE:
            passages = old.search(text, 3, one_per_article=True)  # type: ignore[attr-defined]
        return keys(passages)

    def variant(index: KnowledgeBase, with_intents: bool) -> Search:
        def search(text: str, intents: Intents) -> list[tuple[str, str]]:
            return keys(index.search(text, 3, intents=intents if with_intents else ()))

        return search

    variants: dict[str, Search] = {
        "before": before,
        "before + intent": before_intent,
        "2 Dec ranker": variant(earlier, False),
        "2 Dec ranker + intent": variant(earlier, True),
        "+ questions as neighbours": variant(neighbours, True),
        "ranker": variant(kb, False),
        "ranker + intent": variant(kb, True),
    }
    if embedded is not None:
        variants["+ MiniLM"] = variant(embedded, True)
    return variants


def triage_intents(questions: list[SectionQuestion]) -> dict[str, Intents]:
    from agents.triage.model import load_or_train

    model = load_or_train(grade="light", cache_dir=ROOT / "var" / "models")
    result: dict[str, Intents] = {}
    for question in questions:
        predicted = model.predict(question.text)
        result[question.text] = [(predicted.intent, predicted.confidence), *predicted.alternatives]
    return result


def measure(
    search: Search, questions: list[SectionQuestion], intents: dict[str, Intents], show_misses: bool
) -> tuple[float, float, float, float]:
    top1 = top3 = article1 = 0
    search("warm up", ())  # builds what is built on first use, outside the timing
    started = time.perf_counter()
    for question in questions:
        ranked = search(question.text, intents.get(question.text, ()))
        want = (question.slug, question.heading)
        top1 += bool(ranked) and ranked[0] == want
        top3 += want in ranked
        article1 += bool(ranked) and ranked[0][0] == question.slug
        if show_misses and (not ranked or ranked[0] != want):
            got = f"{ranked[0][0]} / {ranked[0][1]}" if ranked else "nothing"
            print(f"      miss: {question.text!r}: want {question.slug} / {question.heading}, got {got}")
    elapsed_ms = (time.perf_counter() - started) * 1000 / len(questions)
    n = len(questions)
    return top1 / n, top3 / n, article1 / n, elapsed_ms


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--misses", action="store_true", help="list the questions ranked wrongly")
    parser.add_argument("--no-triage", action="store_true", help="skip the rows that need the triage model")
    parser.add_argument(
        "--only", choices=["dev", "dev2", "banking77", "heldout", "heldout2"], help="measure one set"
    )
    parser.add_argument("--embeddings", action="store_true", help="also rank with MiniLM sentence vectors")
    args = parser.parse_args(argv)

    kb = load_kb(ROOT / "fixtures" / "kb")
    earlier = load_kb(ROOT / "fixtures" / "kb", section_questions=False)
    neighbours = load_kb(ROOT / "fixtures" / "kb", weights=RankerWeights(classifier=0.0))
    sets = {"dev": DEV, "dev2": DEV2, "banking77": None, "heldout": HELDOUT, "heldout2": HELDOUT2}
    if args.only:
        sets = {args.only: sets[args.only]}
    embedded = None
    if args.embeddings:
        from agents.triage.encoder import load_encoder

        embedded = load_kb(ROOT / "fixtures" / "kb", encoder=load_encoder(threads=1))
    variants = searches(kb, earlier, neighbours, embedded)
    for name, path in sets.items():
        if path is None:
            banking77_split(args.misses)
            continue
        if not path.is_file():
            print(f"{name}: {path.relative_to(ROOT)} not found, skipped")
            continue
        questions = read_section_questions(path, kb)
        intents = {} if args.no_triage else triage_intents(questions)
        print(f"{name}: {len(questions)} questions ({path.relative_to(ROOT)})")
        print(f"  {'':24} {'top-1':>6} {'top-3':>6} {'article':>8} {'ms/query':>9}")
        for label, search in variants.items():
            if args.no_triage and ("intent" in label or label == "+ MiniLM"):
                continue
            top1, top3, article1, ms = measure(search, questions, intents, args.misses)
            print(f"  {label:24} {top1:6.3f} {top3:6.3f} {article1:8.3f} {ms:9.2f}")
    return 0


def banking77_split(show_misses: bool) -> None:
    banking77, *others = training_paths()
    kept, questions = banking77_section_split(read_labelled_csv(banking77))
    own = [row for path in others for row in read_labelled_csv(path)]
    split_kb = load_kb(ROOT / "fixtures" / "kb", examples=kept + own)
    before = {
        "no Banking77 neighbours": load_kb(ROOT / "fixtures" / "kb", examples=[], section_questions=False),
        "2 Dec ranker": load_kb(ROOT / "fixtures" / "kb", examples=kept + own, section_questions=False),
    }
    print(f"banking77: {len(questions)} held-out questions (20% by hash; searching the other {len(kept)})")
    print(f"  {'':24} {'top-1':>6} {'top-3':>6} {'article':>8} {'ms/query':>9}")
    for label, index in [*before.items(), ("ranker", split_kb)]:

        def search(text: str, intents: Intents, index: KnowledgeBase = index) -> list[tuple[str, str]]:
            return [(p.slug, p.heading) for p in index.search(text, 3)]

        top1, top3, article1, ms = measure(search, questions, {}, show_misses)
        print(f"  {label:24} {top1:6.3f} {top3:6.3f} {article1:8.3f} {ms:9.2f}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
