"""Bulletin API (figures as JSON, PDF, CSV, XLSX, the issued ones); the console page is web/bulletins.py."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from fanzha.accounts.deps import DbSession, requires
from fanzha.bulletins import render, service
from fanzha.bulletins.periods import PeriodKind
from fanzha.bulletins.schemas import Bulletin, StoredBulletinOut
from fanzha.core.errors import ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm

router = APIRouter(prefix="/bulletins", tags=["bulletins"])
Reader = Annotated[Principal, Depends(requires(Perm.STATS_READ))]

_FILES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(b: Bulletin, fmt: str) -> Response:
    body = render.render_pdf(b) if fmt == "pdf" else render.to_csv(b) if fmt == "csv" else render.to_xlsx(b)
    name = f"bulletin-{b.node_code}-{b.period_key}.{fmt}"
    return Response(
        body, media_type=_FILES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/issued", response_model=list[StoredBulletinOut], summary="已生成（定时）的通报")
def issued(
    session: DbSession,
    principal: Reader,
    kind: PeriodKind | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[StoredBulletinOut]:
    rows = service.stored_list(session, principal, kind, limit)
    return [
        StoredBulletinOut(id=s.id, node_code=service.node_code_of(session, s), kind=s.kind,
                          period_key=s.period_key, generated_at=s.generated_at, generated_by=s.generated_by)
        for s in rows
    ]  # fmt: skip


@router.get("/issued/{bulletin_id}.pdf", summary="已生成通报的 PDF（原样）")
def issued_pdf(bulletin_id: int, session: DbSession, principal: Reader) -> Response:
    stored = service.stored_one(session, principal, bulletin_id)
    return Response(stored.pdf, media_type=_FILES["pdf"])


@router.get("/{node_code}/{period}", response_model=Bulletin, summary="某辖区某周期的通报数据")
def figures(node_code: str, period: str, session: DbSession, principal: Reader) -> Bulletin:
    return service.bulletin_for(session, principal, node_code, period)


@router.get("/{node_code}/{period}/{fmt}", summary="通报文件：pdf、csv 或 xlsx")
def download(node_code: str, period: str, fmt: str, session: DbSession, principal: Reader) -> Response:
    if fmt not in _FILES:
        raise ValidationFailed.on("fmt", "文件格式应为 pdf、csv 或 xlsx")
    return _download(service.bulletin_for(session, principal, node_code, period), fmt)
