"""Benchmark: load + review of a request against ``json.loads`` of the same document.

Target (issue #2): load + review costs at most 20x ``json.loads`` of the same document.
Both are measured in the same run over the same documents, so the ratio is stable across
machines. Run: ``python benchmarks/bench_review.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from _timing import best_of

from dueprocess import load_request, review

#: Exit status when a ratio misses its target (a crash exits 1), so CI can tell them apart.
MISSED_TARGET = 3

ROOT = Path(__file__).resolve().parents[1]
TARGET = 20.0


def documents() -> list[str]:
    """The public cases' requests (vendored in tests/data/cases) and the bundled examples."""
    texts: list[str] = []
    cases = ROOT / "tests" / "data" / "cases"
    for path in sorted(cases.glob("*.json")) if cases.is_dir() else []:
        case = json.loads(path.read_text(encoding="utf-8"))
        if not case["expect"].get("invalid"):
            texts.append(json.dumps(case["request"]))
    for path in sorted((ROOT / "examples" / "requests").glob("*.json")):
        texts.append(path.read_text(encoding="utf-8"))
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for CI")
    args = parser.parse_args(argv)
    texts = documents()
    if not texts:
        print("no request documents found", file=sys.stderr)
        return 1
    rounds, repeats = (20, 3) if args.quick else (200, 7)

    def baseline() -> None:
        for text in texts:
            json.loads(text)

    def load_and_review() -> None:
        for text in texts:
            review(load_request(json.loads(text)))

    base = best_of(repeats, baseline, rounds=rounds)
    ours = best_of(repeats, load_and_review, rounds=rounds)
    extra = ours - base  # json.loads is part of both; the ratio compares our work to it
    per_doc = len(texts)
    print(f"documents:            {per_doc}")
    print(f"json.loads:           {base / per_doc * 1e6:8.1f} us/document")
    print(f"loads+load+review:    {ours / per_doc * 1e6:8.1f} us/document")
    print(f"load+review:          {extra / per_doc * 1e6:8.1f} us/document")
    print(f"load+review/second:   {per_doc / extra:10.0f}")
    ratio = extra / base
    print(f"ratio (load+review) / json.loads: {ratio:.1f}x (target <= {TARGET:.0f}x)")
    return 0 if ratio <= TARGET else MISSED_TARGET


if __name__ == "__main__":
    sys.exit(main())
