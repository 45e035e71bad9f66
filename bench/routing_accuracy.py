"""Print the router's accuracy on the labelled examples (the router the service uses).

Usage: .venv/bin/python bench/routing_accuracy.py [examples.jsonl] [--misses N]
Default file: ../shared/reference/routing-examples.jsonl next to the checkout.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from routing.adapters.artefact import load_router
from routing.evaluation import evaluate, load_examples, summary

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def main() -> None:
    """Route every example and print the accuracy and the commonest confusions."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "examples", nargs="?", type=Path, default=DEFAULT / "routing-examples.jsonl"
    )
    parser.add_argument("--misses", type=int, default=10, help="confusions to list")
    args = parser.parse_args()
    result = evaluate(load_router(), load_examples(args.examples))
    print("\n".join(summary(result, show=args.misses)))


if __name__ == "__main__":
    main()
