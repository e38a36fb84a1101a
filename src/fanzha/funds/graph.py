"""An in-memory index of transfers for tracing: compressed rows of edges per account, by time.

Built once from the store (or from arrays, for benchmarks) and reused for many traces. Both
directions are kept: out-edges to follow the money, in-edges to know what else entered an
account (the other money the victim's money was mixed with). Amounts are integer cents.
"""

import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fanzha.funds.store import EDGES_SQL, TransactionStore

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Adjacency:
    """Edges grouped by one endpoint (``indptr``), each group sorted by time."""

    indptr: I64
    other: I64
    t: I64
    cents: I64

    def window(self, node: int, start: int, end: int) -> slice:
        """The positions of ``node``'s edges with ``start <= t <= end``."""
        lo, hi = int(self.indptr[node]), int(self.indptr[node + 1])
        times = self.t[lo:hi]
        return slice(
            lo + int(np.searchsorted(times, start, "left")), lo + int(np.searchsorted(times, end, "right"))
        )


def _adjacency(key: I64, other: I64, t: I64, cents: I64, n: int) -> Adjacency:
    order = np.lexsort((t, key))
    counts = np.bincount(key, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return Adjacency(indptr, other[order], t[order], cents[order])


@dataclass(frozen=True)
class GraphIndex:
    accounts: list[str]
    ids: dict[str, int]
    banks: dict[int, str]
    out: Adjacency
    into: Adjacency

    @classmethod
    def from_arrays(
        cls, accounts: list[str], src: I64, dst: I64, t: I64, cents: I64, banks: dict[int, str] | None = None
    ) -> "GraphIndex":
        n = len(accounts)
        return cls(
            accounts=accounts,
            ids={a: i for i, a in enumerate(accounts)},
            banks=banks or {},
            out=_adjacency(src, dst, t, cents, n),
            into=_adjacency(dst, src, t, cents, n),
        )

    @classmethod
    def from_store(cls, store: TransactionStore) -> "GraphIndex":
        """Account numbers become dense integers inside DuckDB; only numbers cross into Python."""
        with store.connect() as con:
            con.execute(f"CREATE TEMP TABLE e AS {EDGES_SQL}")
            con.execute(
                "CREATE TEMP TABLE acc AS SELECT a, CAST(row_number() OVER (ORDER BY a) - 1 AS BIGINT) AS id "
                "FROM (SELECT src AS a FROM e UNION SELECT dst FROM e)"
            )
            names = [str(r[0]) for r in con.execute("SELECT a FROM acc ORDER BY id").fetchall()]
            cols = con.execute(
                "SELECT s.id AS s, d.id AS d, e.t, e.cents "
                "FROM e JOIN acc s ON e.src = s.a JOIN acc d ON e.dst = d.a"
            ).fetchnumpy()
            bank_rows = con.execute(
                "SELECT acc.id, min(tx.bank) FROM tx JOIN acc ON tx.account = acc.a GROUP BY acc.id"
            ).fetchall()
        src, dst, t, cents = (np.asarray(cols[k], dtype=np.int64) for k in ("s", "d", "t", "cents"))
        return cls.from_arrays(names, src, dst, t, cents, banks={int(i): str(b) for i, b in bank_rows})


_CACHE: dict[str, tuple[tuple[int, str], GraphIndex]] = {}
_CACHE_LOCK = threading.Lock()


def index_for(store: TransactionStore) -> GraphIndex:
    """The index of the store as it is now, rebuilt only when rows were added since."""
    version = store.version()
    key = str(store.path)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
    index = GraphIndex.from_store(store)
    with _CACHE_LOCK:
        _CACHE[key] = (version, index)
    return index
