"""What the console itself contributes: login, the home page and the public pages (it owns no table)."""

from fanzha.core.registry import Capability

CAPABILITY = Capability(
    name="web",
    label="控制台",
    web_routers=("fanzha.web.routes:router", "fanzha.web.public:router"),
)
