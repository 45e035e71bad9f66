"""Long `IN (…)` lists in parts whose SQL texts repeat, so the driver parses each text once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    """A long `IN (…)` list in parts of at most `size`, each padded to a power of two by
    repeating its last value (the same rows): a few texts, again and again, parsed once."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk + chunk[-1:] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk))
