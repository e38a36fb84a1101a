"""Queries on the operations tables; every read starts from ``readable_*(principal)``.

A principal sees an operation led inside their subtree or with a target in it (a station sees
the city's operation that hits a den in its grid), and a package led inside their subtree.
"""

from collections.abc import Sequence

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.operations.models import Operation, OperationCase, OperationTarget, PackageItem, TargetPackage
from fanzha.operations.schemas import OperationQuery


def readable_packages(principal: Principal) -> Select[TargetPackage]:
    return select(TargetPackage).where(within(TargetPackage.node_path, principal.scope_path))


def readable_operations(principal: Principal) -> Select[Operation]:
    touches = exists().where(
        OperationTarget.operation_id == Operation.id, within(OperationTarget.node_path, principal.scope_path)
    )
    return select(Operation).where(or_(within(Operation.node_path, principal.scope_path), touches))


def package(session: Session, principal: Principal, package_id: int) -> TargetPackage | None:
    query = readable_packages(principal).where(TargetPackage.id == package_id)
    return session.scalars(query.options(selectinload(TargetPackage.items))).first()


def packages(session: Session, principal: Principal, limit: int) -> Sequence[TargetPackage]:
    query = readable_packages(principal).order_by(TargetPackage.id.desc()).limit(limit)
    return session.scalars(query).all()


def packages_for_series(session: Session, principal: Principal, series_id: int) -> Sequence[TargetPackage]:
    query = readable_packages(principal).where(TargetPackage.series_id == series_id)
    return session.scalars(query.order_by(TargetPackage.id)).all()


def item(session: Session, item_id: int) -> PackageItem | None:
    return session.get(PackageItem, item_id)


def operation(session: Session, principal: Principal, operation_id: int) -> Operation | None:
    query = readable_operations(principal).where(Operation.id == operation_id)
    loads = (selectinload(Operation.targets), selectinload(Operation.cases))
    return session.scalars(query.options(*loads)).first()


def operations(
    session: Session, principal: Principal, query: OperationQuery, limit: int
) -> Sequence[Operation]:
    stmt = readable_operations(principal)
    if query.status is not None:
        stmt = stmt.where(Operation.status == query.status.value)
    if query.package_id is not None:
        stmt = stmt.where(Operation.package_id == query.package_id)
    stmt = stmt.options(selectinload(Operation.targets), selectinload(Operation.cases))
    return session.scalars(stmt.order_by(Operation.strike_at.desc(), Operation.id.desc()).limit(limit)).all()


def target(session: Session, target_id: int) -> OperationTarget | None:
    return session.get(OperationTarget, target_id)


def operations_for_cases(
    session: Session, principal: Principal, case_ids: Sequence[int]
) -> Sequence[Operation]:
    if not case_ids:
        return []
    linked = select(OperationCase.operation_id).where(OperationCase.case_id.in_(case_ids))
    return session.scalars(readable_operations(principal).where(Operation.id.in_(linked))).all()
