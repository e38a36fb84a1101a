"""``fanzha users …`` and ``fanzha keys …`` for administrators at the console."""

from typing import Annotated

import typer

from fanzha.accounts import service
from fanzha.accounts.schemas import ApiKeyIn, UserIn
from fanzha.core.clitools import command_session, console
from fanzha.core.principal import system_principal
from fanzha.core.roles import Perm, Role

users_app = typer.Typer(help="用户")
keys_app = typer.Typer(help="机器客户端 API 密钥")


@users_app.command("create")
def create_user(
    username: str,
    role: Annotated[Role, typer.Option(help="角色")],
    unit_id: Annotated[int, typer.Option(help="所属单位编号")],
    display_name: Annotated[str, typer.Option(help="姓名")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """新建用户。"""
    with command_session() as session:
        data = UserIn(
            username=username, display_name=display_name, password=password, role=role, unit_id=unit_id
        )
        user = service.create_user(session, data, system_principal(name="cli"))
    console.print(f"[green]已创建用户[/] {user.username}（{role.label}）")


@keys_app.command("create")
def create_key(
    name: str,
    unit_id: Annotated[int, typer.Option(help="密钥所属单位编号（决定可见辖区）")],
    scope: Annotated[list[Perm], typer.Option(help="权限，可多次给出")],
    source: Annotated[list[str] | None, typer.Option(help="接收预警时可提交的来源，可多次给出")] = None,
) -> None:
    """签发 API 密钥；密钥只显示这一次。"""
    with command_session() as session:
        data = ApiKeyIn(name=name, unit_id=unit_id, scopes=scope, sources=source or [])
        _, token = service.create_api_key(session, data, system_principal(name="cli"))
    console.print(f"[green]已签发[/] {name}：[bold]{token}[/]")


@keys_app.command("revoke")
def revoke_key(key_id: int) -> None:
    """吊销 API 密钥，立即生效。"""
    with command_session() as session:
        key = service.revoke_api_key(session, key_id, system_principal(name="cli"))
    console.print(f"[green]已吊销[/] {key.name}")
