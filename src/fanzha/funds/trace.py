"""Fund-flow tracing (资金查控): where did the victim's money go, and how much can still be there.

Two passes over the index. Discovery walks forward from the victim's account: only transfers
after the money arrived, inside the time window, of at least the minimum amount, up to
``max_hops``. Attribution then replays, in time order, every transfer into or out of the
accounts found, keeping per account how much of its money is the victim's:

* ``fifo``: an account pays out its oldest money first (the victim's part of a transfer is
  kept apart from the rest, so amounts stay exact to the cent);
* ``proportional``: every payment carries the victim's share of the balance at that moment
  (rounded down to the cent).

Money that was in an account before the trace starts is unknown here and is treated as
spent last (so the victim's money is never under-counted downstream). Wherever a bound cuts
the search the account carries an explicit truncation mark with the amount that was cut.
"""

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from fanzha.core.errors import ValidationFailed
from fanzha.funds.graph import GraphIndex

Rule = Literal["fifo", "proportional"]
Reason = Literal["hops", "time", "min_amount"]
REASON_LABELS = {"hops": "超出跳数上限", "time": "超出时间窗口", "min_amount": "低于最小金额"}


@dataclass(frozen=True)
class TraceParams:
    account: str
    since: datetime
    rule: Rule = "fifo"
    max_hops: int = 4
    window_s: int = 72 * 3600
    min_cents: int = 10_000


@dataclass
class AccountFlow:
    account: str
    bank: str | None
    hop: int
    received: int = 0  # cents of the victim's money that came in
    sent: int = 0  # cents of it that went out
    remaining: int = 0  # cents of it still there at the end of the window
    truncated: dict[str, int] = field(default_factory=dict)  # reason → cents cut there


@dataclass(frozen=True)
class Transfer:
    src: str
    dst: str
    at: datetime
    amount: int  # cents of the whole transfer
    attributed: int  # cents of it that are the victim's


@dataclass
class TraceResult:
    params: TraceParams
    accounts: list[AccountFlow]
    transfers: list[Transfer]

    @property
    def truncated(self) -> bool:
        return any(a.truncated for a in self.accounts)

    def ranked(self) -> list[AccountFlow]:
        """Downstream accounts, most of the victim's money still there first."""
        down = [a for a in self.accounts if a.hop > 0 and a.remaining > 0]
        return sorted(down, key=lambda a: (-a.remaining, a.hop, a.account))


