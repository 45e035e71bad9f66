"""The eventsourcing side of Kafka consumption: a batch of messages, one transaction."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import singledispatchmethod
from typing import Any, ClassVar, NamedTuple, TypeVar
from uuid import UUID, SafeUUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent, Repository
from eventsourcing.domain import Aggregate, BaseAggregate
from eventsourcing.persistence import ProgrammingError, Recording, Tracking
from eventsourcing.system import ProcessApplication

from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import DeadLetter, SourceRecord, dead_letter_id
from shared.messaging.outbox import Pending, Translate, rows_of, with_outbox
from shared.preload import Stored, select_many
from shared.storedjson import StoredEventCodec, StoredJSONCodec

EVENT_ID_NAMESPACE = UUID("5b4b3e9e-8c0f-4a5e-9d7e-6c1f2a3b4c5d")
_NAMESPACE = EVENT_ID_NAMESPACE.bytes

A = TypeVar("A", bound=Aggregate)

log = get_logger(__name__)


@functools.lru_cache(maxsize=8192, typed=True)  # one id is often derived twice per message
def derived_id(*parts: object) -> UUID:
    """A UUID that is the same every time for the same parts (idempotency keys, event ids).

    `uuid.uuid5(EVENT_ID_NAMESPACE, "part:part:…")`, computed without its extra steps.
    """
    name = ":".join(map(str, parts)).encode()
    value = int.from_bytes(hashlib.sha1(_NAMESPACE + name).digest()[:16])
    made = _new_uuid(UUID)  # UUID(bytes=…, version=5) without its checks: a third cheaper
    _set_field(made, "int", (value & ~_VERSION_BITS) | _VERSION_5)
    _set_field(made, "is_safe", SafeUUID.unknown)
    return made


_VERSION_BITS = (0xF000 << 64) | (0xC000 << 48)  # the version and variant fields
_VERSION_5 = (5 << 76) | (0x8000 << 48)  # version 5, RFC 4122 variant
_new_uuid = object.__new__
_set_field = object.__setattr__


_HANDLERS: dict[tuple[type, str, type], Any] = {}  # (application class, method, message class)


def _handler(app: Any, name: str, message: Any) -> Callable[..., Any]:
    """`app.<name>` for this message, the implementation its `singledispatchmethod` chooses.

    Each access to a `singledispatchmethod` builds a new wrapper (`functools.update_wrapper`)
    before dispatching, about 2 µs, twice per message; the implementation for a class is found
    once per application class. Anything else (a plain method, one set on the instance) is
    reached as an attribute, as before.
    """
    if name in app.__dict__:
        return getattr(app, name)  # type: ignore[no-any-return]
    key = (type(app), name, message.__class__)  # the class singledispatch dispatches on
    found = _HANDLERS.get(key)
    if found is None:
        method = next((k.__dict__[name] for k in type(app).__mro__ if name in k.__dict__), None)
        if not isinstance(method, singledispatchmethod):
            return getattr(app, name)  # type: ignore[no-any-return]
        found = _HANDLERS[key] = method.dispatcher.dispatch(message.__class__)
    return functools.partial(found, app)


class Rejection(Exception):
    """A message the service will not act on, for a reason it can name (dead-lettered)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class Statement(NamedTuple):
    """One SQL statement with `:name` parameters, run in the transaction of a batch's events."""

    sql: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Delivery:
    """One Kafka record handed to an application: its message, or why it cannot be read."""

    source: SourceRecord | None
    message: Any = None
    failure: Rejection | None = None


