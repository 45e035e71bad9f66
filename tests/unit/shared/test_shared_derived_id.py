"""A derived id, made without UUID's checks, is in every way the UUID uuid5 makes."""

from __future__ import annotations

import copy
import pickle
import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.processing import EVENT_ID_NAMESPACE, derived_id

parts = st.lists(st.text() | st.integers() | st.uuids() | st.booleans(), min_size=1, max_size=4)


@given(parts)
def test_a_derived_id_is_the_uuid5_of_its_parts_in_every_respect(values: list[Any]) -> None:
    made = derived_id(*values)
    expected = uuid.uuid5(EVENT_ID_NAMESPACE, ":".join(map(str, values)))
    assert made == expected and hash(made) == hash(expected)
    assert (str(made), made.hex, made.bytes) == (str(expected), expected.hex, expected.bytes)
    assert (made.version, made.variant, made.is_safe) == (5, uuid.RFC_4122, expected.is_safe)
    assert pickle.loads(pickle.dumps(made)) == expected == copy.deepcopy(made)
