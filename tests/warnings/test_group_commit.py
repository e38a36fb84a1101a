"""Concurrent single POSTs of one caller are stored in one batch and one commit (warnings.group),
and each request still gets the answer it would get alone.

In process, requests started together on one event loop form batches deterministically: the
first leads a batch of itself, the others all wait and form the second. Through a real server
(SQLite or PostgreSQL, as the suite runs) the batches depend on timing, so the server test
counts them (one ``received_at`` per intake) and asks only for fewer than requests.
"""

import asyncio
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.deps import Credential
from fanzha.accounts.schemas import ApiKeyIn
from fanzha.audit.models import AuditEntry
from fanzha.core import db
from fanzha.core.errors import Forbidden, NotAuthenticated, NotFound, ValidationFailed
from fanzha.core.outage import DatabaseUnavailable
from fanzha.core.principal import Principal
from fanzha.warnings import group
from fanzha.warnings.intake import intake
from fanzha.warnings.models import EarlyWarning
from fanzha.warnings.schemas import WarningIn
from tests.factories import World
from tests.server import free_port, start_server, world_database
from tests.warnings.factories import FEED, add_gazetteer, item

N = 40


def _post_together(
    session: Session, caller: Credential, items: list[dict[str, Any]]
) -> tuple[list[Any], int]:
    """Starts one ``group.receive`` per item at once on one event loop, each in ``session``'s
    transaction; returns each answer (or its exception) and how many transactions were opened."""
    opened = 0

    @asynccontextmanager
    async def transaction() -> AsyncIterator[Session]:
        nonlocal opened
        opened += 1
        yield session
        session.flush()

    answers: list[Any] = [None] * len(items)

    async def one(k: int) -> None:
        try:
            answers[k] = await group.receive(transaction, caller, WarningIn.model_validate(items[k]))
        except Exception as exc:
            answers[k] = exc

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for k in range(len(items)):
                tg.start_soon(one, k)

    anyio.run(main)
    return answers, opened


def _key(world: World, name: str) -> Credential:
    return Credential(api_key=world.keys[name])


def test_requests_arriving_together_share_a_batch(session: Session, world: World) -> None:
    items = [item(source_id=f"G-{k}") for k in range(N)]
    answers, opened = _post_together(session, _key(world, "feed"), items)
    assert opened == 2  # the first request alone, then everything that waited for it
    assert [status for status, _ in answers] == [201] * N
    assert [out.source_id for _, out in answers] == [i["source_id"] for i in items]
    ids = [out.id for _, out in answers]
    assert len(set(ids)) == N
    stored = session.scalars(select(EarlyWarning.received_at).where(EarlyWarning.id.in_(ids))).all()
    assert len(stored) == N and len(set(stored)) == 2  # one intake per batch


def test_the_same_instruction_twice_in_a_batch_is_created_once(session: Session, world: World) -> None:
    first, again = item(source_id="DUP-1"), item(source_id="DUP-1")
    answers, opened = _post_together(session, _key(world, "feed"), [item(source_id="LEAD"), first, again])
    assert opened == 2
    (s1, o1), (s2, o2) = answers[1:]
    assert (s1, s2) == (201, 200)
    assert o1.id == o2.id


def test_a_bad_item_among_good_ones_fails_alone(session: Session, world: World) -> None:
    key = ApiKeyIn(
        name="bank-feed", unit_id=world.units["centre"].id, scopes=["warnings.intake"], sources=["bank"]
    )
    bank_feed = Credential(api_key=accounts.create_api_key(session, key, FEED)[1])
    items = [item(source="bank", source_id=f"B-{k}") for k in range(6)]
    items[3] = item(source="ministry", source_id="M-3")
    answers, opened = _post_together(session, bank_feed, items)
    assert opened == 2
    bad = answers.pop(3)
    assert isinstance(bad, ValidationFailed)
    assert [(f.field, f.message) for f in bad.fields] == [("source", "此密钥只能提交以下来源的预警：银行")]
    assert [status for status, _ in answers] == [201] * 5


def test_a_known_instruction_outside_the_callers_subtree_is_refused_alone(
    session: Session, world: World
) -> None:
    add_gazetteer(session, world)
    _post_together(
        session, _key(world, "feed"), [item(source_id="KNOWN", victim_address="外地")]
    )  # the city's
    station_b = _key(world, "station-b-feed")
    inside = item(source_id="B-NEW", victim_address="测试市东区翠苑社区5号")
    answers, opened = _post_together(session, station_b, [inside, item(source_id="KNOWN"), inside])
    assert opened == 2
    assert answers[0][0] == 201 and answers[2][0] == 200 and answers[0][1].id == answers[2][1].id
    assert isinstance(answers[1], NotFound)


