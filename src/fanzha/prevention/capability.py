"""What targeted prevention contributes: registers, aiming, campaigns, groups and pushes, coverage."""

from fanzha.core.registry import Capability, CliEntry, DemoStep, JobSpec, MenuEntry, Tile

CAPABILITY = Capability(
    name="prevention",
    label="精准宣防",
    models="fanzha.prevention.models",
    api_routers=("fanzha.prevention.routes:router",),
    web_routers=("fanzha.prevention.pages.channel:router", "fanzha.prevention.pages.console:router"),
    menu=(
        MenuEntry("prevention.write", "/prevention", "精准宣防"),
        MenuEntry("prevention.log", "/prevention/sweep", "宣防登记"),
        MenuEntry(None, "/channel", "反诈频道"),
    ),
    tiles=(
        Tile(
            "prevention.write", "/prevention", "精准宣防", "案件上升的警格与人群、一键生成战役、群推送与送达"
        ),
        Tile("prevention.log", "/prevention/sweep", "宣防登记", "手机登记扫街扫楼、入户走访与现场照片"),
    ),
    jobs=(JobSpec("prevention-outbox", 10, "fanzha.prevention.outbox:job", "prevention_outbox_tick_s"),),
    cli=(
        CliEntry(
            "prevention", "fanzha.prevention.cli:app", "精准宣防：导入宣防对象、精准滴灌研判、群推送发送"
        ),
    ),
    demo=(DemoStep("精准宣防：宣防对象、战役、活动与群推送", "fanzha.prevention.demo:build"),),
    audit_labels="fanzha.prevention.models:AUDIT_LABELS",
    permissions=("prevention.write", "prevention.log"),
)
