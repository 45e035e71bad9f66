"""The index keeps every open report it met, slim: matching reads no entry twice, decides alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from eventsourcing.popo import POPOProcessRecorder
from test_intake_gram_bits import AT, TEXTS

from intake.adapters import books
from intake.adapters.books import SqlBooks
from intake.domain import duplicates
from intake.domain.duplicates import (
    DuplicateRules,
    Indexed,
    Matches,
    content_words,
    jaccard,
)
from intake.domain.duplicates import find_matches as matches_of

RULES = DuplicateRules(radius_m=50, link_similarity=0.4, flag_similarity=0.25,
                       window=timedelta(days=30))  # fmt: skip


def entry(text: str, name: str = "r") -> Indexed:
    return Indexed(name, f"LPR-{name}", AT, content_words(text), kelurahan="Kuin")


def test_a_slim_entry_keeps_what_matching_reads_and_drops_its_words_and_trigrams() -> None:
    full = entry(TEXTS[0])
    slim = full.slim()
    assert (slim.words, slim.grams) == ((), frozenset())
    assert (slim.report_id, slim.at, slim.kinds, slim.bits, slim.size) == (
        full.report_id, full.at, full.kinds, full.bits, len(full.grams)
    )  # fmt: skip


def test_an_entry_given_its_tracking_id_is_the_entry_made_with_it() -> None:
    probe = entry(TEXTS[0])
    made = Indexed("r", "LPR-9", AT, probe.words, kelurahan="Kuin")
    tracked = probe.tracked("LPR-9")
    assert tracked == made and tracked.tracking_id == "LPR-9"
    assert (tracked.kinds, tracked.bits, tracked.size) == (made.kinds, made.bits, made.size)


def test_a_slim_entry_is_as_similar_to_any_other_as_its_full_entry() -> None:
    entries = [entry(t) for t in TEXTS]
    for a in entries:
        for b in entries:
            expected = jaccard(a.grams, b.grams)
            assert duplicates._similarity(a, b.slim()) == expected
            assert duplicates._similarity(a.slim(), b.slim()) == expected


def test_the_same_reports_are_linked_and_flagged_against_slim_entries() -> None:
    olds = [entry(t, f"old{n}") for n, t in enumerate(TEXTS)]
    decided = []
    for n, text in enumerate(TEXTS):
        new = entry(text, f"new{n}")
        full, slim = matches_of(new, olds, RULES), matches_of(new, [o.slim() for o in olds], RULES)
        decided.append((ids(full), ids(slim)))
    assert all(full == slim for full, slim in decided)
    assert {full for full, _ in decided} > {(None, None)}  # some were linked or flagged


def ids(found: Matches) -> tuple[str | None, str | None]:
    return tuple(e.report_id if e else None for e in (found.link, found.flag))  # type: ignore[return-value]


class _Counting:
    """The tables' database, counting its reads."""

    def __init__(self, db: Any) -> None:
        self.db, self.reads = db, 0

    def read(self, sql: str, params: Any) -> Any:
        self.reads += 1
        return self.db.read(sql, params)

    def run(self, statements: Any) -> None:
        self.db.run(statements)


@pytest.fixture
def sql_books() -> SqlBooks:
    return SqlBooks(POPOProcessRecorder())  # its tables in an in-memory SQLite database


def test_an_entry_written_or_read_once_is_never_read_again(sql_books: SqlBooks) -> None:
    written = [entry(TEXTS[n % 4], f"w{n}") for n in range(30)]
    for e in written:
        sql_books.run(sql_books.index(e, [f"kel:kuin#{e.report_id}"]))
    sql_books.db = counting = _Counting(sql_books.db)  # type: ignore[assignment]
    found = sql_books.entries([e.report_id for e in written])
    assert counting.reads == 0
    assert [found[e.report_id].size for e in written] == [len(e.grams) for e in written]


def test_past_its_bound_the_cache_forgets_its_oldest_quarter_and_reads_them_again(
    sql_books: SqlBooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(books, "ENTRY_CACHE", 8)
    written = [entry(TEXTS[n % 4], f"w{n}") for n in range(9)]
    for e in written:
        sql_books.run(sql_books.index(e, [f"kel:kuin#{e.report_id}"]))
    sql_books.db = counting = _Counting(sql_books.db)  # type: ignore[assignment]
    sql_books.entries([e.report_id for e in written[2:]])
    assert counting.reads == 0  # the newest seven are kept
    found = sql_books.entries([e.report_id for e in written[:2]])
    assert counting.reads == 1 and set(found) == {"w0", "w1"}
    assert (found["w0"].bits, found["w0"].size) == (written[0].bits, len(written[0].grams))
