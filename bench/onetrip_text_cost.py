"""CPU of rendering a batch's one-trip write text (`OneTripProcessRecorder._text`) alone.

    .venv/bin/python -m bench.onetrip_text_cost [--messages 2000] [--batch 200] [--rounds 7]

The batches `bench.plumbing_cost` writes (per message: an event of a report's size, an outbox
row, its four table statements) are recorded on PostgreSQL once, the recorder's arguments kept;
then the same texts are rendered again `--rounds` times on one connection, nothing sent. Prints
JSON: CPU microseconds per message of every round, sorted (the spread), and the rendered bytes'
length. PostgreSQL needs `LAPOR_DATABASE_URL` (else one is started).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench import plumbing_cost
from shared import pgstore
from shared.messaging.outbox import install_outbox
from shared.processing import Statement
from shared.tables import database_of

Captured = tuple[Any, list[Any], list[Any], dict[str, Any]]


def capture(messages: int, batch: int) -> tuple[Any, list[Captured]]:
    """Record the batches, keeping what each write was asked to render."""
    captured: list[Captured] = []
    render = pgstore.OneTripProcessRecorder._text

    def kept(self: Any, conn: Any, events: Any, positions: Any, kwargs: Any) -> Any:
        captured.append((self, list(events), list(positions), dict(kwargs)))
        return render(self, conn, events, positions, kwargs)

    pgstore.OneTripProcessRecorder._text = kept  # type: ignore[method-assign,assignment]
    try:
        env = plumbing_cost.store_env("postgres").__enter__()
        app = plumbing_cost.StandIn(env=env)
        db, _ = database_of(app.recorder)
        db.run([Statement(sql, {}) for sql in plumbing_cost.TABLES])
        install_outbox(app, plumbing_cost.translate, legacy_relay="bench-relay")
        captured.clear()
        plumbing_cost.run_batches(app, 0, messages, batch)
    finally:
        pgstore.OneTripProcessRecorder._text = render  # type: ignore[method-assign]
    return app, captured


def measure(messages: int, batch: int, rounds: int) -> dict[str, object]:
    app, captured = capture(messages, batch)
    count = sum(len(events) for _, events, _, _ in captured)
    spent: list[float] = []
    with app.recorder.datastore.get_connection() as conn:
        for _ in range(rounds):
            started = time.process_time()
            texts = [r._text(conn, e, p, k)[0] for r, e, p, k in captured]
            spent.append(time.process_time() - started)
    app.close()
    return {
        "messages": count,
        "batch": batch,
        "text_bytes_per_message": round(sum(map(len, texts)) / count),
        "cpu_us_per_message_sorted": sorted(round(1e6 * s / count, 2) for s in spent),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(measure(args.messages, args.batch, args.rounds), indent=1))


if __name__ == "__main__":
    main()
