"""What crackdown operations contribute: target packages, joint operations (收网) with their
briefing PDF and live field page, and the figures dens destroyed, suspects caught, cases solved."""

from fanzha.core.registry import Capability, CliEntry, DemoStep, MenuEntry, Tile

CAPABILITY = Capability(
    name="operations",
    label="收网行动",
    models="fanzha.operations.models",
    api_routers=("fanzha.operations.routes:router",),
    web_routers=("fanzha.operations.pages:router",),
    menu=(MenuEntry("operations.read", "/operations", "收网行动"),),
    tiles=(Tile("operations.read", "/operations", "收网行动", "目标包、统一收网、现场战果"),),
    cli=(CliEntry("operations", "fanzha.operations.cli:app", "收网行动：列出行动、导出简报、确认战果"),),
    demo=(DemoStep("收网行动（已收网一次、待收网一次）", "fanzha.operations.demo:build"),),
    audit_labels="fanzha.operations.models:AUDIT_LABELS",
    permissions=("operations.read", "operations.write", "operations.field"),
)
