"""CPU per stored event: eventsourcing's JSONTranscoder against shared.storedjson, A/B in-process.

    .venv/bin/python -m bench.stored_json_cost [--rounds 5] [pytest args, default: the four
        contexts' unit tests]

The event states are the ones the four contexts really record: the given tests run in this
process with the transcoder's `encode` watched, and every state it was asked to encode is kept.
Both encoders (taught the same types as the services teach theirs) then encode all of them,
alternated `--rounds` times; prints JSON with the best round's CPU microseconds per event, for
tracking's states (with value objects) and for the others, and checks the bytes are the same.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from shared.storedjson import StoredJSONTranscoder
from tracking.application.stored import VALUE_OBJECTS, register_value_objects

CONTEXTS = [
    "tests/unit/tracking",
    "tests/unit/routing",
    "tests/unit/intake",
    "tests/unit/notification",
]


def captured_states(pytest_args: list[str]) -> list[Any]:
    """The states the tests' applications encoded (the tests run here, quietly)."""
    states: list[Any] = []
    originals = {cls: cls.__dict__["encode"] for cls in (JSONTranscoder, StoredJSONTranscoder)}

    def watching(encode: Any) -> Any:
        def watched(self: JSONTranscoder, obj: Any) -> bytes:
            states.append(obj)
            result: bytes = encode(self, obj)
            return result

        return watched

    for cls, encode in originals.items():
        cls.encode = watching(encode)  # type: ignore[method-assign]
    try:
        pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", *pytest_args])
    finally:
        for cls, encode in originals.items():
            cls.encode = encode  # type: ignore[method-assign]
    return states


def taught(transcoder: JSONTranscoder) -> JSONTranscoder:
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_value_objects(transcoder)
    return transcoder


def best_us(transcoder: JSONTranscoder, states: list[Any], rounds: int) -> float:
    """CPU microseconds per state, the best of `rounds` passes."""
    best = float("inf")
    for _ in range(rounds):
        cpu = time.process_time()
        for state in states:
            transcoder.encode(state)
        best = min(best, (time.process_time() - cpu) / max(1, len(states)) * 1e6)
    return round(best, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args, rest = parser.parse_known_args()
    states = captured_states(rest or CONTEXTS)
    if not states:
        raise SystemExit("the tests recorded no event")
    stock, ours = taught(JSONTranscoder()), taught(StoredJSONTranscoder())
    assert all(stock.encode(s) == ours.encode(s) for s in states), "bytes differ"
    kinds = tuple(t.type for t in VALUE_OBJECTS)
    tracking = [s for s in states if any(isinstance(v, kinds) for v in s.values())]
    others = [s for s in states if not any(isinstance(v, kinds) for v in s.values())]
    result: dict[str, Any] = {"states": len(states)}
    for label, group in (("tracking_states", tracking), ("other_states", others)):
        pairs = [(best_us(stock, group, 1), best_us(ours, group, 1)) for _ in range(args.rounds)]
        result[label] = {
            "count": len(group),
            "eventsourcing_us_per_event": min(p[0] for p in pairs),
            "storedjson_us_per_event": min(p[1] for p in pairs),
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
