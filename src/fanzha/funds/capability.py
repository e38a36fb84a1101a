"""What stopping the money contributes: requests, tracing, mule scores, the 断卡 list."""

from fanzha.core.registry import Capability, CliEntry, DemoStep, JobSpec, MenuEntry, Tile

CAPABILITY = Capability(
    name="funds",
    label="止付冻结与资金查控",
    models="fanzha.funds.models",
    api_routers=("fanzha.funds.routes:router",),
    web_routers=("fanzha.web.funds:router", "fanzha.web.trace:router", "fanzha.web.mules:router"),
    tiles=(
        Tile("funds.request", "/funds/requests", "止付冻结", "申请、审批紧急止付与冻结，48 小时倒计时"),
        Tile("funds.bank", "/funds/requests", "止付冻结", "本行待执行的止付冻结请求，录入执行回执"),
        Tile("funds.request", "/funds/trace", "资金查控", "从受害人账户追踪资金流向，一键止付下游账户"),
    ),
    menu=(
        MenuEntry("funds.request", "/funds/requests", "止付冻结"),
        MenuEntry("funds.approve", "/funds/requests", "止付冻结", badge="/funds/requests/awaiting-count"),
        MenuEntry("funds.bank", "/funds/requests", "止付冻结"),
        MenuEntry("funds.request", "/funds/trace", "资金查控"),
        MenuEntry("funds.request", "/funds/mule-scores", "账户评分"),
        MenuEntry("funds.request", "/funds/punishment", "断卡名单"),
    ),
    jobs=(JobSpec("funds-expiry", 60, "fanzha.funds.service:tick"),),
    cli=(CliEntry("funds", "fanzha.funds.cli:app", "止付冻结与资金查控：导入流水、追踪资金、到期检查"),),
    demo=(DemoStep("流水、止付冻结与断卡名单", "fanzha.funds.demo:build"),),
    audit_labels="fanzha.funds.models:AUDIT_LABELS",
    permissions=("funds.request", "funds.approve", "funds.bank", "funds.check"),
)