def cents_to_yuan(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


class _Ledger:
    """One account's money during the replay: total and the victim's part, FIFO or pooled."""

    def __init__(self, rule: Rule) -> None:
        self.fifo = rule == "fifo"
        self.queue: deque[list[int]] = deque()  # [cents, is_victims (1/0)], oldest first
        self.total = 0
        self.tainted = 0

    def receive(self, cents: int, tainted: int) -> None:
        if self.fifo:
            if tainted:
                self.queue.append([tainted, 1])
            if cents - tainted:
                self.queue.append([cents - tainted, 0])
        self.total += cents
        self.tainted += tainted

    def pay(self, cents: int) -> int:
        """Take ``cents`` out; return how many of them are the victim's."""
        paid = min(cents, self.total)
        if self.fifo:
            taken, left = 0, paid
            while left and self.queue:
                chunk = self.queue[0]
                use = min(left, chunk[0])
                taken += use * chunk[1]
                chunk[0] -= use
                left -= use
                if chunk[0] == 0:
                    self.queue.popleft()
        else:
            taken = self.tainted * paid // self.total if self.total else 0
        self.total -= paid
        self.tainted -= taken
        return taken


def _discover(index: GraphIndex, start: int, p: TraceParams, t0: int, t_end: int) -> dict[int, int]:
    """Accounts reachable by time-respecting transfers, with their hop count (fewest hops)."""
    hop = {start: 0}
    arrival = {start: t0}
    frontier = [start]
    for depth in range(p.max_hops):
        nxt: list[int] = []
        for node in frontier:
            sl = index.out.window(node, arrival[node], t_end)
            keep = index.out.cents[sl] >= p.min_cents
            for other, at in zip(
                index.out.other[sl][keep].tolist(), index.out.t[sl][keep].tolist(), strict=True
            ):
                if other not in hop:
                    hop[other], arrival[other] = depth + 1, at
                    nxt.append(other)
                elif at < arrival[other]:
                    arrival[other] = at
                    nxt.append(other)
        frontier = [n for n in dict.fromkeys(nxt) if hop[n] < p.max_hops]
    return hop


def _events(
    index: GraphIndex, hop: dict[int, int], t0: int, t_end: int
) -> list[tuple[int, int, int, int, int]]:
    """(time, upstream hop, src, dst, cents) for every transfer touching a found account."""
    events = []
    for node, h in hop.items():
        sl = index.out.window(node, t0, t_end)
        for other, at, cents in zip(
            index.out.other[sl].tolist(), index.out.t[sl].tolist(), index.out.cents[sl].tolist(), strict=True
        ):
            events.append((at, h, node, other, cents))
        if h == 0:
            continue
        sl = index.into.window(node, t0, t_end)
        for other, at, cents in zip(
            index.into.other[sl].tolist(),
            index.into.t[sl].tolist(),
            index.into.cents[sl].tolist(),
            strict=True,
        ):
            if other not in hop:
                events.append((at, -1, other, node, cents))
    events.sort()
    return events


def trace(index: GraphIndex, p: TraceParams) -> TraceResult:
    start = index.ids.get(p.account)
    if start is None:
        raise ValidationFailed.on("account", f"已导入的流水中没有账户 {p.account}")
    t0 = int(p.since.timestamp())
    t_end = t0 + p.window_s
    hop = _discover(index, start, p, t0, t_end)
    ledgers = {n: _Ledger(p.rule) for n in hop}
    flows: dict[int, AccountFlow] = {}

    def flow(node: int, h: int) -> AccountFlow:
        if node not in flows:
            flows[node] = AccountFlow(index.accounts[node], index.banks.get(node), h)
        return flows[node]

    flow(start, 0)
    transfers: list[Transfer] = []
    cut: dict[tuple[int, str], int] = defaultdict(int)
    for at, h, src, dst, cents in _events(index, hop, t0, t_end):
        if h < 0:  # someone else's money entering a found account
            ledgers[dst].receive(cents, 0)
            continue
        tainted = cents if src == start else ledgers[src].pay(cents)
        if src == start and cents < p.min_cents:
            cut[(src, "min_amount")] += cents
            continue
        if dst == start or tainted == 0:
            continue
        if tainted < p.min_cents:
            cut[(src, "min_amount")] += tainted
            if dst in ledgers:
                ledgers[dst].receive(cents, 0)
            continue
        transfers.append(Transfer(index.accounts[src], index.accounts[dst], _dt(at), cents, tainted))
        flow(src, h).sent += tainted
        if dst in ledgers:
            ledgers[dst].receive(cents, tainted)
            flow(dst, hop[dst]).received += tainted
        else:  # beyond the hop bound: we know it arrived, not where it went next
            beyond = flow(dst, h + 1)
            beyond.received += tainted
            beyond.remaining += tainted
            cut[(dst, "hops")] += tainted
    for node, ledger in ledgers.items():
        if node != start and node in flows:
            flows[node].remaining = ledger.tainted
            later = index.out.window(node, t_end + 1, 2**62)
            if ledger.tainted >= p.min_cents and later.stop > later.start:
                cut[(node, "time")] += ledger.tainted
    for (node, reason), cents in cut.items():
        flow(node, hop.get(node, 0)).truncated[reason] = cents
    ordered = sorted(flows.values(), key=lambda a: (a.hop, -a.received, a.account))
    return TraceResult(p, ordered, transfers)


def _dt(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
