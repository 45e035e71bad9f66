"""Every reporter hears back on a channel they can receive: the rule in `channels.csv` (issue H)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from notification.application.channels import ChannelRule, ChannelRuleError
from notification.settings import NotificationSettings
from shared import topics
from shared.contracts import (
    STATUS_LINK_MARK,
    CaseDisposed,
    CaseEvent,
    CaseOpened,
    Channel,
    ContactKind,
    OutboundMessage,
    ReportKind,
    ReportReceived,
)
from shared.messaging.relay import Outgoing

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
MakeCase = Callable[..., CaseEvent]
Process = Callable[..., Any]
Published = Callable[[], list[Outgoing]]
FORMS = [Channel.WEB, Channel.MOBILE, Channel.OPEN311, Channel.WALK_IN]
REPORT_ID = uuid4()


def received(channel: Channel, *kinds: ContactKind, report_id: UUID = REPORT_ID) -> ReportReceived:
    """Intake's report event: which kinds of contact the reporter left."""
    return ReportReceived(
        occurred_at=NOW,
        report_id=report_id,
        tracking_id="LPR-7K3QX9MD",
        channel=channel,
        kind=ReportKind.PENGADUAN,
        text="Pipa PDAM bocor di depan masjid.",
        reporter_ref="rref-0001",
        received_at=NOW,
        contact_kinds=kinds,
    )


def to_reporter(published: Published) -> list[Outgoing]:
    """What went out for the reporter (bodies and the admin get their own)."""
    return [
        out
        for out in published()
        if isinstance(out.event, OutboundMessage) and out.event.recipient.reporter_ref
    ]


@pytest.mark.parametrize("came_by", FORMS)
def test_a_form_reporter_who_left_an_email_hears_back_by_email(
    make_case: MakeCase, process: Process, published: Published, came_by: Channel
) -> None:
    process(received(came_by, ContactKind.EMAIL, ContactKind.PHONE), topic=topics.REPORTS)
    process(make_case(CaseOpened, channel=came_by, report_id=REPORT_ID))
    (out,) = to_reporter(published)
    assert out.topic == topics.outbound_topic(Channel.EMAIL)


@pytest.mark.parametrize("came_by", FORMS)
def test_a_form_reporter_who_left_only_a_phone_hears_back_by_sms(
    make_case: MakeCase, process: Process, published: Published, came_by: Channel
) -> None:
    process(received(came_by, ContactKind.PHONE), topic=topics.REPORTS)
    process(make_case(CaseOpened, channel=came_by, report_id=REPORT_ID))
    (out,) = to_reporter(published)
    assert out.topic == "lapor.outbound.sms.v1"


@pytest.mark.parametrize("came_by", FORMS)
def test_a_form_reporter_who_left_nothing_gets_no_message_but_the_body_still_does(
    make_case: MakeCase, process: Process, published: Published, came_by: Channel
) -> None:
    process(received(came_by), topic=topics.REPORTS)
    process(make_case(CaseOpened, channel=came_by, report_id=REPORT_ID))
    process(make_case(CaseDisposed, channel=came_by, report_id=REPORT_ID, skpd_code="PDAM"))
    assert (to_reporter(published), [o.event.template for o in published()]) == (
        [],
        ["skpd_new_report"],
    )


@pytest.mark.parametrize("came_by", [Channel.SMS, Channel.WHATSAPP, Channel.EMAIL])
def test_a_reporter_who_came_by_a_message_channel_hears_back_on_it(
    make_case: MakeCase, process: Process, published: Published, came_by: Channel
) -> None:
    process(received(came_by, ContactKind.EMAIL), topic=topics.REPORTS)
    process(make_case(CaseOpened, channel=came_by, report_id=REPORT_ID))
    (out,) = to_reporter(published)
    assert out.topic == topics.outbound_topic(came_by)


def test_a_report_event_older_than_contact_kinds_leaves_a_form_reporter_unanswered(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    older = ReportReceived.model_validate(
        {k: v for k, v in received(Channel.WEB).model_dump().items() if k != "contact_kinds"}
    )
    process(older, topic=topics.REPORTS)
    process(make_case(CaseOpened, channel=Channel.WEB, report_id=REPORT_ID))
    assert to_reporter(published) == []


def test_a_case_event_that_overtook_the_reports_event_waits_for_it_then_is_told(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseOpened, channel=Channel.WEB, report_id=REPORT_ID))
    process(make_case(CaseDisposed, channel=Channel.WEB, report_id=REPORT_ID, skpd_code="PDAM"))
    waited = [out.event.template for out in published()]
    process(received(Channel.WEB, ContactKind.PHONE), topic=topics.REPORTS)
    told = [(o.topic, o.event.template) for o in to_reporter(published)]
    assert (waited, told) == (
        ["skpd_new_report"],
        [("lapor.outbound.sms.v1", "case_opened"), ("lapor.outbound.sms.v1", "case_disposed")],
    )


