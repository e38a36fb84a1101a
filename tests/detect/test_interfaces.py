"""`fanzha check`, `fanzha screen`, `fanzha detect train|eval|compare` and `POST /api/v1/detect`."""

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fanzha.cli import app as cli
from fanzha.core.ratelimit import TokenBucket
from fanzha.detect import Detector, service
from fanzha.detect.corpus import load
from fanzha.detect.model import LinearModel
from fanzha.detect.registers import REGISTERS
from fanzha.detect.training import Comparison, compare
from tests.factories import World

FRAUD = "您好，这里是市公安局，您的银行卡涉嫌洗钱，请将资金转入安全账户配合调查。"
NORMAL = "晚上回家吃饭吗？我买了鱼。"


def test_check_prints_a_readable_verdict() -> None:
    result = CliRunner().invoke(cli, ["check", FRAUD])
    assert result.exit_code == 0
    assert "疑似诈骗" in result.output and "冒充公检法" in result.output
    assert "安全账户" in result.output


def test_check_reads_the_message_from_stdin_given_a_dash() -> None:
    piped = CliRunner().invoke(cli, ["check", "-"], input=FRAUD + "\n")
    assert piped.exit_code == 0, piped.output
    assert "疑似诈骗" in piped.output and "安全账户" in piped.output
    for empty in (["check", "-"], ["check", "  "]):
        refused = CliRunner().invoke(cli, empty, input="\n")
        assert refused.exit_code == 2 and "要检查的内容为空" in refused.output


