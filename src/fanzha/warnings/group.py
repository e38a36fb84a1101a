"""Group commit for single-warning POSTs: concurrent POSTs of one caller share one ``intake``,
one audit append and one commit (docs/warnings.md, "Single POSTs under load").

Why: a single POST costs about 9 ms of CPU, nearly all of it per transaction (a dozen statements:
the gazetteer's stamp, the units, the norms, the insert, the chain's lock, its last hash, the
audit insert, the commit), so one server process topped out near 100 single POSTs a second,
while in a batch of 100 a warning costs a fraction of a millisecond. Requests are grouped by the
credential they present (``accounts.deps.presented``), checked once a batch in its transaction:
checked per request, it cost more than the rest of a grouped POST. A request that finds no
batch in flight for its caller leads: it takes everything its caller has waiting (up to
``MAX_GROUP``) into one gated session, and commits; requests arriving meanwhile wait for their
answer, and the first of them leads the next batch. Each request gets the answer a POST of its
own would get (201 or 200 with its warning, its own 422 or 404, 401/403 for a refused
credential); a database failure fails the whole batch (503) and writes nothing.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

import anyio
from anyio.lowlevel import RunVar
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fanzha.accounts.deps import Credential, signed_in
from fanzha.core.db import TransactionOpener
from fanzha.core.errors import FanzhaError, FieldError, invalid
from fanzha.core.outage import OUTAGE_ERRORS, DatabaseUnavailable
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.warnings import service, views
from fanzha.warnings.intake import intake
from fanzha.warnings.schemas import WarningIn, WarningOut

MAX_GROUP = 200
# A request whose warning no batch has taken by then withdraws it (nothing written) and answers
# 503; one already in a batch waits for it (the database's own timeouts bound a batch).
WAIT_S = 30.0

Answer = tuple[int, WarningOut]  # status code, body


@dataclass(eq=False)
class _Waiter:
    item: WarningIn
    answer: "asyncio.Future[Answer | None]"  # None: lead the next batch


@dataclass(eq=False)
class _Line:
    """One caller's requests waiting for a batch, and whether a batch of theirs is in flight."""

    waiting: list[_Waiter] = field(default_factory=list)
    busy: bool = False


_lines: RunVar[dict[Credential, _Line]] = RunVar("fanzha_warning_lines")


def _line(caller: Credential) -> _Line:
    try:
        lines = _lines.get()
    except LookupError:
        lines = {}
        _lines.set(lines)
    return lines.setdefault(caller, _Line())


async def receive(open_transaction: TransactionOpener, caller: Credential, item: WarningIn) -> Answer:
    """Store one warning in a batch with whatever else ``caller`` is sending; its status and body."""
    line = _line(caller)
    me = _Waiter(item, asyncio.get_running_loop().create_future())
    if line.busy:
        line.waiting.append(me)
        answer = await _turn(caller, line, me)
        if answer is not None:
            return answer
        me.answer = asyncio.get_running_loop().create_future()  # handed the lead: answered below
    line.busy = True
    try:
        batch = [me, *line.waiting[: MAX_GROUP - 1]]
        del line.waiting[: MAX_GROUP - 1]
        with anyio.CancelScope(shield=True):  # every request of the batch gets its answer
            await _run(open_transaction, caller, batch)
    finally:
        _pass_lead(caller, line)
    return _settled(me)


async def _turn(caller: Credential, line: _Line, me: _Waiter) -> Answer | None:
    """Wait for the answer, or for the turn to lead (None)."""
    try:
        done, _ = await asyncio.wait({me.answer}, timeout=WAIT_S)
        if not done and me in line.waiting:  # no batch has taken it: nothing is written
            line.waiting.remove(me)
            raise DatabaseUnavailable()
        return await asyncio.shield(me.answer)
    except asyncio.CancelledError:  # the request is gone (client or shutdown)
        if me in line.waiting:
            line.waiting.remove(me)
        elif me.answer.done() and me.answer.exception() is None and me.answer.result() is None:
            _pass_lead(caller, line)  # it was handed the lead: hand it on
        raise


def _pass_lead(caller: Credential, line: _Line) -> None:
    if line.waiting:
        line.waiting.pop(0).answer.set_result(None)
    else:
        line.busy = False
        _lines.get().pop(caller, None)


def _settled(me: _Waiter) -> Answer:
    answer = me.answer.result()
    assert answer is not None
    return answer


async def _run(open_transaction: TransactionOpener, caller: Credential, batch: list[_Waiter]) -> None:
    try:
        await _store(open_transaction, caller, batch)
    except BaseException:
        # The leader was cancelled past the shield (a server's last shutdown step cancels every
        # task): nobody of its batch is left waiting. A warning committed after all is found by
        # its source and source_id when its sender sends it again.
        for w in batch:
            _settle(w, DatabaseUnavailable())
        raise


async def _store(open_transaction: TransactionOpener, caller: Credential, batch: list[_Waiter]) -> None:
    try:
        async with open_transaction() as session:
            answers = await run_in_threadpool(_answers, session, caller, [w.item for w in batch])
    except Exception as exc:
        if len(batch) > 1 and not isinstance(exc, (FanzhaError, *OUTAGE_ERRORS)):
            # Not the caller refused nor the database down but something unforeseen in one
            # item: each is stored on its own, so only that item's sender gets the error.
            for w in batch:
                await _store(open_transaction, caller, [w])
            return
        for w in batch:  # the caller refused (401/403), or the database failed: nothing written
            _settle(w, exc)
        return
    for w, answer in zip(batch, answers, strict=True):
        if isinstance(answer, FanzhaError):
            _settle(w, answer)
        elif not w.answer.done():
            w.answer.set_result(answer)


def _settle(w: _Waiter, exc: Exception) -> None:
    if not w.answer.done():
        w.answer.set_exception(exc)
        w.answer.exception()  # marks it retrieved: a request gone meanwhile leaves no log noise


def _answers(session: Session, caller: Credential, items: Sequence[WarningIn]) -> list[Answer | FanzhaError]:
    """The caller checked once, the batch's intake, and what each request would have been
    answered on its own. The warnings are read back in one query and their nodes in another:
    read one by one, they cost more than the intake itself."""
    actor = signed_in(session, caller, Perm.WARNINGS_INTAKE)
    results = intake(session, items, actor).items
    outs = views.readable_outs(session, actor, {r.id for r in results if r.id is not None})
    answers: list[Answer | FanzhaError] = []
    for result in results:
        if result.id is None:  # refused, e.g. a source the key was not issued for
            answers.append(invalid([FieldError(e["field"], e["message"]) for e in result.errors]))
        elif result.id in outs:
            answers.append((201 if result.status == "created" else 200, outs[result.id]))
        else:  # an existing warning outside the caller's subtree: get_warning's own refusal
            answers.append(_refusal(session, result.id, actor))
    return answers


def _refusal(session: Session, warning_id: int, actor: Principal) -> FanzhaError:
    try:
        service.get_warning(session, warning_id, actor)
    except FanzhaError as err:
        return err
    raise AssertionError(f"warning {warning_id} is readable but was not read back")