def test_an_older_reports_event_releases_the_waiting_messages_to_nobody(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseOpened, channel=Channel.WEB, report_id=REPORT_ID))
    older = ReportReceived.model_validate(
        {k: v for k, v in received(Channel.WEB).model_dump().items() if k != "contact_kinds"}
    )
    process(older, topic=topics.REPORTS)
    process(make_case(CaseDisposed, channel=Channel.WEB, report_id=REPORT_ID, skpd_code="PDAM"))
    assert [out.event.template for out in published()] == ["skpd_new_report"]


def test_no_message_is_rendered_onto_a_topic_no_shipped_component_reads(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    for came_by in Channel:
        for kinds in [(), (ContactKind.PHONE,), (ContactKind.EMAIL,)]:
            report_id = uuid4()
            process(received(came_by, *kinds, report_id=report_id), topic=topics.REPORTS)
            process(make_case(CaseOpened, channel=came_by, report_id=report_id))
    used = {out.topic for out in published()}
    integration_points = {"lapor.outbound.twitter.v1"}  # named in README for outside adapters
    shipped = {"lapor.outbound.email.v1", "lapor.outbound.sms.v1", "lapor.outbound.whatsapp.v1"}
    assert used <= shipped | integration_points and used >= shipped


def test_the_first_sms_to_a_typed_in_phone_says_how_to_stop_them(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(received(Channel.WEB, ContactKind.PHONE), topic=topics.REPORTS)
    process(make_case(CaseOpened, channel=Channel.WEB, report_id=REPORT_ID))
    process(make_case(CaseDisposed, channel=Channel.WEB, report_id=REPORT_ID, skpd_code="PDAM"))
    first, later = (out.event.text for out in to_reporter(published))
    assert ("Bukan Anda? Balas STOP" in first, "STOP" in later) == (True, False)


def test_the_first_email_to_a_typed_in_address_says_how_to_stop_them(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(received(Channel.OPEN311, ContactKind.EMAIL), topic=topics.REPORTS)
    process(make_case(CaseOpened, channel=Channel.OPEN311, report_id=REPORT_ID))
    (out,) = to_reporter(published)
    assert "Balas pesan ini dengan kata STOP" in out.event.text


def test_a_reporter_who_wrote_from_their_own_phone_is_not_told_how_to_stop(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseOpened, channel=Channel.SMS))
    (out,) = to_reporter(published)
    assert "STOP" not in out.event.text


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP, Channel.EMAIL])
def test_every_message_to_a_reporter_carries_the_status_link_mark(
    make_case: MakeCase, process: Process, published: Published, channel: Channel
) -> None:
    process(make_case(CaseOpened, channel=channel))
    (out,) = to_reporter(published)
    assert STATUS_LINK_MARK in out.event.text


def test_a_public_reply_on_x_never_carries_the_personal_link(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseOpened, channel=Channel.TWITTER))
    (out,) = to_reporter(published)
    assert (out.topic, STATUS_LINK_MARK in out.event.text) == ("lapor.outbound.twitter.v1", False)


def test_the_rule_is_read_from_the_data_file_the_settings_name(tmp_path: Path) -> None:
    shipped = (Path(__file__).parents[3] / "notification" / "channels.csv").read_text()
    changed = tmp_path / "channels.csv"
    changed.write_text(shipped.replace("mobile,*,,no", "mobile,*,mobile,no"))
    rule = NotificationSettings(channel_rules=changed).channel_rule()
    assert rule.answer(Channel.MOBILE, ()).channel == Channel.MOBILE


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("came_by,left,answer_on,typed\nsms,*,pager,no\n", "pager"),
        ("came_by,left,answer_on,typed\nsms,fax,sms,no\n", "fax"),
        ("came_by,left,answer_on,typed\nsms,*,sms,no\n", "no row for reports that came by"),
        ("channel,answer\nsms,sms\n", "header"),
    ],
)
def test_a_rule_file_the_service_cannot_follow_is_refused_naming_the_problem(
    text: str, problem: str
) -> None:
    with pytest.raises(ChannelRuleError, match=problem):
        ChannelRule.parse(text)


def test_quiet_hours_can_be_turned_off_by_the_setting_design_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LAPOR_NOTIFICATION_QUIET_CHANNELS", "[]")
    quiet = NotificationSettings().delivery().quiet
    assert quiet.release("sms", datetime(2026, 11, 27, 14, 0, tzinfo=UTC)) is None


@pytest.mark.parametrize("came_by", [None, *Channel])
def test_only_form_channels_make_the_answer_wait_for_the_contacts_left(
    came_by: Channel | None,
) -> None:
    assert ChannelRule.packaged().needs_contacts(came_by) is (came_by in FORMS)
