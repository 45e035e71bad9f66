"""An adapter message as intake stores it: SMS keyword forms read, place names canonical."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from intake.domain.errors import InvalidMessage
from intake.domain.report import Submission
from intake.domain.sms import read_sms_form
from shared.contracts import IntakeMessage
from shared.geography import Place, canonical, find_place


def check_storable(message: IntakeMessage) -> None:
    """PostgreSQL text takes no NUL and UTF-8 no lone surrogate: name the field that has one.

    The message's JSON (one call into pydantic's serializer, which refuses a lone surrogate and
    escapes a NUL) tells a clean message at once; only a suspect one is searched field by field.
    """
    try:
        if "\\u0000" not in message.model_dump_json():
            return
    except ValueError:  # a lone surrogate
        pass
    for name, value in _strings(message.model_dump(mode="python"), ""):
        if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
            raise InvalidMessage(f"{name}: contains NUL or a lone surrogate")


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path or "(body)", value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}".lstrip("."))]
    if isinstance(value, list | tuple):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}.{i}")]
    return []


def submission_of(
    message: IntakeMessage, now: datetime, sms_channels: Collection[str]
) -> Submission:
    """The report's content: keyword forms read on SMS-like channels, location canonical."""
    text, named = message.text, None
    if message.channel.value in sms_channels:
        form = read_sms_form(message.text)
        text, named = form.text, form.place
    return Submission(
        channel=message.channel.value,
        message_id=message.message_id,
        kind=message.kind.value,
        title=message.title,
        text=text,
        received_at=message.received_at or now,
        location=_location(message, named, text),
        anonim=message.anonim,
        rahasia=message.rahasia,
        attachments=tuple(message.attachments),
        category=message.category,
        contact_kinds=tuple(kind.value for kind in message.reporter.contact_kinds()),
    )


def _location(message: IntakeMessage, named: str | None, text: str) -> dict[str, Any]:
    """The location as given, its kecamatan/kelurahan spelt as the city does; else from the text."""
    location = message.location.model_dump(mode="json")
    place = canonical(location.get("kecamatan"), location.get("kelurahan"))
    if place is None or place.kelurahan is None:
        found = _place_in(named) or _place_in(f"{message.title}\n{text}")
        if found is not None and (place is None or found.kecamatan == place.kecamatan):
            place = found
    if place is not None:
        location["kecamatan"] = place.kecamatan
        location["kelurahan"] = place.kelurahan or location.get("kelurahan")
    return location


def _place_in(text: str | None) -> Place | None:
    return find_place(text) if text else None
