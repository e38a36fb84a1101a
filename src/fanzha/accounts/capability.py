"""What accounts contribute: users, API keys, login; admin pages and CLI."""

from fanzha.core.registry import Capability, CliEntry, MenuEntry, Tile

CAPABILITY = Capability(
    name="accounts",
    label="用户与密钥",
    models="fanzha.accounts.models",
    api_routers=("fanzha.accounts.routes:router",),
    tiles=(Tile("admin.users", "/admin/users", "系统管理", "辖区树、单位、用户、API 密钥与时限"),),
    menu=(
        MenuEntry("admin.users", "/admin/users", "用户", admin=True),
        MenuEntry("admin.keys", "/admin/keys", "API 密钥", admin=True),
    ),
    cli=(
        CliEntry("users", "fanzha.accounts.cli:users_app", "用户"),
        CliEntry("keys", "fanzha.accounts.cli:keys_app", "机器客户端 API 密钥"),
    ),
    permissions=("admin.users", "admin.keys", "admin.settings", "pii.reveal"),
)
