"""The dissuasion workflow as a table: a move not listed here is refused, whoever asks."""

from fanzha.core.errors import Conflict
from fanzha.core.labels import LabelledEnum


class State(LabelledEnum):
    HELD = "held", "待审核"  # a citizen's report with nothing to act on, held in the centre's review queue
    RECEIVED = "received", "待分流"  # waiting in the centre's manual-routing queue
    ROUTED = "routed", "待认领"  # placed in a unit's queue, nobody holds it
    ASSIGNED = "assigned", "已认领"  # claimed by one person
    IN_PROGRESS = "in_progress", "处置中"  # the holder has recorded a contact attempt or note
    CLOSED = "closed", "已办结"  # has an outcome


class Move(LabelledEnum):
    ROUTE = "route", "分流"
    CLAIM = "claim", "认领"
    RELEASE = "release", "退回队列"
    ACT = "act", "记录处置"
    CLOSE = "close", "办结"
    REOPEN = "reopen", "重新打开"
    ADMIT = "admit", "审核放行"
    DISMISS = "dismiss", "标记无效"


S = State
TRANSITIONS: dict[tuple[State, Move], State] = {
    (S.RECEIVED, Move.ROUTE): S.ROUTED,
    (S.ROUTED, Move.ROUTE): S.ROUTED,
    (S.ASSIGNED, Move.ROUTE): S.ROUTED,
    (S.ROUTED, Move.CLAIM): S.ASSIGNED,
    (S.ASSIGNED, Move.RELEASE): S.ROUTED,
    (S.ASSIGNED, Move.ACT): S.IN_PROGRESS,
    (S.IN_PROGRESS, Move.ACT): S.IN_PROGRESS,
    (S.ASSIGNED, Move.CLOSE): S.CLOSED,
    (S.IN_PROGRESS, Move.CLOSE): S.CLOSED,
    (S.CLOSED, Move.REOPEN): S.ROUTED,
    (S.HELD, Move.ADMIT): S.RECEIVED,
    # An invalid or duplicate warning is closed as 无效预警 in one step, from any open state.
    (S.HELD, Move.DISMISS): S.CLOSED,
    (S.RECEIVED, Move.DISMISS): S.CLOSED,
    (S.ROUTED, Move.DISMISS): S.CLOSED,
    (S.ASSIGNED, Move.DISMISS): S.CLOSED,
    (S.IN_PROGRESS, Move.DISMISS): S.CLOSED,
}

OPEN_STATES = (S.RECEIVED.value, S.ROUTED.value, S.ASSIGNED.value, S.IN_PROGRESS.value)


def allowed_moves(current: str) -> set[Move]:
    """The moves the table allows from ``current``: what a page may offer."""
    state = State(current)
    return {m for (s, m) in TRANSITIONS if s == state}


def next_state(current: str, move: Move) -> State:
    """The state after ``move``, or a Conflict naming the current state and the refused move."""
    state = State(current)
    target = TRANSITIONS.get((state, move))
    if target is None:
        allowed = "、".join(m.label for (s, m) in TRANSITIONS if s == state) or "无"
        raise Conflict(f"预警当前状态为“{state.label}”，不能执行“{move.label}”（可执行：{allowed}）")
    return target
