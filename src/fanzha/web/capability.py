"""What the console itself contributes: login, the home page, public pages and their tables."""

from fanzha.core.registry import Capability

CAPABILITY = Capability(
    name="web",
    label="控制台",
    models="fanzha.web.models",
    web_routers=("fanzha.web.routes:router", "fanzha.web.public:router"),
)
