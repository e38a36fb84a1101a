"""What verification contributes: the public /verify page and API, the official-number register
(its numbers feed the detector's whitelist) and the audit labels of codes and lookups."""

from fanzha.core.registry import Capability, MenuEntry

CAPABILITY = Capability(
    name="verification",
    label="来电核验",
    models="fanzha.verification.models",
    api_routers=("fanzha.verification.routes:router",),
    web_routers=("fanzha.verification.pages:router",),
    menu=(
        MenuEntry(None, "/verify", "核验民警来电"),
        MenuEntry("admin.settings", "/admin/official-numbers", "官方号码", admin=True),
    ),
    audit_labels="fanzha.verification.service:AUDIT_LABELS",
    whitelist=("fanzha.verification.register:whitelist",),
)
