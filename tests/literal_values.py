"""Values a batch's statements and rows carry, for comparing `shared.sqltext`'s literals with
psycopg's own (`Transformer.as_literal`, the general path)."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

from hypothesis import strategies as st

NUL_FREE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
AWKWARD_TEXT = st.one_of(
    NUL_FREE, st.sampled_from(["", "'", "''", "\\", "\\x00", "a'b\\c", "%s", "%(k)s", ":k"])
)
OFFSETS = st.builds(
    lambda minutes, seconds: timezone(timedelta(minutes=minutes, seconds=seconds)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
    st.sampled_from([0, 0, 0, 7, 59]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    AWKWARD_TEXT,
    st.uuids(),
    st.datetimes(),
    st.datetimes(timezones=st.one_of(st.just(UTC), OFFSETS)),
    st.dates(),
)
VALUES = st.one_of(SCALARS, st.binary(max_size=300), st.lists(st.integers(-1000, 1000), max_size=4))
