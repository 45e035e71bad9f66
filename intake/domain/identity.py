"""Who reported: kept inside intake only, and the keys that recognise a repeat reporter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class Identity:
    """The reporter's personal data as the channel gave it; every field optional."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    handle: str | None = None
    nik: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Identity:
        """Rebuild from the stored event attribute."""
        return cls(**{k: data.get(k) for k in ("name", "phone", "email", "handle", "nik")})

    def as_dict(self) -> dict[str, str | None]:
        """The stored form (a plain dict the event store can transcode); spelt out, since
        `dataclasses.asdict` deep-copies each value (sealing a report costs it twice)."""
        return {
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "handle": self.handle,
            "nik": self.nik,
        }

    def flood_keys(self, channel: str) -> list[str]:
        """Normalised contact keys: the same phone, e-mail or handle counts as one reporter."""
        keys = []
        if self.phone:
            keys.append(f"phone:{normalise_phone(self.phone)}")
        if self.email:
            keys.append(f"email:{self.email.strip().lower()}")
        if self.handle:
            keys.append(f"handle:{channel}:{self.handle.strip().lstrip('@').lower()}")
        return keys


def normalise_phone(phone: str) -> str:
    """Digits only, Indonesian trunk prefix 0 written as country code 62."""
    digits = _NOT_DIGIT.sub("", phone)
    return f"62{digits[1:]}" if digits.startswith("0") else digits
