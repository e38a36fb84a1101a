"""Accounts a trace reaches, fed to the series index (串并案) through the clues service: two
cases whose money reaches the same account fall in one series. Kept apart from ``funds.service``,
which the clues service reads (fund requests for the index)."""

from sqlalchemy.orm import Session

from fanzha.clues import service as clues
from fanzha.core.principal import Principal
from fanzha.funds.trace import TraceResult


def feed_series(session: Session, case_id: int, result: TraceResult, actor: Principal) -> int:
    """The downstream accounts of a trace run for a case (every account past the start that the
    victim's money reached), as the case's traced accounts in the series index; how many."""
    reached = [a.account for a in result.accounts if a.hop > 0 and a.received > 0]
    if reached:
        clues.index_traced_accounts(session, actor, case_id, reached)
    return len(reached)
