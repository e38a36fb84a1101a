"""Scale-out: the Spark path gives exactly the single-process output (local mode)."""

import io
import json
import shutil
from pathlib import Path

import pytest

from fanzha.detect.screening import screen

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java not on PATH)", allow_module_level=True)


def test_spark_screen_equals_single_process(tmp_path: Path) -> None:
    from fanzha.detect.spark import screen_on_spark

    texts = [
        "您的银行卡涉嫌洗钱，请转入安全账户",
        "晚上吃饭吗",
        "日结兼职点赞关注一单3元",
        "【顺丰】取件码3-2-1108",
    ]
    lines = [json.dumps({"id": f"m{i}", "text": texts[i % 4]}, ensure_ascii=False) for i in range(60)]
    lines[7] = "{broken"
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = io.StringIO()
    screen(source, expected, workers=1)
    out = tmp_path / "spark-out"
    assert screen_on_spark(str(source), str(out), "local[2]") == 60
    got = "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("part-*")))
    assert got == expected.getvalue()
