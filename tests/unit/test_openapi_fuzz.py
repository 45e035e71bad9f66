"""schemathesis through the real `build_app` of every service and edge, in process.

No 5xx and no undocumented status for generated (valid and invalid) requests, as every caller.
The real-stack run is tests/e2e/test_openapi_fuzz.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.adapters.email.app import create_app as email_adapter
from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.open311.app import build as open311
from services.faces.web.app import build as web
from shared.auth import ROLES, TokenStore, digest
from shared.runtime import build_app
from tests.openapi_fuzz import bearer, examples, from_app, fuzz
from tests.services_in_memory import close_all, in_memory_services
from tests.unit.faces.conftest import ADAPTER, ANALYST, FakeServices, report
from tests.unit.faces.public_fake import PublicTracking
from tests.unit.faces.test_web import STATS

EXAMPLES = examples(25)
TOKENS = {role: f"{role}-token" for role in (*ROLES, "skpd:PDAM")}
TOKENS["adapter"], TOKENS["analyst"] = ADAPTER, ANALYST
CALLERS = {"anonymous": {}, **{role: bearer(token) for role, token in TOKENS.items()}}
DIGESTS = {digest(token): role for role, token in TOKENS.items()}
SERVICES = ("intake", "routing", "tracking", "notification")
KNOWN = {"code": ["PDAM", "DISPERKIM"], "name": ["cases"], "channel": ["web"]}


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    specs = in_memory_services(tmp_path_factory.mktemp("fuzz"), DIGESTS)
    yield specs
    close_all(specs)


@pytest.mark.parametrize("name", SERVICES)
def test_a_service_answers_no_5xx_and_only_documented_statuses(
    name: str, services: dict[str, Any]
) -> None:
    schema = from_app(build_app(services[name]))
    found = fuzz(
        schema, CALLERS, examples=EXAMPLES, known=KNOWN, may_be_unavailable=["/health/ready"]
    )
    assert not found.found, found.report()


EDGE = EdgeSettings(
    web_adapter_token=ADAPTER, web_analyst_token=ANALYST, open311_adapter_token=ADAPTER
)


def _backends() -> Backends:
    fake: FakeServices = PublicTracking(cases=[report("LPR-2026-000001")], stats=STATS)
    return Backends(EDGE, transport=httpx.MockTransport(fake.handle))


def test_open311_answers_no_5xx_and_only_documented_statuses() -> None:
    schema = from_app(open311(EDGE, _backends()))
    known = {
        "fmt": ["json", "xml"],
        "service_request_id": ["LPR-2026-000001"],
        "code": ["air-minum"],
    }
    found = fuzz(schema, CALLERS, examples=EXAMPLES, known=known)
    assert not found.found, found.report()


def test_web_answers_no_5xx_and_only_documented_statuses() -> None:
    app = web(EDGE, _backends(), TokenStore(DIGESTS))
    found = fuzz(
        from_app(app), CALLERS, examples=EXAMPLES, known={"tracking_id": ["LPR-2026-000001"]}
    )
    assert not found.found, found.report()


def test_email_adapter_answers_no_5xx_and_only_documented_statuses(tmp_path: Path) -> None:
    found = fuzz(
        from_app(email_adapter()), CALLERS, examples=EXAMPLES, may_be_unavailable=["/health/ready"]
    )
    assert not found.found, found.report()