def test_a_caller_refused_is_refused_for_every_request_of_its_batch(session: Session, world: World) -> None:
    items = [item(source_id=f"R-{k}") for k in range(3)]
    unknown, _ = _post_together(session, Credential(api_key="not-a-key"), items)
    assert all(isinstance(a, NotAuthenticated) for a in unknown), unknown
    screening, _ = _post_together(session, _key(world, "screening"), items)  # no warnings.intake scope
    assert all(isinstance(a, Forbidden) for a in screening), screening
    assert not session.scalars(select(EarlyWarning.id).where(EarlyWarning.source_id.like("R-%"))).all()


def test_a_database_failure_fails_every_request_of_the_batch(tmp_path: Path) -> None:
    # A real database that cannot be opened (a file in a folder that does not exist).
    broken = create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    with Session(broken) as session:
        answers, _ = _post_together(session, Credential(api_key="any"), [item() for _ in range(5)])
    assert all(isinstance(a, OperationalError) for a in answers), answers


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """A real server on its own committed database; yields (base URL, intake key, database URL)."""
    with world_database(tmp_path, "group") as (url, key):
        port = free_port()
        proc = start_server(url, port, tmp_path / "server.log")
        try:
            yield f"http://127.0.0.1:{port}", key, url
        finally:
            proc.kill()
            proc.wait()


def test_a_burst_through_a_real_server_takes_fewer_commits_than_requests(
    served: tuple[str, str, str],
) -> None:
    base, key, url = served
    gate = threading.Barrier(N)

    def post(k: int) -> httpx.Response:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
            gate.wait()
            return c.post("/api/v1/warnings", json=item(source_id=f"S-{k}"))

    with ThreadPoolExecutor(N) as pool:
        responses = list(pool.map(post, range(N)))
    assert [r.status_code for r in responses] == [201] * N, [
        r.text for r in responses if r.status_code != 201
    ]
    assert [r.json()["source_id"] for r in responses] == [f"S-{k}" for k in range(N)]
    engine = db.make_engine(url)
    try:
        with Session(engine) as s:
            received = s.scalars(
                select(EarlyWarning.received_at).where(EarlyWarning.source_id.like("S-%"))
            ).all()
            entries = s.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "warnings.intake")
            )
    finally:
        engine.dispose()
    assert len(received) == N and entries == N
    assert len(set(received)) < N  # intakes (= commits): without grouping, one per request
    cmd = [sys.executable, "-m", "fanzha", "-d", url, "audit", "verify"]
    assert subprocess.run(cmd, capture_output=True, timeout=120).returncode == 0


def test_an_unforeseen_error_in_one_item_fails_only_its_request(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A defect no validator caught (simulated: intake raising for one item) costs its own
    request, not the batch-mates that arrived with it."""

    def intake_with_a_defect(session: Session, items: Any, actor: Principal) -> Any:
        if any(i.source_id == "G-POISON" for i in items):
            raise RuntimeError("unforeseen")
        return intake(session, items, actor)

    monkeypatch.setattr(group, "intake", intake_with_a_defect)
    items = [item(source_id=k) for k in ("G-FIRST", "G-A", "G-POISON", "G-B")]
    answers, opened = _post_together(session, _key(world, "feed"), items)
    assert [a[0] for a in answers if not isinstance(a, Exception)] == [201, 201, 201]
    assert isinstance(answers[2], RuntimeError)
    assert opened == 5  # G-FIRST alone, the batch of three that failed, then each of the three alone
    stored = session.scalars(select(EarlyWarning.source_id).where(EarlyWarning.source_id.like("G-%")))
    assert sorted(stored) == ["G-A", "G-B", "G-FIRST"]


def test_a_batch_whose_leader_is_cancelled_leaves_nobody_waiting(session: Session, world: World) -> None:
    """uvicorn's last shutdown step cancels every task, past the batch's shield: the requests that
    shared the cancelled leader's batch are answered 503 at once (their sender resends; intake is
    idempotent) instead of waiting for an answer that never comes."""
    opened: list[int] = []
    second_batch_open = asyncio.Event()

    @asynccontextmanager
    async def transaction() -> AsyncIterator[Session]:
        opened.append(len(opened))
        if len(opened) == 2:  # the batch of the two that waited: stuck, e.g. on the chain's lock
            second_batch_open.set()
            await asyncio.sleep(30)
        yield session
        session.flush()

    async def main() -> Any:
        caller = _key(world, "feed")

        def send() -> asyncio.Task[Any]:
            return asyncio.create_task(group.receive(transaction, caller, WarningIn.model_validate(item())))

        first = send()
        await asyncio.sleep(0)  # the first leads a batch of its own
        leader, mate = send(), send()  # these two wait, then share the next batch
        assert (await first)[0] == 201
        await second_batch_open.wait()
        leader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leader
        return await asyncio.wait_for(asyncio.gather(mate, return_exceptions=True), 5)

    (answer,) = asyncio.run(main())
    assert isinstance(answer, DatabaseUnavailable) and answer.status == 503
