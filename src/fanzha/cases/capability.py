"""What case registration contributes: the case API and pages, and the demo's registered cases."""

from fanzha.core.registry import Capability, DemoStep, MenuEntry, Tile

CAPABILITY = Capability(
    name="cases",
    label="案件",
    models="fanzha.cases.models",
    api_routers=("fanzha.cases.routes:router",),
    web_routers=("fanzha.web.cases:router",),
    tiles=(Tile("cases.read", "/cases", "案件", "案件列表与详情"),),
    menu=(MenuEntry("cases.read", "/cases", "案件"),),
    demo=(DemoStep("报案登记的案件", "fanzha.cases.demo:build"),),
    audit_labels="fanzha.cases.models:AUDIT_LABELS",
    reputation=("fanzha.cases.service:reputation_identifiers",),
    permissions=("cases.read", "cases.write"),
)
