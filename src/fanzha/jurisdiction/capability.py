"""What the jurisdiction tree contributes: tree and unit API, admin pages, import/export CLI."""

from fanzha.core.registry import Capability, CliEntry, MenuEntry

CAPABILITY = Capability(
    name="jurisdiction",
    label="辖区与单位",
    models="fanzha.jurisdiction.models",
    api_routers=("fanzha.jurisdiction.routes:router",),
    web_routers=("fanzha.web.admin:router",),
    menu=(
        MenuEntry("admin.tree", "/admin/tree", "辖区", admin=True),
        MenuEntry("admin.tree", "/admin/units", "单位", admin=True),
    ),
    cli=(CliEntry("tree", "fanzha.jurisdiction.cli:app", "辖区树（四级平台）"),),
    permissions=("admin.tree",),
)
