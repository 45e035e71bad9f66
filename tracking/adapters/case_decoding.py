"""Stored case events of today's shape, decoded for the projector in one generated step.

The general path (`StoredEventCodec.to_domain_event`) parses a stored event's JSON, walks it to
revive every `{"_type_": name, "_data_": …}` object, upcasts older versions and builds the
event. A replay decodes every stored case event, nearly all of them written by today's code:
here each event class of the case gets one function, generated from its fields' types, that
reads the parsed state as it knows it lies (a moment where a datetime is declared, a value
object where one is, plain values elsewhere) and builds the same event, without the walk.

Anything it does not know exactly goes the general way, event by event, so the result (or the
error) is what it always was: another class version (upcast), a topic it has no function for,
a missing or extra member, a value of another shape, an encrypted or compressed store. The
event built here is the one the general path builds (`tests/unit/tracking/
test_tracking_fast_decoding.py` compares both on every kind of event, old stores included).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import DatetimeAsISO, Mapper, Transcoding
from eventsourcing.utils import get_topic

from tracking.application.stored import shared_moment
from tracking.domain.case import Case

Decode = Callable[[Any], Any]  # a notification (or stored event) -> its domain event
Build = Callable[[dict[str, Any], UUID, int], Any]  # parsed state, id, version -> event or None

_GIVEN = ("originator_id", "originator_version")  # not in the state: the record's own columns
_SCALARS = frozenset({str, int, bool, type(None)})  # what the general path leaves as it is
_LARGEST_INT = 2**63  # orjson reads an integer past 64 bits as a float this large, or larger


def case_decoder(mapper: Mapper[UUID]) -> Decode:
    """`mapper.to_domain_event`, faster for the case events of today's shape."""
    general = mapper.to_domain_event
    names: dict[str, Transcoding] = getattr(mapper.transcoder, "names", {})
    if mapper.cipher is not None or mapper.compressor is not None:
        return general
    if type(names.get("datetime_iso")) is not DatetimeAsISO:
        return general
    builders: dict[str, Build] = {}
    for cls in case_events():
        try:
            builders[get_topic(cls)] = _builder(cls, names)
        except (NameError, TypeError):  # a hint it cannot resolve: that class the general way
            continue
    loads = orjson.loads

    def decode(stored: Any) -> Any:
        build = builders.get(stored.topic)
        oid = stored.originator_id
        if build is not None and type(oid) is UUID:
            try:
                event = build(loads(stored.state), oid, stored.originator_version)
            except Exception:  # not today's shape after all: the general path tells
                event = None
            if event is not None:
                return event
        return general(stored)

    return decode


def case_events() -> list[type[Case.Event]]:
    """Every event class of the case (the abstract ones too: harmless, never stored)."""
    found: list[type[Case.Event]] = []
    waiting: list[type[Any]] = [Case.Event]
    while waiting:
        cls = waiting.pop()
        for sub in cls.__subclasses__():
            if sub not in found and issubclass(sub, Case.Event):
                found.append(sub)
                waiting.append(sub)
    return found


def _builder(cls: type[Case.Event], names: dict[str, Transcoding]) -> Build:
    """The generated function that builds a `cls` event from its parsed state, or None."""
    hints = typing.get_type_hints(cls)
    stored = [f.name for f in fields(cls) if f.name not in _GIVEN]  # type: ignore[arg-type]
    by_type = {t.type: name for name, t in names.items()}
    scope: dict[str, Any] = {
        "cls": cls,
        "version": getattr(cls, "class_version", 1),
        "moment": shared_moment,  # the same moment recurs (a clock check's, a batch's)
        "fresh": datetime.fromisoformat,  # a timestamp is its event's own: not worth keeping
        "scalars": _SCALARS,
        "plain": _plain,
    }
    lines = [f"    if len(state) != {len(stored) + 1} or state['class_version'] != version:"]
    lines.append("        return None")
    for index, name in enumerate(stored):
        lines += _field(f"v{index}", name, hints[name], by_type, names, scope)
    values = ", ".join(f"{name!r}: v{index}" for index, name in enumerate(stored))
    source = (
        "def build(state, oid, seq, new=object.__new__, set=object.__setattr__):\n"
        + "\n".join(lines)
        + f"\n    event = new(cls)\n    set(event, '__dict__', {{{values}, "
        "'originator_id': oid, 'originator_version': seq})\n    return event\n"
    )
    exec(source, scope)  # made of the dataclass's own field names and registered names
    build: Build = scope["build"]
    return build


def _field(
    var: str,
    name: str,
    hint: Any,
    by_type: dict[type, str],
    names: dict[str, Transcoding],
    scope: dict[str, Any],
) -> list[str]:
    """The lines that read one member into `var` (None returned when it is not as expected)."""
    kind, optional = _unwrap(hint)
    lines = [f"    {var} = state[{name!r}]"]
    if kind is datetime:
        revive = "fresh(d)" if name == "timestamp" else "moment(d)"
        shape = "type(d := {v}['_data_']) is not str"
        transcoding = "datetime_iso"
    elif kind in by_type:
        transcoding = by_type[kind]
        scope[f"decode_{transcoding}"] = names[transcoding].decode
        revive = f"decode_{transcoding}(d)"
        shape = "type(d := {v}['_data_']) is not list or not scalars.issuperset(map(type, d))"
    else:
        plain = f"    if type({var}) not in scalars and not plain({var}):"
        return [*lines, plain, "        return None"]
    check = (
        f"type({var}) is not dict or len({var}) != 2 or {var}.get('_type_') != {transcoding!r}"
        f" or {shape.format(v=var)}"
    )
    if optional:
        lines += [f"    if {var} is not None:", f"        if {check}:", "            return None"]
        lines.append(f"        {var} = {revive}")
    else:
        lines += [f"    if {check}:", "        return None", f"    {var} = {revive}"]
    return lines


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """The type a hint names, and whether None is allowed (`X | None`)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        members = [m for m in typing.get_args(hint) if m is not type(None)]
        if len(members) == 1:
            return members[0], True
        return hint, True
    return hint, False


def _plain(value: Any) -> bool:
    """Whether the general path leaves this value as it is (nothing inside to revive)."""
    kind = type(value)
    if kind is float:
        return -_LARGEST_INT < value < _LARGEST_INT
    if kind is list:
        return all(type(item) in _SCALARS or _plain_float(item) for item in value)
    if kind is dict:
        return "_type_" not in value and all(
            type(item) in _SCALARS or _plain_float(item) for item in value.values()
        )
    return kind in _SCALARS


def _plain_float(value: Any) -> bool:
    return type(value) is float and -_LARGEST_INT < value < _LARGEST_INT
