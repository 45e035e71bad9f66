"""schemathesis against the real stack: the four services as processes on Kafka and PostgreSQL.

No 5xx and no undocumented status, as every caller. Known values are the module's own report
(its tracking id and body), so the admin's and the body's moves reach a real case without
touching another test's reports; the test clock and projection names are never known values.
The edges (Open311, web) run in process against the same services.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from services.faces.common.settings import EdgeSettings
from services.faces.open311.app import build as open311
from services.faces.web.app import build as web
from shared.auth import TokenStore, digest
from tests.e2e.conftest import SERVICES, System
from tests.e2e.test_report_path import intake_message, public_status, submit
from tests.openapi_fuzz import bearer, examples, from_app, fuzz

pytestmark = pytest.mark.e2e

EXAMPLES = examples(15)
BODY = "PDAM"
ROLES = ("adapter", "admin", "analyst", "notification", f"skpd:{BODY}")


@pytest.fixture(scope="module")
def known(system: System) -> dict[str, list[str]]:
    """This module's own report, disposed to its body, as the values path parameters may take."""
    message = intake_message("Air PDAM keruh dan berbau di Jl. Pramuka 12", "+6281255507702")
    tracking_id = submit(system, message)
    public_status(system, tracking_id, BODY)
    return {
        "tracking_id": [tracking_id],
        "service_request_id": [tracking_id],
        "code": [BODY],
        "channel": ["sms"],
        "message_id": [message.message_id],
        "fmt": ["json", "xml"],
    }


def _callers(system: System) -> dict[str, dict[str, str]]:
    return {"anonymous": {}, **{role: bearer(system.tokens[role]) for role in ROLES}}


@pytest.mark.parametrize("name", SERVICES)
def test_a_running_service_answers_no_5xx_and_only_documented_statuses(
    name: str, system: System, known: dict[str, list[str]]
) -> None:
    schema = schemathesis.openapi.from_url(f"{system.url(name)}/openapi.json")
    found = fuzz(
        schema, _callers(system), examples=EXAMPLES, known=known, base_url=system.url(name)
    )
    assert not found.found, found.report() + system.log_tail(name)


@pytest.mark.parametrize("face", ["open311", "web"])
def test_an_edge_on_the_running_services_answers_no_5xx_and_only_documented_statuses(
    face: str, system: System, known: dict[str, list[str]]
) -> None:
    settings = EdgeSettings(
        **{f"{n}_url": system.url(n) for n in ("intake", "routing", "tracking")},
        web_adapter_token=system.tokens["adapter"],
        web_analyst_token=system.tokens["analyst"],
        open311_adapter_token=system.tokens["adapter"],
    )
    app: Any = open311(settings)
    if face == "web":
        app = web(settings, tokens=TokenStore({digest(t): r for r, t in system.tokens.items()}))
    found = fuzz(from_app(app), _callers(system), examples=EXAMPLES, known=known)
    assert not found.found, found.report()
