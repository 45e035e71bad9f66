"""The Disposition aggregate's own rules, without an application around it."""

from __future__ import annotations

from uuid import uuid4

import pytest
from routing_helpers import START

from routing.domain.disposition import Disposition
from routing.domain.errors import NotDisposedTo

ROUTABLE = {"PDAM", "PDPAL", "DLH", "DPUPR"}
CANDIDATES = [{"code": "PDAM", "score": 0.6}, {"code": "DLH", "score": 0.3}]


def disposed_to_pdam() -> Disposition:
    content = {"title": "", "text": "air mati", "kind": "pengaduan", "channel": "sms",
               "location": {}, "anonim": False, "rahasia": False}  # fmt: skip
    disposition = Disposition(
        id=uuid4(), report_id=uuid4(), tracking_id="LPR-00000001", content=content
    )
    disposition.dispose(
        "PDAM", "PDAM", method="rule", confidence=0.8, reason="", at=START, candidates=CANDIDATES
    )
    return disposition


def test_first_disposition_is_a_disposed_event() -> None:
    disposition = disposed_to_pdam()
    assert type(disposition.collect_events()[-1]) is Disposition.Disposed


def test_disposition_after_a_return_is_a_redisposition_from_the_refuser() -> None:
    disposition = disposed_to_pdam()
    disposition.record_return("PDAM", "bukan wewenang", None, "m-1", START)
    disposition.dispose("DLH", "DLH", method="rule", reason="", at=START)
    last = disposition.collect_events()[-1]
    assert isinstance(last, Disposition.Redisposed)
    assert (last.from_code, last.skpd_code) == ("PDAM", "DLH")


def test_only_the_body_holding_the_report_may_return_it() -> None:
    with pytest.raises(NotDisposedTo):
        disposed_to_pdam().record_return("DLH", "bukan wewenang", None, "m-1", START)


def test_next_body_is_the_suggestion_when_it_may_take_it() -> None:
    disposition = disposed_to_pdam()
    disposition.record_return("PDAM", "bukan wewenang", "PDPAL", "m-1", START)
    assert disposition.next_body("PDPAL", ROUTABLE) == "PDPAL"


def test_next_body_ignores_an_unknown_suggestion_and_takes_the_next_candidate() -> None:
    disposition = disposed_to_pdam()
    disposition.record_return("PDAM", "bukan wewenang", "ENTAH", "m-1", START)
    assert disposition.next_body("ENTAH", ROUTABLE) == "DLH"


def test_next_body_is_none_when_every_candidate_refused() -> None:
    disposition = disposed_to_pdam()
    disposition.record_return("PDAM", "bukan wewenang", None, "m-1", START)
    disposition.dispose("DLH", "DLH", method="rule", reason="", at=START)
    disposition.record_return("DLH", "bukan wewenang", "PDAM", "m-2", START)
    assert disposition.next_body("PDAM", ROUTABLE) is None
    assert disposition.rejected_by == ["PDAM", "DLH"]
