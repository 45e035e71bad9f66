"""The duplicate index in the store: the keys a report is found under, bounded reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from intake_helpers import START, Feed, message

from intake.adapters import books
from intake.application.app import IntakeApplication
from intake.application.dedup import DuplicateIndex, indexed, own_keys
from intake.domain.duplicates import DuplicateRules, cell_of, kind_names, neighbourhood
from intake.domain.report import Submission
from shared.contracts import Location, Reporter

WATER = "Air PDAM tidak mengalir di gang Pekapuran sejak tiga hari lalu"
NO_KIND = "Mohon ditindak warga membuang puing di gang Pekapuran setiap malam"
PLACE = Location(kelurahan="Pekapuran Raya")


def _report(message_id: str, text: str, n: int, minutes: int = 60, **more: Any) -> Any:
    at = START + timedelta(minutes=minutes)
    who = Reporter(phone=f"08120000{n:04d}")
    return message(message_id, text=text, reporter=who, received_at=at, **more)


def _sub(text: str, **location: Any) -> Submission:
    return Submission("sms", "m", "pengaduan", "", text, START, location=location)


def test_a_located_report_is_found_by_its_cell_and_its_kelurahan_by_kind() -> None:
    entry = indexed("r", "LPR-1", _sub(WATER, latitude=-3.3, longitude=114.6, kelurahan="Kuin"))  # type: ignore[arg-type]
    keys = own_keys(entry)
    assert any(k.startswith("cell:") for k in keys)
    assert {"kel:kuin#air", "kel:kuin#*"} <= set(keys)
    assert not any(k.startswith("kelnc:") for k in keys)


def test_a_report_naming_no_kind_is_found_by_every_kind_search() -> None:
    keys = own_keys(indexed("r", "LPR-1", _sub(NO_KIND, kelurahan="Kuin")))  # type: ignore[arg-type]
    assert {"kel:kuin#-", "kel:kuin#*", "kelnc:kuin#-", "kelnc:kuin#*"} == set(keys)


def test_a_report_naming_a_kind_is_still_flagged_against_one_naming_none(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(_report("m-1", NO_KIND, 1, location=PLACE))
    feed(_report("m-2", NO_KIND + " air", 2, location=PLACE))
    assert app.intake_status("sms", "m-2").possible_duplicate_of is not None


def test_each_index_entry_keeps_its_trigram_set(app: IntakeApplication, feed: Feed) -> None:
    feed(_report("m-1", WATER, 1, location=PLACE))
    [row] = app.books.db.read("SELECT words, grams FROM intake_open_reports", {})  # type: ignore[attr-defined]
    entry = indexed("r", "t", _sub(WATER))  # type: ignore[arg-type]
    assert set(row["grams"].split(books.SEP)) == entry.grams


def test_reads_of_candidates_are_bounded_to_the_most_recent(
    app: IntakeApplication, feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(books, "OPEN_REPORTS_LIMIT", 2)
    feed(_report("old", WATER, 1, minutes=10, location=PLACE))
    for n in range(2, 4):
        other = f"Pipa ledeng bocor besar membasahi halaman rumah warga blok {n}"
        feed(_report(f"m-{n}", other, n, minutes=10 + n, location=PLACE))
    feed(_report("again", WATER, 9, minutes=30, location=PLACE))
    old = app.intake_status("sms", "old").tracking_id
    assert app.intake_status("sms", "again").possible_duplicate_of != old  # not read: too old


def _keys_spelt_out(entry: Any, radius_m: float) -> tuple[list[str], list[str]]:
    """The rule as it was first written: made again for every report, nothing kept."""
    kelurahan = entry.kelurahan.casefold() if entry.kelurahan else None
    named = kind_names(entry.kinds)

    def by_kind(place: str) -> list[str]:
        return [f"{place}#{k}" for k in named] + [f"{place}#-"] if named else [f"{place}#*"]

    places, own, search = [f"kel:{kelurahan}"] if kelurahan else [], [], []
    if entry.latitude is not None and entry.longitude is not None:
        row, col = cell_of(entry.latitude, entry.longitude)
        own = [f"cell:{row}:{col}"]
        cells = neighbourhood(entry.latitude, entry.longitude, radius_m)
        search = [f"cell:{r}:{c}" for r, c in cells]
        search += by_kind(f"kelnc:{kelurahan}") if kelurahan else []
    else:
        places += [f"kelnc:{kelurahan}"] if kelurahan else []
        search = by_kind(f"kel:{kelurahan}") if kelurahan else []
    own += [f"{p}#{k}" for p in places for k in [*(named or ["-"]), "*"]]
    return own, search


@settings(max_examples=300, deadline=None)
@given(
    kelurahan=st.one_of(
        st.none(), st.sampled_from(["", "Kuin", "KUIN", "Straße", "İlir", "Pekapuran Raya"])
    ),
    text=st.sampled_from([WATER, NO_KIND, "lampu padam dan pohon tumbang, air keruh", "x"]),
    located=st.booleans(),
)
def test_the_keys_kept_per_kelurahan_and_kinds_are_the_rule_spelt_out(
    kelurahan: str | None, text: str, located: bool
) -> None:
    where = {"latitude": -3.31, "longitude": 114.59} if located else {}
    entry = indexed("r", "t", _sub(text, kelurahan=kelurahan, **where))  # type: ignore[arg-type]
    index = DuplicateIndex(None, DuplicateRules(50, 0.4, 0.2, timedelta(days=1)))  # type: ignore[arg-type]
    for _ in range(2):  # asked again: the kept keys, as a copy the caller may change
        own, search = own_keys(entry), index.search_keys(entry)
        assert (own, search) == _keys_spelt_out(entry, 50)
        own.append("x"), search.append("x")
