"""The replicas' lease on the real stores: one holder; a dead holder's lease is free at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from shared.db import ensure_database
from shared.leadership import Lease, PostgresLease, lease_for
from shared.settings import CommonSettings
from tests.plumbing_app import NoteTaker

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TAKEOVER_SECONDS = 10.0  # a standby tries every 2 s; the store frees a dead holder's lease at once

HOLDER = """
import json, sys
from shared.leadership import lease_for
from tests.plumbing_app import NoteTaker
lease = lease_for(NoteTaker(env=json.loads(sys.argv[1])), "svc-leader")
assert lease.acquire()
print("held", flush=True)
sys.stdin.read()
"""


def _standby_takes_over(lease: Lease) -> float:
    started = time.monotonic()
    while not lease.acquire():
        assert time.monotonic() - started < TAKEOVER_SECONDS, "the lease stayed taken"
        time.sleep(0.1)
    return time.monotonic() - started


def test_a_replica_killed_while_leading_frees_the_lease_for_the_standby(
    store_env: dict[str, str],
) -> None:
    standby = lease_for(NoteTaker(env=store_env), "svc-leader")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, json.dumps(store_env)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        assert not standby.acquire()
        holder.kill()
        holder.wait(10)
        _standby_takes_over(standby)
        assert standby.held()
    finally:
        holder.kill()
        standby.release()


def test_two_services_on_one_server_lead_independently(store_env: dict[str, str]) -> None:
    app = NoteTaker(env=store_env)
    intake, routing = lease_for(app, "intake-leader"), lease_for(app, "routing-leader")
    try:
        assert intake.acquire() and routing.acquire()
    finally:
        intake.release()
        routing.release()


@pytest.fixture
def pg_env(postgres_url: str) -> dict[str, str]:
    """A fresh service database on the session's PostgreSQL."""
    common = CommonSettings(database_url=postgres_url)
    service = f"t{uuid.uuid4().hex[:10]}"
    ensure_database(postgres_url, common.database_name(service))
    return common.eventsourcing_env(service)


def test_a_leader_whose_session_is_cut_knows_it_lost_and_the_standby_leads(
    pg_env: dict[str, str],
) -> None:
    store_env = pg_env
    app = NoteTaker(env=store_env)
    leader, standby = lease_for(app, "svc-leader"), lease_for(app, "svc-leader")
    assert isinstance(leader, PostgresLease)
    try:
        assert leader.acquire() and not standby.acquire()
        _cut_the_session_holding(store_env, leader.key)
        assert not leader.held()
        _standby_takes_over(standby)
        assert not leader.acquire()
    finally:
        leader.release()
        standby.release()


def _cut_the_session_holding(env: dict[str, str], key: int) -> None:
    """What a network failure or an operator's pg_terminate_backend does to the leader."""
    conninfo = psycopg.conninfo.make_conninfo(
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        dbname=env["POSTGRES_DBNAME"],
    )
    classid, objid = (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF
    with psycopg.connect(conninfo, autocommit=True) as conn:
        cut = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks "
            "WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted",
            (classid, objid),
        ).fetchall()
    assert cut == [(True,)]
