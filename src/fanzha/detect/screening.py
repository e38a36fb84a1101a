"""Batch screening: CSV or JSONL in, JSONL out, one verdict per input row in input order.
A row may say its register (``kind`` or ``register``: sms, social, chat, call, report), which
sets the threshold it is judged by; otherwise the detector infers it.

Rows are read lazily and processed in chunks, so memory stays constant however large the
file; chunks go to worker processes and come back in order (``imap``). A row that cannot be
read becomes an output line with an ``error`` and screening continues.
"""

import csv
import gc
import json
import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fanzha.detect.detector import Detector
from fanzha.detect.registers import parse_register

CHUNK = 2000
# json.dumps(obj, ensure_ascii=False) without building an encoder for each line
_encode = json.JSONEncoder(ensure_ascii=False).encode


@dataclass(frozen=True)
class Row:
    line: int
    id: object
    text: str | None
    error: str | None = None
    register: str | None = None  # how the text was written, when the input says (kind/register)


def _row(line: int, id: object, text: str, fields: dict[str, Any]) -> Row:
    """A row with text; its register from a ``kind`` or ``register`` field, if there is one."""
    try:
        return Row(line, id, text, register=parse_register(fields.get("kind") or fields.get("register")))
    except ValueError as exc:
        return Row(line, id, None, f"kind：{exc}")


def read_rows(path: Path) -> Iterator[Row]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if "text" not in (reader.fieldnames or []):
                raise ValueError("CSV 必须有 text 列")
            for n, row in enumerate(reader, start=2):
                text = row.get("text")
                if None in row or text is None:
                    yield Row(n, row.get("id"), None, "列数与表头不一致")
                else:
                    yield _row(n, row.get("id") or n - 1, text, row)
        return
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            parsed = parse_jsonl_line(n, line)
            if parsed is not None:
                yield parsed


def parse_jsonl_line(n: int, line: str) -> Row | None:
    """One JSONL line (numbered from 1) as a Row; None for a blank line."""
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Row(n, None, None, f"不是有效的 JSON（第 {exc.colno} 个字符附近）")
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return Row(n, obj.get("id") if isinstance(obj, dict) else None, None, "缺少文本字段 text")
    return _row(n, obj.get("id", n), obj["text"], obj)


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker_detector: Detector | None = None


def load_detector(model_path: Path | None = None) -> Detector:
    """The screening detector, loaded and warmed, with the objects that live as long as the
    process frozen: a chunk's verdicts survive the collector's young passes, and each full pass
    it set off scanned the model's tables and the automata again (a fifth of a worker's time)."""
    detector = Detector.from_file(model_path) if model_path else Detector.default()
    detector.classify(["请拨打95588"] * 16)  # a batch: the matrix path's imports are loaded before
    gc.collect()
    gc.freeze()
    return detector


def _init_worker(model_path: str | None) -> None:
    global _worker_detector
    _worker_detector = load_detector(Path(model_path) if model_path else None)


def screen_chunk(chunk: list[Row], detector: Detector | None = None) -> list[dict[str, Any]]:
    det = detector or _worker_detector
    assert det is not None
    good = [r for r in chunk if r.text is not None]
    verdicts = iter(det.classify([r.text or "" for r in good], [r.register for r in good]))
    out = []
    for r in chunk:
        if r.text is None:
            out.append({"id": r.id, "line": r.line, "error": r.error})
        else:
            out.append(next(verdicts).as_dict(r.id))
    return out


@dataclass
class ScreenStats:
    rows: int = 0
    fraud: int = 0
    errors: int = 0

    def add(self, other: "ScreenStats") -> None:
        self.rows += other.rows
        self.fraud += other.fraud
        self.errors += other.errors


def screen_lines(chunk: list[Row], detector: Detector | None = None) -> tuple[str, ScreenStats]:
    """The chunk's output lines and their counts. Written where the chunk is screened (in the
    worker): one string travels back instead of a nested dict per row to unpickle and encode."""
    stats = ScreenStats()
    lines = []
    for obj in screen_chunk(chunk, detector):
        lines.append(_encode(obj) + "\n")
        stats.rows += 1
        if "error" in obj:
            stats.errors += 1
        elif obj["is_fraud"]:
            stats.fraud += 1
    return "".join(lines), stats


def screen(
    source: Path, sink: IO[str], workers: int = 1, model_path: Path | None = None, on_progress: Any = None
) -> ScreenStats:
    """Screen ``source`` into ``sink``. ``on_progress(bytes_read_fraction)`` is optional."""
    stats = ScreenStats()
    rows = read_rows(source)
    if workers <= 1:
        det = load_detector(model_path)
        try:
            results: Iterator[tuple[str, ScreenStats]] = (screen_lines(c, det) for c in _chunks(rows))
            _write(results, sink, stats, on_progress)
        finally:
            gc.unfreeze()  # this process goes on (a test, a caller): what it froze can be collected again
        return stats
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, _init_worker, (str(model_path) if model_path else None,)) as pool:
        _write(pool.imap(screen_lines, _chunks(rows)), sink, stats, on_progress)
    return stats


def _write(
    results: Iterator[tuple[str, ScreenStats]], sink: IO[str], stats: ScreenStats, on_progress: Any
) -> None:
    for text, counted in results:
        sink.write(text)
        stats.add(counted)
        if on_progress is not None:
            on_progress(counted.rows)
