"""The token registry's rules: what issues, revocations and expiry leave authenticating."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from shared.auth import Principal, TokenStore, Unauthenticated, digest
from shared.clock import FixedClock
from shared.contracts.base import Actor
from shared.contracts.tokens import TokenIssued, TokenRevoked
from shared.settings import CommonSettings
from shared.tokens.feed import TokenFeed
from shared.tokens.operator import TokenRequestError, issue, migrated, revocations
from shared.tokens.registry import TokenRegistry
from shared.tokens.table import Placed, TokenTable

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
OPERATOR = Actor(role="operator", name="Rudi")


def issued(token: str, role: str = "skpd:PDAM", name: str = "Siti", **more: object) -> TokenIssued:
    return TokenIssued(
        occurred_at=NOW, digest=digest(token), role=role, name=name, actor=OPERATOR, **more
    )


def revoked(token: str) -> TokenRevoked:
    return TokenRevoked(occurred_at=NOW, digest=digest(token), actor=OPERATOR)


def store(*events: TokenIssued | TokenRevoked, at: datetime = NOW) -> TokenStore:
    registry = TokenRegistry()
    for event in events:
        registry.apply(event)
    return TokenStore({}, registry=registry, clock=FixedClock(at))


def test_an_issued_token_authenticates_as_its_role_and_person() -> None:
    assert store(issued("t")).authenticate("t") == Principal("skpd:PDAM", "Siti")


def test_a_revoked_token_is_refused() -> None:
    with pytest.raises(Unauthenticated, match="revoked"):
        store(issued("t"), revoked("t")).authenticate("t")


def test_a_revocation_is_final_even_if_the_issue_comes_again() -> None:
    with pytest.raises(Unauthenticated, match="revoked"):
        store(issued("t"), revoked("t"), issued("t")).authenticate("t")


def test_a_revocation_seen_before_its_issue_still_refuses_the_token() -> None:
    with pytest.raises(Unauthenticated, match="revoked"):
        store(revoked("t"), issued("t")).authenticate("t")


def test_a_token_works_until_its_expiry_and_not_at_it() -> None:
    expires = NOW + timedelta(days=2)
    event = issued("t", expires_at=expires)
    assert store(event, at=expires - timedelta(seconds=1)).authenticate("t").name == "Siti"
    with pytest.raises(Unauthenticated, match="expired"):
        store(event, at=expires).authenticate("t")


def test_a_revoked_digest_is_refused_even_when_the_configuration_lists_it() -> None:
    registry = TokenRegistry()
    registry.apply(revoked("dev"))
    configured = TokenStore({digest("dev"): "admin"}, registry=registry, clock=FixedClock(NOW))
    with pytest.raises(Unauthenticated):
        configured.authenticate("dev")


def test_configured_tokens_still_work_beside_the_registry() -> None:
    registry = TokenRegistry()
    registry.apply(issued("person"))
    both = TokenStore({digest("dev"): "admin"}, registry=registry, clock=FixedClock(NOW))
    assert both.authenticate("dev") == Principal("admin")
    assert both.authenticate("person") == Principal("skpd:PDAM", "Siti")


def test_email_of_names_the_live_token_holder_only() -> None:
    with_mail = issued("t", email="siti@pdam.example")
    assert store(with_mail).email_of("skpd:PDAM", "Siti") == "siti@pdam.example"
    assert store(with_mail).email_of("skpd:DLH", "Siti") is None
    assert store(with_mail, revoked("t")).email_of("skpd:PDAM", "Siti") is None
    assert store(issued("t")).email_of("skpd:PDAM", "Siti") is None


def test_positions_move_to_the_offset_after_each_record() -> None:
    registry = TokenRegistry()
    registry.apply(issued("a"), partition=2, offset=7)
    registry.apply(issued("b"), partition=2, offset=3)
    assert registry.positions() == {2: 8}


def test_issue_prints_a_token_whose_digest_alone_is_published() -> None:
    token, event = issue("admin", " Andi ", OPERATOR, NOW, email="andi@kota.example", days=30)
    assert event.digest == digest(token) and token not in event.model_dump_json()
    assert (event.name, event.expires_at) == ("Andi", NOW + timedelta(days=30))


@pytest.mark.parametrize(
    ("role", "name", "days"), [("root", "X", None), ("admin", " ", None), ("admin", "X", 0)]
)
def test_issue_refuses_an_unknown_role_a_blank_name_or_no_days(
    role: str, name: str, days: float | None
) -> None:
    with pytest.raises(TokenRequestError):
        issue(role, name, OPERATOR, NOW, days=days)


def test_revoke_by_name_ends_every_live_token_of_that_person_and_repeats_who_held_it() -> None:
    registry = TokenRegistry()
    for event in (issued("a"), issued("b"), issued("c", name="Budi"), revoked("b")):
        registry.apply(event)
    events = revocations(registry, "Siti", OPERATOR, NOW)
    assert [e.digest for e in events] == [digest("a")]
    assert (events[0].role, events[0].name) == ("skpd:PDAM", "Siti")


def test_revoke_takes_the_token_or_a_digest_prefix() -> None:
    registry = TokenRegistry()
    registry.apply(issued("a"))
    assert len(revocations(registry, "a", OPERATOR, NOW)) == 1
    assert len(revocations(registry, digest("a")[:8], OPERATOR, NOW)) == 1
    assert revocations(registry, digest("a")[:7], OPERATOR, NOW) == []


def test_migrate_publishes_only_the_file_tokens_the_topic_lacks() -> None:
    registry = TokenRegistry()
    registry.apply(issued("known"))
    entries = {
        digest("known"): {"role": "admin", "name": "A"},
        digest("new"): {"role": "analyst", "name": "B"},
    }
    assert [e.digest for e in migrated(entries, registry, OPERATOR, NOW)] == [digest("new")]


def test_the_table_resumes_where_it_stopped_and_a_lagging_replica_never_undoes_a_revocation(
    tmp_path: Path,
) -> None:
    table = TokenTable.at(f"sqlite:///{tmp_path / 'tokens.sqlite'}")
    fast, slow = TokenRegistry(), TokenRegistry()
    expires = NOW + timedelta(days=1)
    table.save([(1, 0, fast.apply(issued("e", expires_at=expires), partition=1, offset=0))])
    issue_record = (3, 4, fast.apply(issued("t"), partition=3, offset=4))
    table.save([issue_record, (3, 5, fast.apply(revoked("t"), partition=3, offset=5))])
    table.save([(3, 4, slow.apply(issued("t"), partition=3, offset=4))])  # the lagging replica
    restarted = TokenRegistry()
    restarted.load(*table.load())
    assert restarted.positions() == {1: 1, 3: 6}
    resumed = TokenStore({}, registry=restarted, clock=FixedClock(NOW))
    with pytest.raises(Unauthenticated, match="revoked"):
        resumed.authenticate("t")
    assert resumed.authenticate("e").name == "Siti"
    assert restarted.get(digest("e")) == fast.get(digest("e"))  # the expiry survives, aware
    table.close()


class FlakyTable:
    """A table whose first save fails (a replica inserted the same row at that moment)."""

    def __init__(self) -> None:
        self.saved: list[list[Placed]] = []
        self.failures = 1

    def save(self, placed: list[Placed]) -> None:
        if self.failures:
            self.failures -= 1
            raise OperationalError("INSERT", {}, Exception("conflict"))
        self.saved.append(list(placed))


async def test_a_failed_table_save_is_carried_into_the_next_one() -> None:
    registry = TokenRegistry()
    feed = TokenFeed(CommonSettings(), registry, name="test")
    table = FlakyTable()
    first = [(0, 0, registry.apply(issued("a"), partition=0, offset=0))]
    second = [(0, 1, registry.apply(revoked("a"), partition=0, offset=1))]
    await feed._save(table, first)  # type: ignore[arg-type]
    await feed._save(table, second)  # type: ignore[arg-type]
    assert table.saved == [first + second]


async def test_a_feed_that_stops_makes_the_store_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = TokenRegistry()
    feed = TokenFeed(CommonSettings(), registry, name="test")
    tokens = TokenStore({}, registry=registry, feed=feed)
    assert tokens.loading() == ["tokens: lapor.tokens.v1 not read to its end yet"]

    async def broken(*_: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(feed, "_follow", broken)
    with pytest.raises(RuntimeError):
        await feed.run(asyncio.Event())
    assert "feed stopped" in tokens.loading()[0]
