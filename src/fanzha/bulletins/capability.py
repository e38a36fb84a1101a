"""What reporting contributes: bulletin API and pages, the dashboard, scheduled bulletins, the CLI."""

from fanzha.core.registry import Capability, CliEntry, JobSpec, MenuEntry, Tile

CAPABILITY = Capability(
    name="bulletins",
    label="统计与通报",
    models="fanzha.bulletins.models",
    api_routers=("fanzha.bulletins.routes:router",),
    web_routers=("fanzha.web.bulletins:router", "fanzha.web.dashboard:router"),
    tiles=(Tile("stats.read", "/dashboard", "指挥大屏", "今日预警、超时环节、劝阻成功率与趋势"),),
    menu=(
        MenuEntry("stats.read", "/dashboard", "指挥大屏"),
        MenuEntry("stats.read", "/bulletins", "通报"),
    ),
    jobs=(JobSpec("bulletins", 300, "fanzha.bulletins.service:tick"),),
    cli=(
        CliEntry(
            "bulletin",
            "fanzha.bulletins.cli:bulletin",
            "生成某辖区某周期的通报（发案、损失、预警劝阻、止付冻结、排名）。",
        ),
    ),
    permissions=("stats.read",),
)
