"""Every message template says its three parts in Bahasa Indonesia with the tracking id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from notification.adapters.jinja_renderer import JinjaRenderer, tanggal
from notification.application.composer import TEMPLATES, message_context
from shared import contracts

TOLD = {
    "CaseOpened": {},
    "CaseHeld": {"reason": "flood"},
    "CaseArchived": {"reason": "spam"},
    "CaseLinkedAsDuplicate": {"duplicate_of_tracking_id": "LPR-AB12CD34"},
    "CaseDisposed": {"skpd_name": "PDAM Bandarmasih"},
    "FollowUpPosted": {"skpd_name": "PDAM Bandarmasih", "text": "Pipa sudah diganti."},
    "CaseResolved": {"skpd_name": "PDAM Bandarmasih", "text": "Air sudah mengalir."},
    "CaseClosed": {"reason": "no-reply"},
}


def test_every_template_file_is_used_and_every_used_template_exists() -> None:
    assert sorted(JinjaRenderer().template_names()) == sorted(TEMPLATES.values())


@pytest.mark.parametrize("event_type", sorted(TOLD))
def test_every_part_names_the_tracking_id(make_case: Callable[..., Any], event_type: str) -> None:
    event = make_case(getattr(contracts, event_type), **TOLD[event_type])
    rendered = JinjaRenderer().render(TEMPLATES[event_type], message_context(event))
    assert all("LPR-7K3QX9MD" in part for part in vars(rendered).values())


def test_a_known_reason_is_said_in_bahasa_indonesia(make_case: Callable[..., Any]) -> None:
    event = make_case(contracts.CaseArchived, reason="spam")
    rendered = JinjaRenderer().render("case_archived", message_context(event))
    assert "Alasan: pesan berisi promosi atau spam." in rendered.body


def test_an_unknown_reason_is_shown_as_given(make_case: Callable[..., Any]) -> None:
    event = make_case(contracts.CaseHeld, reason="kata kasar: perlu ditinjau petugas.")
    rendered = JinjaRenderer().render("case_held", message_context(event))
    assert "Alasan: kata kasar: perlu ditinjau petugas.\n" in rendered.body


def test_a_deadline_is_written_as_a_wita_date() -> None:
    assert tanggal(datetime(2026, 12, 4, 16, 30, tzinfo=UTC)) == "5 Desember 2026"


def test_a_body_without_a_name_is_called_the_relevant_agency(
    make_case: Callable[..., Any],
) -> None:
    event = make_case(contracts.CaseDisposed)
    assert message_context(event)["skpd"] == "instansi terkait"
