"""The dissuasion workflow as a table: a move not listed here is refused, whoever asks."""

from enum import StrEnum

from fanzha.core.errors import Conflict


class State(StrEnum):
    RECEIVED = "received"  # waiting in the centre's manual-routing queue
    ROUTED = "routed"  # placed in a unit's queue, nobody holds it
    ASSIGNED = "assigned"  # claimed by one person
    IN_PROGRESS = "in_progress"  # the holder has recorded a contact attempt or note
    CLOSED = "closed"  # has an outcome

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.RECEIVED: "待分流",
    State.ROUTED: "待认领",
    State.ASSIGNED: "已认领",
    State.IN_PROGRESS: "处置中",
    State.CLOSED: "已办结",
}


class Move(StrEnum):
    ROUTE = "route"
    CLAIM = "claim"
    RELEASE = "release"
    ACT = "act"
    CLOSE = "close"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return MOVE_LABELS[self]


MOVE_LABELS = {
    Move.ROUTE: "分流",
    Move.CLAIM: "认领",
    Move.RELEASE: "退回队列",
    Move.ACT: "记录处置",
    Move.CLOSE: "办结",
    Move.REOPEN: "重新打开",
}

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
}

OPEN_STATES = (S.RECEIVED.value, S.ROUTED.value, S.ASSIGNED.value, S.IN_PROGRESS.value)


def next_state(current: str, move: Move) -> State:
    """The state after ``move``, or a Conflict naming the current state and the refused move."""
    state = State(current)
    target = TRANSITIONS.get((state, move))
    if target is None:
        allowed = "、".join(m.label for (s, m) in TRANSITIONS if s == state) or "无"
        raise Conflict(f"预警当前状态为“{state.label}”，不能执行“{move.label}”（可执行：{allowed}）")
    return target
