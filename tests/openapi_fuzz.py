"""schemathesis over a service's OpenAPI: no 5xx, and every status it answers is documented.

Each operation gets `examples` generated cases (positive and negative, derandomized: the same
cases on every run), each sent as a caller drawn with the case (no token, or one role's token),
so the authenticated paths are exercised and not only their 401s. Known values (a real
tracking id, a body code) replace generated path parameters in about half the cases, to get past
the 404s.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import status_code_conformance
from starlette.types import ASGIApp, Receive, Scope, Send

TIMEOUT = 30  # seconds: a shared CI machine is slow, a hang still fails
CLOCK = "/v1/test/clock/advance"  # test mode only: excluded by the issue
# Only health checks about the speed of generating examples; never one that hides a failure.
SLOW_GENERATION = [HealthCheck.too_slow, HealthCheck.large_base_example, HealthCheck.data_too_large]


def examples(default: int) -> int:
    """Cases per operation: `default` in `make test`; `LAPOR_FUZZ_EXAMPLES` for a deeper run."""
    return int(os.environ.get("LAPOR_FUZZ_EXAMPLES", default))


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Findings:
    """Distinct failures (operation, caller, check, status) with one reproduction each."""

    found: dict[tuple[str, str, str], str] = field(default_factory=dict)
    calls: int = 0

    def add(self, label: str, caller: str, error: BaseException, repro: str) -> None:
        failures = error.exceptions if isinstance(error, FailureGroup) else (error,)
        for failure in failures:
            title = getattr(failure, "title", type(failure).__name__)
            message = str(getattr(failure, "message", failure)).replace("\n", " ")[:200]
            self.found.setdefault((label, caller, f"{title}: {message}"), repro)

    def report(self) -> str:
        lines = [f"{len(self.found)} distinct failures in {self.calls} calls:"]
        for (label, caller, what), repro in sorted(self.found.items()):
            lines.append(f"- {label} as {caller}: {what}\n    {repro[:400]}")
        return "\n".join(lines)


def fuzz(
    schema: Any,
    callers: Mapping[str, Mapping[str, str]],
    *,
    examples: int,
    known: Mapping[str, Sequence[str]] | None = None,
    base_url: str | None = None,
    may_be_unavailable: Sequence[str] = (),
) -> Findings:
    """Run every operation of the schema (but the test clock) and collect what fails.

    `may_be_unavailable`: paths whose documented 503 is the answer here (a readiness probe of
    an app whose lifespan is not started); only the 5xx check is waived for them.
    """
    findings = Findings()
    # One client for the whole run (a new one per call costs a thread and a connection).
    with asgi.get_client(schema.app) if schema.app else requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path == CLOCK:
                continue
            checks = [status_code_conformance]
            if operation.path not in may_be_unavailable:
                checks.append(not_a_server_error)
            run = Run(callers, examples, known or {}, base_url, session, checks)
            run.operation(operation, findings)
    return findings


@dataclass(frozen=True)
class Run:
    """How one schema is exercised: callers, cases per operation, known values, transport."""

    callers: Mapping[str, Mapping[str, str]]
    examples: int
    known: Mapping[str, Sequence[str]]
    base_url: str | None
    session: Any
    checks: list[Any]

    def operation(self, operation: Any, findings: Findings) -> None:
        """Every generated case of one operation, each as one of the callers."""
        _run(self, operation, findings)


def _run(plan: Run, operation: Any, findings: Findings) -> None:
    known, callers = plan.known, plan.callers

    @settings(
        max_examples=plan.examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=SLOW_GENERATION,
    )
    @given(case=operation.as_strategy(), data=st.data())
    def run(case: Any, data: st.DataObject) -> None:
        for name in list(case.path_parameters or {}):
            if known.get(name) and data.draw(st.booleans()):
                case.path_parameters[name] = data.draw(st.sampled_from(known[name]))
        caller = data.draw(st.sampled_from(sorted(callers)))
        headers = dict(callers[caller])
        findings.calls += 1
        try:
            case.call_and_validate(
                base_url=plan.base_url,
                session=plan.session,
                headers=headers,
                checks=plan.checks,
                timeout=TIMEOUT,
            )
        except (Failure, FailureGroup) as error:
            findings.add(operation.label, caller, error, case.as_curl_command(headers))
        except Exception as error:  # in process, an unhandled error is what a 500 would be
            findings.add(operation.label, caller, error, case.as_curl_command(headers))

    run()


def from_app(app: ASGIApp) -> Any:
    """The schema of an in-process ASGI app, whose lifespan (broker, database) is not started."""
    return schemathesis.openapi.from_asgi("/openapi.json", WithoutLifespan(app))


class WithoutLifespan:
    """An ASGI app that acknowledges lifespan events without running the app's own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while (await receive())["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