class Batch(ProcessingEvent[UUID]):
    """One transaction's messages; knows the record now handled and the records refused.

    `tracking` is the position of the first partition; `more_tracking`, those of the other
    partitions whose records the batch holds (one fetch, one transaction), recorded with it.
    """

    def __init__(
        self, tracking: Tracking | None = None, more_tracking: Sequence[Tracking] = ()
    ) -> None:
        super().__init__(tracking)
        self.more_tracking = tuple(more_tracking)
        self.current: SourceRecord | None = None
        self.refused: list[tuple[SourceRecord, Rejection]] = []
        self.preloaded: dict[UUID, Stored | None] = {}  # read at the start; None: known absent
        self.peeked: dict[UUID, Any] = {}  # rebuilt once for reading only (see `peek`)
        self.statements: list[Statement] = []  # table rows written with the events (`also_run`)

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        """eventsourcing's `collect_events`, an aggregate recognised by its class (the runtime
        protocol checks eventsourcing makes cost more than collecting)."""
        for obj in objs:
            if isinstance(obj, BaseAggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            elif obj is not None:
                super().collect_events(obj)
        self.saved_kwargs.update(kwargs)

    def also_run(self, sql: str, params: Mapping[str, Any]) -> None:
        """Run a statement in the transaction that records this batch (`:name` parameters).

        For tables kept beside the events (indexes, counters): a unique constraint, not a
        version check, settles a race, and the IntegrityError it raises is the one a version
        clash raises.
        """
        self.statements.append(Statement(sql, params))

    def refuse(self, source: SourceRecord, rejection: Rejection) -> None:
        """Dead-letter a record other than the current one (a parked message refused later)."""
        self.refused.append((source, rejection))


def _dead_letter(service: str, source: SourceRecord, rejection: Rejection) -> DeadLetter:
    return DeadLetter.record(service, source, rejection.reason, rejection.detail)


def project(aggregate: Any, events: Iterable[Any]) -> Any:
    """eventsourcing's `project_aggregate` without its per-event check of the `CanMutateProtocol`
    runtime protocol (an `isinstance` against a Protocol: it costs more than most `mutate`s);
    an event without `mutate` fails here with an AttributeError naming it."""
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class PendingRepository(Repository[UUID]):
    """A repository that also sees the events being recorded now (not yet stored).

    The outbox translates a domain event in the transaction that records it; a translation that
    reads its aggregate at the event's version finds it here, the stored events and the pending
    ones applied in order.
    """

    pending: Pending

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        """eventsourcing's `get` (its `projector_func` is `project` unless named), pending
        events included."""
        kwargs.setdefault("projector_func", project)
        events = self.pending.events(aggregate_id)
        if not events or (version is not None and version < events[0].originator_version):
            return super().get(aggregate_id, version=version, **kwargs)
        first = events[0].originator_version
        base = None if first == 1 else super().get(aggregate_id, version=first - 1, **kwargs)
        wanted = [e for e in events if version is None or e.originator_version <= version]
        return kwargs["projector_func"](base, wanted)


class BatchProcessApplication(ProcessApplication[UUID]):
    """A process application fed from Kafka: one transaction per partition batch.

    Subclasses implement `policy` (singledispatch on the integration event type) and may list
    the typed business errors that reject one message without failing the batch.

    Once the outbox is installed (`shared.messaging.outbox.install_outbox`), every write, a
    batch or a use case's `save`, records its events' outbox rows in the same transaction.
    """

    rejectable_errors: ClassVar[tuple[type[Exception], ...]] = ()

    def __init__(self, env: Any = None) -> None:
        self._pending = Pending()
        self.outbox_translate: Translate | None = None
        super().__init__(env)
        self.recorded_listeners: list[Callable[[], None]] = []

    def construct_transcoder(self) -> Any:
        """eventsourcing's JSON transcoder, done by orjson both ways (`shared.storedjson`: the
        same bytes written, the same objects read), unless the environment names a transcoder."""
        if self.env.get(self.factory.TRANSCODER_TOPIC):
            return super().construct_transcoder()
        transcoder = StoredJSONCodec()
        self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self) -> Any:
        """eventsourcing's mapper without its per-event lookups, writing and reading, unless the
        environment names one."""
        if self.env.get(self.factory.MAPPER_TOPIC):
            return super().construct_mapper()
        return self.factory.mapper(self.construct_transcoder(), StoredEventCodec)

    def construct_recorder(self) -> Any:
        """The store's process recorder, with an outbox table beside the events."""
        return with_outbox(super().construct_recorder())

    def construct_repository(self) -> Repository[UUID]:
        """eventsourcing's repository, seeing the events of the write in progress too."""
        repository = super().construct_repository()
        repository.__class__ = PendingRepository
        cast_repository: Any = repository
        cast_repository.pending = self._pending
        return repository

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Record the events, their outbox rows, the batch's statements (`Batch.also_run`) and
        the positions in one transaction."""
        statements = getattr(processing_event, "statements", None)
        if statements:
            processing_event.saved_kwargs["statements"] = statements
        more_tracking = getattr(processing_event, "more_tracking", None)
        if more_tracking:
            if not getattr(self.recorder, "records_more_tracking", False):  # it would drop them
                raise ProgrammingError(f"{type(self.recorder).__name__} records one position")
            processing_event.saved_kwargs["more_tracking"] = more_tracking
        translate = self.outbox_translate
        if translate is not None and processing_event.events:
            self._pending.set(processing_event.events)
            try:
                rows = [r for e in processing_event.events for r in rows_of(e, translate)]
            finally:
                self._pending.clear()
            processing_event.saved_kwargs["outbox"] = rows
        return super()._record(processing_event)

    def _notify(self, recordings: Any) -> None:
        """After every write (policy or use case): wake whoever waits for new events (the relay)."""
        super()._notify(recordings)
        if recordings:
            for listener in self.recorded_listeners:
                listener()

    def position(self, tracking_name: str) -> int | None:
        """The last position recorded for one topic partition."""
        return self.recorder.max_tracking_id(tracking_name)

    def process_batch(
        self,
        messages: Sequence[Any],
        tracking: Tracking,
        *,
        service: str | None = None,
        more_tracking: Sequence[Tracking] = (),
    ) -> list[tuple[Any, Rejection]]:
        """Apply the policy to every message and record all new events with the position.

        `messages` are `Delivery`s (from the consumer) or bare messages (tests). A delivery that
        failed to decode, or whose message the policy rejects, becomes a `DeadLetter` recorded in
        the same transaction as the position. `more_tracking`: the positions of other
        partitions whose records follow the first's in `messages` (one row each, the same
        transaction; any that does not advance fails it, as `tracking` does).
        """
        rejected: list[tuple[Any, Rejection]] = []
        service = service or self.name
        deliveries = [m if isinstance(m, Delivery) else Delivery(None, m) for m in messages]
        with self.processing_lock:
            batch = Batch(tracking, more_tracking)
            self.preload(batch, self._wanted_by(deliveries))
            for delivery in deliveries:
                rejection = delivery.failure or self._apply(delivery, batch)
                if rejection is not None:
                    rejected.append((delivery.message, rejection))
                    if delivery.source is not None:  # a fresh record: no dead letter yet
                        batch.collect_events(_dead_letter(service, delivery.source, rejection))
            batch.current = None
            for source, rejection in batch.refused:  # records seen before: once only
                self._dead_letter(batch, service, source, rejection)
            recordings = self._record(batch)
            self._take_snapshots(batch)
            self._notify(recordings)
        return rejected

    def wanted(self, message: Any) -> Iterable[UUID]:
        """Ids of aggregates the policy may load for this message (read for the whole batch)."""
        return ()

    def ignored_types(self, topic: str) -> list[str]:
        """Event types of a topic the policy has no handler for (its fallback ignores them).

        The consumer skips such records by their `event_type` header, before decoding them.
        """
        found = next(k.__dict__["policy"] for k in type(self).__mro__ if "policy" in k.__dict__)
        if not isinstance(found, singledispatchmethod):  # nothing is known to be ignored
            return []
        handled = tuple(cls for cls in found.dispatcher.registry if cls is not object)
        try:
            events = codec.events_for(topic)
        except KeyError:
            return []
        return [name for name, cls in events.items() if not issubclass(cls, handled)]

    def _wanted_by(self, deliveries: Sequence[Delivery]) -> set[UUID]:
        wanted: set[UUID] = set()
        for delivery in deliveries:
            if delivery.failure is None:
                try:
                    wanted.update(_handler(self, "wanted", delivery.message)(delivery.message))
                except Exception as error:  # the policy meets the same problem and names it
                    log.info("preload-skipped", error=repr(error)[:300])
        return wanted

    def preload(self, batch: Batch, ids: Iterable[UUID]) -> None:
        """Read these aggregates in one query; `load` and `exists` then answer from it."""
        missing = {i for i in ids if i not in batch.preloaded and i not in batch.aggregates}
        if not missing:
            return
        snapshots = self.snapshots.recorder if self.snapshots is not None else None
        found = select_many(self.recorder, snapshots, missing)
        for aggregate_id in missing:
            batch.preloaded[aggregate_id] = found.get(aggregate_id)

    def exists(self, processing_event: ProcessingEvent[UUID], aggregate_id: UUID) -> bool:
        """Whether the aggregate is in this batch or stored (no aggregate rebuilt)."""
        if aggregate_id in processing_event.aggregates:
            return True
        preloaded = getattr(processing_event, "preloaded", {})
        if aggregate_id in preloaded:
            return preloaded[aggregate_id] is not None
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshot what just crossed an interval from the aggregates in hand, in one insert."""
        if self.snapshots is None or not self.snapshotting_intervals:
            return
        due: dict[UUID, Any] = {}
        for event in processing_event.events:
            aggregate: Any = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval and event.originator_version % interval == 0:
                due[event.originator_id] = aggregate
        if due:
            snapshot_class: Any = type(self).snapshot_class
            self.snapshots.put(
                [getattr(type(a), "Snapshot", snapshot_class).take(a) for a in due.values()]
            )

    def _apply(self, delivery: Delivery, batch: Batch) -> Rejection | None:
        batch.current = delivery.source
        try:
            _handler(self, "policy", delivery.message)(delivery.message, batch)
        except Rejection as rejection:
            return rejection
        except self.rejectable_errors as error:
            return Rejection(type(error).__name__, str(error))
        return None

    def _dead_letter(
        self, batch: Batch, service: str, source: SourceRecord, rejection: Rejection
    ) -> None:
        if self.load(batch, dead_letter_id(service, source), DeadLetter) is None:
            batch.collect_events(_dead_letter(service, source, rejection))

    def load(
        self, processing_event: ProcessingEvent[UUID], aggregate_id: UUID, cls: type[A]
    ) -> A | None:
        """An aggregate as this batch sees it: changed earlier in the batch, stored, or absent."""
        found = processing_event.aggregates.get(aggregate_id)
        if found is None:
            found = self._stored(processing_event, aggregate_id)
        if found is None:
            return None
        if not isinstance(found, cls):
            raise TypeError(f"{aggregate_id} is a {type(found).__name__}, not a {cls.__name__}")
        return found

    def peek(
        self, processing_event: ProcessingEvent[UUID], aggregate_id: UUID, cls: type[A]
    ) -> A | None:
        """Like `load`, for reading only (never changed): a batch rebuilds it once."""
        if aggregate_id in processing_event.aggregates or not isinstance(processing_event, Batch):
            return self.load(processing_event, aggregate_id, cls)
        if aggregate_id not in processing_event.peeked:
            found = self.load(processing_event, aggregate_id, cls)
            processing_event.peeked[aggregate_id] = found
        peeked: A | None = processing_event.peeked[aggregate_id]
        return peeked

    def _stored(self, processing_event: ProcessingEvent[UUID], aggregate_id: UUID) -> Any:
        """The stored aggregate: rebuilt from the batch's preload if it was wanted, else read."""
        preloaded = getattr(processing_event, "preloaded", {})
        if aggregate_id not in preloaded:
            try:
                return self.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return None
        stored = preloaded[aggregate_id]
        if stored is None:
            return None
        first = [stored.snapshot] if stored.snapshot is not None else []
        return project(None, map(self.mapper.to_domain_event, first + stored.events))
