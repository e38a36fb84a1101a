"""What the warning loop contributes: intake API, queue pages, escalation job, CLI, demo history."""

from fanzha.core.registry import Capability, CliEntry, DemoStep, JobSpec, MenuEntry, Tile

CAPABILITY = Capability(
    name="warnings",
    label="预警指令与劝阻",
    models="fanzha.warnings.models",
    api_routers=("fanzha.warnings.routes:router",),
    web_routers=("fanzha.web.warnings:router", "fanzha.web.reports:router", "fanzha.web.review:router"),
    tiles=(
        Tile("warnings.work", "/queue", "工作队列", "领取下一条预警，联系当事人，记录劝阻结果"),
        Tile("warnings.read", "/warnings", "预警指令", "检索、筛选、查看处置时间线、改派"),
    ),
    menu=(
        MenuEntry("warnings.work", "/queue", "工作队列"),
        MenuEntry("warnings.read", "/warnings", "预警指令"),
        MenuEntry("warnings.route", "/reports/review", "举报审核", badge="/reports/review/count"),
        MenuEntry(None, "/report", "我要举报"),
        MenuEntry(None, "/report/status", "举报查询"),
        MenuEntry("admin.settings", "/admin/deadlines", "时限设置", admin=True),
    ),
    jobs=(
        JobSpec("warnings-escalation", 30, "fanzha.warnings.tick:tick", interval_setting="warnings_tick_s"),
    ),
    startup=("fanzha.warnings.intake:warm_up",),
    reputation=("fanzha.warnings.service:confirmed_identifiers",),
    cli=(CliEntry("warnings", "fanzha.warnings.cli:app", "预警指令：导入、定时升级、反馈导出、处置时限"),),
    demo=(DemoStep("预警指令与劝阻（约 95,000 条）", "fanzha.warnings.demo:build"),),
    permissions=(
        "warnings.read",
        "warnings.intake",
        "warnings.work",
        "warnings.route",
        "warnings.feedback",
    ),
)
