"""Fuzz every operation of /openapi.json with schemathesis: generated path parameters,
queries, headers and bodies, valid by the schema and deliberately invalid (and now and
then nested absurdly deep), sent over real HTTP to the real app (uvicorn on loopback)
backed by the session's database and the real Temporal dev server (so 503
temporal_unavailable is no excuse).

No answer may be a 5xx, and every non-2xx JSON answer is the error envelope. Half the
cases name real rows of the caller's workspace in their path, so the handlers behind the
404s are reached too. The budget is fixed (examples per operation and mode, derandomized:
the same cases every run)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from temporalio.testing import WorkflowEnvironment

import api.routes.erasure as erasure_routes
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from tests.api.conftest import make_resources, new_tenant
from tests.conftest import settings_for
from tests.helpers import free_port

# Per operation and generation mode; OUTREACH_FUZZ_EXAMPLES=200 for a long hunt.
EXAMPLES = int(os.environ.get("OUTREACH_FUZZ_EXAMPLES", "10"))

# POST /inbound takes raw bytes (message/rfc822): send the generated binary as it is.
schemathesis.serializer.alias("message/rfc822", "application/octet-stream")
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


# Now and then a JSON body gets one value nested this deep (the schema says nothing about
# depth; deep nesting once answered 500). json.dumps itself stops near 1,000.
DEEP = st.one_of(st.none(), st.none(), st.integers(min_value=10, max_value=900))


def deepen(body: object, depth: int) -> object:
    inner: object = "x"
    for _ in range(depth):
        inner = [inner]
    if isinstance(body, dict) and body:
        return {**body, next(iter(body)): inner}
    return {"name": inner}


@dataclass
class Target:
    base: str
    headers: dict[str, str]
    ids: dict[str, str]


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread: leave the test's handlers
        pass


@pytest.fixture(scope="module")
def served(settings: Settings, dev_env: WorkflowEnvironment) -> Iterator[str]:
    """The app in uvicorn, in a thread with its own event loop (its database engine and
    Temporal client live there), on the real Temporal dev server (the time-skipping one has
    no schedules, which mailboxes need). A task queue of its own: the workflows started
    here are never run."""
    target = dev_env.client.service_client.config.target_host
    app_settings = settings_for(settings, temporal_address=target)
    port = free_port()
    server = _Server(
        uvicorn.Config(
            create_app(app_settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    with pytest.MonkeyPatch.context() as patch:
        # No worker runs here: an erasure would wait its full time for an answer (202).
        patch.setattr(erasure_routes, "ERASE_WAIT", 0.2)
        yield base
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
async def target(served: str, db: Database) -> Target:
    tenant = await new_tenant(db)
    res = await make_resources(db, tenant.id)
    ids = {
        "campaign_id": res.campaign.id,
        "lead_id": res.lead.id,
        "send_id": res.send.id,
        "reply_id": res.reply.id,
        "touch_id": res.touch.id,
        "webhook_id": res.endpoint.id,
        "delivery_id": res.delivery.id,
        "mailbox_id": res.mailbox.id,
    }
    return Target(served, tenant.headers, ids)


def modes_for(operation: schemathesis.APIOperation) -> tuple[schemathesis.GenerationMode, ...]:
    """Invalid input only where there is something to make invalid beyond a free-form path
    string (schemathesis spends a second failing to negate one)."""
    raw = operation.definition.raw
    has_query = any(p.get("in") == "query" for p in raw.get("parameters", []))
    return MODES if "requestBody" in raw or has_query else MODES[:1]


@dataclass
class Findings:
    cases: int = 0
    in_calls: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def record(self, case: schemathesis.Case, response: schemathesis.Response) -> None:
        self.cases += 1
        status = response.status_code
        self.statuses[status] = self.statuses.get(status, 0) + 1
        where = f"{case.method} {case.formatted_path}"
        if status >= 500:
            self.failures.append(f"{where} -> {status}: {response.content[:300]!r}")
            return
        kind = response.headers.get("content-type", [""])[0]
        if status >= 400 and kind.startswith("application/json"):
            try:
                body = response.json()
            except ValueError:
                body = None
            if not (isinstance(body, dict) and {"error", "code"} <= set(body)):
                self.failures.append(f"{where} -> {status} outside the envelope: {body!r:.300}")


def test_no_operation_answers_5xx_to_generated_input(target: Target) -> None:
    schema = schemathesis.openapi.from_url(f"{target.base}/openapi.json")
    schema.config.generation.update(with_security_parameters=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30, len(operations)
    findings = Findings()
    started = time.monotonic()
    for operation in sorted(operations, key=lambda op: (op.path, op.method)):
        for mode in modes_for(operation):
            strategy = operation.as_strategy(generation_mode=mode)

            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[hypothesis.Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy, real=st.booleans(), deep=DEEP)
            def run(case: schemathesis.Case, real: bool, deep: int | None) -> None:
                if real and case.path_parameters:
                    for name in case.path_parameters:
                        if name in target.ids:
                            case.path_parameters[name] = target.ids[name]
                if deep and case.media_type == "application/json":
                    case.body = deepen(case.body, deep)
                sent = time.monotonic()
                response = case.call(base_url=target.base, headers=target.headers, timeout=30)
                findings.in_calls += time.monotonic() - sent
                findings.record(case, response)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # Nothing in this operation can be made invalid (no parameters, no body).
                assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
    elapsed = time.monotonic() - started
    statuses = sorted(findings.statuses.items())
    print(
        f"fuzz: {findings.cases} cases in {elapsed:.1f}s ({findings.in_calls:.1f}s in calls), "
        f"statuses {statuses}"
    )
    assert findings.cases >= len(operations) * 2
    assert not findings.failures, "\n".join(findings.failures[:20])
