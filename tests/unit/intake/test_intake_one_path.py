"""One path for topic and HTTP: bad messages fail alone, with a reason the dead letter carries."""

from __future__ import annotations

from eventsourcing.persistence import Tracking
from intake_helpers import message

from intake.application.app import IntakeApplication
from intake.domain.errors import InvalidMessage
from shared import topics
from shared.contracts import IntakeMessage

NUL_TEXT = "air mati\x00 sejak pagi di rumah kami"


def unchecked(message_id: str) -> IntakeMessage:
    """A message built in code past the contract's text rule (the store's last line of defence)."""
    return message(message_id).model_copy(update={"text": NUL_TEXT})


def test_a_topic_message_with_nul_is_rejected_with_the_field_and_the_batch_goes_on(
    app: IntakeApplication,
) -> None:
    bad, good = unchecked("m-1"), message("m-2")
    rejected = app.process_batch([bad, good], Tracking(f"{topics.INTAKE}:0", 2))
    assert [(m.message_id, r.reason) for m, r in rejected] == [("m-1", "InvalidMessage")]
    assert "text" in rejected[0][1].detail
    assert app.intake_status("sms", "m-2").status == "accepted"


def test_messages_submitted_together_fail_alone(app: IntakeApplication) -> None:
    outcomes = app.submit_many([message("m-1"), unchecked("m-2"), message("m-3")])
    assert isinstance(outcomes[1], InvalidMessage)
    first, third = outcomes[0], outcomes[2]
    assert not isinstance(first, Exception) and not isinstance(third, Exception)
    assert (first[0].status, first[1], third[0].status) == ("accepted", True, "accepted")


def test_the_same_message_twice_in_one_group_is_recorded_once(app: IntakeApplication) -> None:
    first, again = app.submit_many([message("m-1"), message("m-1")])
    assert not isinstance(first, Exception) and not isinstance(again, Exception)
    assert (first[1], again[1]) == (True, False)
    assert first[0] == again[0]


def test_the_submission_queue_answers_each_caller_its_own_outcome(
    app: IntakeApplication,
) -> None:
    futures = [app.submissions.submit(message(f"m-{n}")) for n in range(5)]
    statuses = [f.result(timeout=30)[0] for f in futures]
    assert [s.message_id for s in statuses] == [f"m-{n}" for n in range(5)]
    assert len({s.tracking_id for s in statuses}) == 5
    app.submissions.close()


def test_a_nul_arriving_through_the_contract_is_normalised_and_the_report_accepted(
    app: IntakeApplication,
) -> None:
    clean = message("m-1", text=NUL_TEXT)
    assert "\x00" not in clean.text
    assert app.process_batch([clean], Tracking(f"{topics.INTAKE}:0", 1)) == []
    assert app.intake_status("sms", "m-1").status == "accepted"
