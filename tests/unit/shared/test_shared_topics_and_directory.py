"""Topic names and the body directory the project keeps its own copy of."""

from __future__ import annotations

from shared import topics
from shared.contracts import Channel
from shared.directory import bodies, body_codes, by_code


def test_the_directory_has_the_41_city_skpd_and_the_outside_bodies() -> None:
    city = [b for b in bodies() if not b.outside_city]
    assert len(city) == 41
    assert {"PDAM", "PDPAL", "DISPERKIM", "SETDA-HUMAS"} <= {b.code for b in city}
    assert by_code()["PLN-UID-KALSELTENG"].outside_city


def test_every_body_gets_a_routed_and_an_actions_topic() -> None:
    names = topics.all_topics(body_codes())
    for code in body_codes():
        assert topics.skpd_topic(code) in names
        assert topics.skpd_actions_topic(code) in names


def test_every_channel_gets_an_outbound_topic() -> None:
    names = topics.all_topics(body_codes())
    assert {topics.outbound_topic(channel) for channel in Channel} <= set(names)
    assert topics.outbound_topic("walk-in") == "lapor.outbound.walk-in.v1"


def test_topic_names_are_unique_and_versioned() -> None:
    names = topics.all_topics(body_codes())
    assert len(names) == len(set(names))
    assert all(name.startswith("lapor.") and name.endswith(".v1") for name in names)


def test_every_body_has_a_mailbox_and_a_parent_that_exists() -> None:
    codes = set(body_codes())
    for body in bodies():
        assert body.email and "@" in body.email, body.code
        assert body.parent is None or body.parent in codes, body.code


def test_an_escalation_goes_to_the_parent_else_to_the_city_admin() -> None:
    from shared.directory import CITY_ADMIN, escalation_target

    assert escalation_target("KEC-UTARA") == by_code()["KEC-UTARA"].parent
    assert escalation_target("PDAM") == CITY_ADMIN
    assert escalation_target("NO-SUCH-BODY") == CITY_ADMIN