def test_screen_keeps_order_and_reports_bad_rows(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": FRAUD}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "c", "body": "no text"}),
        json.dumps({"text": NORMAL}, ensure_ascii=False),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["screen", str(source), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", None, "c", 4]
    assert rows[0]["is_fraud"] is True and rows[0]["fraud_type"] == "impersonate_authority"
    assert "JSON" in rows[1]["error"] and "text" in rows[2]["error"]
    assert rows[3]["is_fraud"] is False and rows[3]["fraud_type"] is None
    assert set(rows[0]) == {
        "id",
        "is_fraud",
        "risk",
        "fraud_type",
        "tags",
        "reasons",
        "register",
        "register_inferred",
    }


def test_screen_with_workers_matches_single_process(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    texts = [
        FRAUD,
        NORMAL,
        "日结兼职点赞关注，一单3元，先垫付后返佣金",
        "【顺丰】您的快递已到驿站，取件码3-2-1108",
    ] * 1100
    source.write_text("id,text\n" + "".join(f"{i},{t}\n" for i, t in enumerate(texts)), encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert CliRunner().invoke(cli, ["screen", str(source), "-o", str(one), "--workers", "1"]).exit_code == 0
    assert CliRunner().invoke(cli, ["screen", str(source), "-o", str(two), "--workers", "2"]).exit_code == 0
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    assert len(one.read_text(encoding="utf-8").splitlines()) == len(texts)


def test_csv_without_text_column_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,body\n1,x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["screen", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and "text 列" in result.output


def test_train_then_eval_on_own_data(tmp_path: Path) -> None:
    rows = [
        {"text": f"{FRAUD}{i}", "label": "fraud", "fraud_type": "impersonate_authority"} for i in range(20)
    ]
    rows += [{"text": f"{NORMAL}{i}", "label": "normal"} for i in range(20)]
    data = tmp_path / "mine.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    model = tmp_path / "m.npz"
    result = CliRunner().invoke(cli, ["detect", "train", "--data", str(data), "-o", str(model)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["detect", "eval", "--data", str(data), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert "recall 1.000" in result.output and "混淆表" in result.output
    # Twenty of twenty caught: a 95% Wilson interval of 0.839-1.000, not certainty.
    assert "95% 区间（Wilson）：recall 0.839–1.000" in result.output


def _reversed_model(tmp_path: Path) -> Path:
    """A model trained on the labels the wrong way round: it misses every scam the built-in one catches."""
    reversed_rows = [{"text": f"{NORMAL}{i}", "label": "fraud", "fraud_type": "other"} for i in range(20)]
    reversed_rows += [{"text": f"{FRAUD}{i}", "label": "normal"} for i in range(20)]
    reversed_model = tmp_path / "reversed.npz"
    trained = CliRunner().invoke(
        cli,
        [
            "detect",
            "train",
            "--data",
            str(_jsonl(tmp_path / "r.jsonl", reversed_rows)),
            "-o",
            str(reversed_model),
        ],
    )
    assert trained.exit_code == 0, trained.output
    return reversed_model


def _twenty_each(tmp_path: Path, name: str = "labelled.jsonl") -> Path:
    rows = [
        {"text": f"{FRAUD}{i}", "label": "fraud", "fraud_type": "impersonate_authority"} for i in range(20)
    ]
    rows += [{"text": f"{NORMAL}{i}", "label": "normal"} for i in range(20)]
    return _jsonl(tmp_path / name, rows)


# The compare table's "全部" row when the first model alone catches all twenty scams.
_FIRST_CATCHES_ALL = r"全部\s*│\s*20\s*│\s*20\s*│\s*0\s*│\s*<0\.001\s*│\s*20\s*│\s*0\s*│\s*0\s*│\s*1\.000"


def test_compare_counts_the_texts_each_model_alone_gets_right(tmp_path: Path) -> None:
    """Compare puts each disagreement with the reversed model on the built-in model's side and calls
    it significant."""
    reversed_model, data = _reversed_model(tmp_path), _twenty_each(tmp_path)
    comparison = compare(Detector.default(), Detector.from_file(reversed_model), load(data))
    assert comparison["全部"] == Comparison(fraud=20, caught_only_by_first=20, genuine=20)
    assert comparison["全部"].recall_p < 0.001 and comparison["全部"].fpr_p == 1.0
    args = ["detect", "compare", "--data", str(data), "--against", str(reversed_model)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert re.search(_FIRST_CATCHES_ALL, result.output)
    missing = CliRunner().invoke(cli, [*args[:-1], "nope.npz"])
    assert missing.exit_code == 2 and "模型文件不存在：nope.npz" in missing.output


def test_compare_pairs_verdicts_each_model_saved_under_its_own_code(tmp_path: Path) -> None:
    """A change to what the features read is judged by running each model with its own code: eval
    saves the verdicts (a digest per text, never the text) and compare pairs the two files."""
    reversed_model, data = _reversed_model(tmp_path), _twenty_each(tmp_path)
    built_in, reversed_ = tmp_path / "built-in.json", tmp_path / "reversed.json"
    for model, saved in ((None, built_in), (reversed_model, reversed_)):
        chosen = ["--model", str(model)] if model else []
        ran = CliRunner().invoke(
            cli, ["detect", "eval", "--data", str(data), *chosen, "--save-verdicts", str(saved)]
        )
        assert ran.exit_code == 0, ran.output
    assert "洗钱" not in built_in.read_text(encoding="utf-8")
    args = ["detect", "compare", "--data", str(data), "--model", str(built_in), "--against", str(reversed_)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert re.search(_FIRST_CATCHES_ALL, result.output)
    # A saved file is refused on other texts, with the registers read another way, or when missing.
    other = _twenty_each(tmp_path, "other.jsonl")
    other.write_text(other.read_text(encoding="utf-8").replace("鱼。1", "肉。1"), encoding="utf-8")
    refusals = {
        "不是在这份 --data 上保存的": ["--data", str(other)],
        "保存时不加 --infer-register": ["--infer-register"],
        "判定文件不存在": ["--against", str(tmp_path / "gone.json")],
    }
    for message, change in refusals.items():
        refused = CliRunner().invoke(cli, [*args, *change])
        assert refused.exit_code == 2 and message in refused.output, refused.output
    wrong_name = ["detect", "eval", "--data", str(data), "--save-verdicts", str(tmp_path / "v.txt")]
    refused = CliRunner().invoke(cli, wrong_name)
    assert refused.exit_code == 2 and "判定文件名须以 .json 结尾" in refused.output
    no_folder = ["detect", "eval", "--data", str(data), "--save-verdicts", str(tmp_path / "gone" / "v.json")]
    refused = CliRunner().invoke(cli, no_folder)
    assert refused.exit_code == 2 and "无法写入" in refused.output and not (tmp_path / "gone").exists()


def test_training_data_errors_name_the_row(tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "x", "label": "maybe"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["detect", "train", "--data", str(data)])
    assert result.exit_code == 2 and "第1行.label" in result.output


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_calibration_texts_set_the_thresholds(tmp_path: Path) -> None:
    """A centre's genuine messages that read like the fraud it trained on: thresholds set on them
    let at most 2% through as fraud, where the model's own validation share flagged them."""
    data = _jsonl(
        tmp_path / "mine.jsonl",
        [{"text": f"{FRAUD}{i}", "label": "fraud", "kind": "sms"} for i in range(60)]
        + [{"text": f"{NORMAL}{i}", "label": "normal", "kind": "sms"} for i in range(60)],
    )
    reminders = [
        f"【反诈提醒】第{i}期：自称公安说银行卡涉嫌洗钱、要求把资金转入安全账户的都是诈骗。"
        for i in range(150)
    ]
    calibration = _jsonl(
        tmp_path / "cal.jsonl", [{"text": t, "label": "normal", "kind": "sms"} for t in reminders]
    )
    plain, calibrated = tmp_path / "plain.npz", tmp_path / "calibrated.npz"
    assert CliRunner().invoke(cli, ["detect", "train", "--data", str(data), "-o", str(plain)]).exit_code == 0
    result = CliRunner().invoke(
        cli,
        ["detect", "train", "--data", str(data), "--calibration", str(calibration), "-o", str(calibrated)],
    )
    assert result.exit_code == 0, result.output
    flagged = {
        path.name: sum(
            v.is_fraud for v in Detector.from_file(path).classify(reminders, ["sms"] * len(reminders))
        )
        for path in (plain, calibrated)
    }
    assert flagged["plain.npz"] > len(reminders) // 2
    assert flagged["calibrated.npz"] <= 0.02 * len(reminders)
    assert Detector.from_file(calibrated).classify([FRAUD], ["sms"])[0].is_fraud


def _reminders(template: str, n: int = 120) -> list[str]:
    return [template.format(i=i) for i in range(n)]


def test_calibration_groups_can_be_trained_on_with_thresholds_out_of_fold(tmp_path: Path) -> None:
    """Two batches of a centre's genuine reminders, trained on and each scored by a model that never
    saw it: reminders in a third wording stay genuine, where the model without them flagged most."""
    data = _jsonl(
        tmp_path / "mine.jsonl",
        [{"text": f"{FRAUD}{i}", "label": "fraud", "kind": "sms"} for i in range(60)]
        + [{"text": f"{NORMAL}{i}", "label": "normal", "kind": "sms"} for i in range(60)],
    )
    groups = [
        _jsonl(
            tmp_path / f"{name}.jsonl", [{"text": t, "label": "normal", "kind": "sms"} for t in _reminders(w)]
        )
        for name, w in [
            ("a", "【反诈提醒】第{i}期：自称公安说银行卡涉嫌洗钱、要求把资金转入安全账户的都是诈骗。"),
            ("b", "【市反诈中心】{i}号提示：凡是电话里让您把钱转到安全账户配合调查的，一律是诈骗。"),
        ]
    ]
    unseen = _reminders(
        "【派出所提示】第{i}条：有人自称公安局说您的银行卡涉嫌洗钱、让您转入安全账户，是诈骗。"
    )
    plain, crossed = tmp_path / "plain.npz", tmp_path / "crossed.npz"
    assert CliRunner().invoke(cli, ["detect", "train", "--data", str(data), "-o", str(plain)]).exit_code == 0
    calibration = [arg for g in groups for arg in ("--calibration", str(g))]
    args = [
        "detect",
        "train",
        "--data",
        str(data),
        *calibration,
        "--train-on-calibration",
        "-o",
        str(crossed),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    flagged = {
        path.name: sum(v.is_fraud for v in Detector.from_file(path).classify(unseen, ["sms"] * len(unseen)))
        for path in (plain, crossed)
    }
    assert flagged["plain.npz"] > len(unseen) // 2
    assert flagged["crossed.npz"] <= 0.02 * len(unseen)
    assert Detector.from_file(crossed).classify([FRAUD], ["sms"])[0].is_fraud


@pytest.mark.parametrize(
    ("calibration", "extra", "field", "says"),
    [
        ({"text": FRAUD, "label": "fraud"}, [], "calibration", "正常样本"),
        ({"text": NORMAL, "label": "normal"}, ["--train-on-calibration"], "calibration", "两份"),
        (
            {"text": NORMAL, "label": "normal"},
            ["--train-on-calibration", "--folds", "1"],
            "folds",
            "至少为 2",
        ),
    ],
    ids=["no-genuine-texts", "one-group-to-train-on", "one-fold"],
)
def test_unusable_calibration_is_refused_naming_the_field(
    tmp_path: Path, calibration: dict[str, str], extra: list[str], field: str, says: str
) -> None:
    data = _jsonl(
        tmp_path / "mine.jsonl",
        [{"text": f"{FRAUD}{i}", "label": "fraud"} for i in range(20)]
        + [{"text": f"{NORMAL}{i}", "label": "normal"} for i in range(20)],
    )
    cal = _jsonl(tmp_path / "cal.jsonl", [calibration])
    args = ["detect", "train", "--data", str(data), "--calibration", str(cal), *extra]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "out.npz")])
    assert result.exit_code == 2 and field in result.output and says in result.output
    assert not (tmp_path / "out.npz").exists()


def test_http_batch_for_machine_clients(client: TestClient, world: World) -> None:
    auth = {"Authorization": f"Bearer {world.keys['screening']}"}
    r = client.post("/api/v1/detect", json={"texts": [FRAUD, NORMAL]}, headers=auth)
    assert r.status_code == 200, r.text
    assert [v["is_fraud"] for v in r.json()] == [True, False]
    assert client.post("/api/v1/detect", json={"texts": []}, headers=auth).status_code == 422
    feed = {"Authorization": f"Bearer {world.keys['feed']}"}
    assert client.post("/api/v1/detect", json={"texts": [NORMAL]}, headers=feed).status_code == 403


def test_http_is_rate_limited_per_client(client: TestClient, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(service, "BUCKET", TokenBucket(rate=0.01, burst=3))
    monkeypatch.setattr(service.classify_for, "__defaults__", (service.BUCKET,))
    auth = {"Authorization": f"Bearer {world.keys['screening']}"}
    assert client.post("/api/v1/detect", json={"texts": [NORMAL] * 3}, headers=auth).status_code == 200
    r = client.post("/api/v1/detect", json={"texts": [NORMAL]}, headers=auth)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_http_caller_may_say_the_register(client: TestClient, world: World) -> None:
    auth = {"Authorization": f"Bearer {world.keys['screening']}"}
    said = client.post("/api/v1/detect", json={"texts": [FRAUD], "register": "sms"}, headers=auth)
    assert said.status_code == 200, said.text
    assert said.json()[0]["register"] == "sms" and said.json()[0]["register_inferred"] is False
    guessed = client.post("/api/v1/detect", json={"texts": [NORMAL]}, headers=auth).json()[0]
    assert guessed["register"] in REGISTERS and guessed["register_inferred"] is True
    wrong = client.post("/api/v1/detect", json={"texts": [NORMAL], "register": "fax"}, headers=auth)
    assert wrong.status_code == 422 and "register" in wrong.text


def test_check_takes_a_register_and_shows_the_one_used() -> None:
    result = CliRunner().invoke(cli, ["check", FRAUD, "--register", "call"])
    assert result.exit_code == 0, result.output
    assert "按通话判断" in result.output and "自动推断" not in result.output
    assert "自动推断" in CliRunner().invoke(cli, ["check", NORMAL]).output
    bad = CliRunner().invoke(cli, ["check", NORMAL, "--register", "fax"])
    assert bad.exit_code == 2 and "未知的文体 fax" in bad.output


def test_screen_rows_may_say_their_register(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"text": FRAUD, "kind": "sms"},
        {"text": FRAUD, "register": "report"},
        {"text": NORMAL, "kind": "fax"},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert CliRunner().invoke(cli, ["screen", str(source), "-o", str(out), "--workers", "1"]).exit_code == 0
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(g.get("register"), g.get("register_inferred")) for g in got[:2]] == [
        ("sms", False),
        ("report", False),
    ]
    assert "未知的文体 fax" in got[2]["error"]


def test_training_with_registers_gives_each_its_threshold_and_eval_shows_it(tmp_path: Path) -> None:
    rows = [
        {"text": f"{FRAUD}{i}", "label": "fraud", "fraud_type": "impersonate_authority", "kind": "sms"}
        for i in range(60)
    ]
    rows += [{"text": f"{NORMAL}{i}", "label": "normal", "kind": "chat"} for i in range(60)]
    data = tmp_path / "mine.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    path = tmp_path / "m.npz"
    assert CliRunner().invoke(cli, ["detect", "train", "--data", str(data), "-o", str(path)]).exit_code == 0
    model = LinearModel.load(path)
    assert model.knows_registers
    # Too few genuine validation texts in either register for a threshold of its own: the global one.
    assert list(model.register_thresholds) == [model.threshold_logit] * len(REGISTERS)
    assert Detector.from_file(path).classify([f"{NORMAL}x"])[0].register == "chat"
    result = CliRunner().invoke(cli, ["detect", "eval", "--data", str(data), "--model", str(path)])
    assert result.exit_code == 0, result.output
    assert "判定所用文体" in result.output and "数据标注" in result.output
    inferred = CliRunner().invoke(
        cli, ["detect", "eval", "--data", str(data), "--model", str(path), "--infer-register"]
    )
    assert inferred.exit_code == 0 and "模型推断" in inferred.output
