"""What detection contributes: the check API and public self-check page, the appeal review queue
(its reviewed numbers, links and accounts feed the detector's lists), and the detector's CLI."""

from fanzha.core.registry import Capability, CliEntry, MenuEntry, Tile

CAPABILITY = Capability(
    name="detect",
    label="诈骗识别",
    models="fanzha.detect.models",
    api_routers=("fanzha.detect.routes:router",),
    web_routers=("fanzha.web.check:router", "fanzha.detect.pages:router"),
    tiles=(Tile("detect.use", "/check", "反诈自查", "粘贴短信或输入号码、链接、账号，查看研判结果"),),
    menu=(MenuEntry(None, "/check", "反诈自查"), MenuEntry("detect.review", "/appeals", "申诉复核")),
    cli=(
        CliEntry("detect", "fanzha.detect.cli:app", "诈骗识别模型：训练与评估"),
        CliEntry("check", "fanzha.detect.checkcli:check", "检查一条消息是否为诈骗，并说明理由。"),
        CliEntry(
            "screen",
            "fanzha.detect.cli:screen",
            "批量筛查：逐行输出判定结果（保持输入顺序），坏行报告后继续。",
        ),
    ),
    audit_labels="fanzha.detect.appeals:AUDIT_LABELS",
    reputation=("fanzha.detect.appeals:blacklist",),
    whitelist=("fanzha.detect.appeals:whitelist",),
    permissions=("detect.use", "detect.review"),
)
