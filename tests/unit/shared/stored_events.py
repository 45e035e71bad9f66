"""Every event class the four contexts record, and hypothesis-made events of each."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import importlib
import pkgutil
import types
import typing
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import resolve_topic
from hypothesis import strategies as st

CONTEXTS = ("intake", "routing", "tracking", "notification", "shared")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@functools.cache
def every_recorded_event_class() -> tuple[type[DomainEvent], ...]:
    """The domain event classes defined in the contexts (and shared: dead letters)."""
    for context in CONTEXTS:
        package = importlib.import_module(context)
        for module in pkgutil.walk_packages(package.__path__, f"{context}."):
            if ".domain" in module.name or module.name.startswith("shared.messaging.deadletter"):
                importlib.import_module(module.name)
    found = {
        c
        for c in _subclasses(DomainEvent)
        if c.__module__.split(".")[0] in CONTEXTS and _has_topic(c)
    }
    return tuple(sorted(found, key=lambda c: (c.__module__, c.__qualname__, id(c))))


def _has_topic(cls: type) -> bool:
    """Whether events of this class can be stored: the class its topic names, not a copy made
    for a subclass (asking `get_topic` of a copy would register it in the original's place)."""
    try:
        return resolve_topic(f"{cls.__module__}:{cls.__qualname__}") is cls
    except Exception:
        return False


def _hint(cls: type, annotation: Any) -> Any:
    if not isinstance(annotation, str):
        return annotation
    module = importlib.import_module(cls.__module__)
    scope = {**vars(typing), "datetime": dt.datetime, "date": dt.date, "UUID": uuid.UUID}
    scope.update(vars(module))
    for outer in type.mro(cls):
        scope.update({k: v for k, v in vars(outer).items() if isinstance(v, type)})
    try:
        return eval(annotation, scope)  # annotations of the project's own classes
    except Exception:
        return Any


def _strategy(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a field's type, `Any` (within containers too) as JSON-ready values."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any or hint is object:
        return json_values
    if origin in (typing.Union, types.UnionType):
        return st.one_of([_strategy(a) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (dict, Mapping):
        key, value = args or (str, Any)
        return st.dictionaries(_strategy(key), _strategy(value), max_size=3)
    if origin in (list, tuple, Sequence, frozenset, set) and args:
        if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis):
            return st.tuples(*map(_strategy, args))
        made = st.lists(_strategy(args[0]), max_size=3)
        return made.map(origin) if origin in (tuple, frozenset, set) else made
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return st.fixed_dictionaries(_fields(hint)).map(lambda values: hint(**values))
    try:
        return st.from_type(hint)
    except Exception:
        return json_values


@functools.cache
def _fields(cls: Any) -> dict[str, st.SearchStrategy[Any]]:
    return {f.name: _strategy(_hint(cls, f.type)) for f in dataclasses.fields(cls) if f.init}


def event_of(cls: type[DomainEvent], data: st.DataObject) -> Any:
    """An event of `cls` with drawn field values."""
    return cls(**data.draw(st.fixed_dictionaries(_fields(cls)), label=cls.__qualname__))
