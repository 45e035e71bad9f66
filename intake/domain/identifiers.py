"""Public tracking ids and pseudonymous reporter refs: random, never derived from the report."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from intake.domain.errors import InvalidTrackingFormat

# Crockford's base32: no I, L, O, U, so an SMS reader cannot confuse 1/I/L or 0/O.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,31}$")
REPORTER_REF_PREFIX = "rpt_"


@dataclass(frozen=True)
class TrackingIdFormat:
    """A prefix and a count of random Crockford characters, e.g. `LPR-7K3QX9MD`."""

    prefix: str
    length: int

    def __post_init__(self) -> None:
        self.check_matches_public_pattern()

    def check_matches_public_pattern(self) -> None:
        """Every id this format makes must match the public tracking id pattern."""
        sample = f"{self.prefix}-{'0' * self.length}"
        if self.length < 6 or not TRACKING_ID.match(sample) or "-" in self.prefix:
            raise InvalidTrackingFormat(
                f"prefix {self.prefix!r} with {self.length} characters cannot make a tracking id"
            )

    def new_id(self) -> str:
        """A fresh random tracking id (5 bits of entropy per character)."""
        drawn = secrets.randbits(5 * self.length)  # one draw, 5 bits a character
        random_part = "".join(CROCKFORD[drawn >> (5 * n) & 31] for n in range(self.length))
        return f"{self.prefix}-{random_part}"


def new_reporter_ref() -> str:
    """A fresh opaque reporter_ref that stands in for the identity outside intake."""
    return REPORTER_REF_PREFIX + secrets.token_hex(12)
