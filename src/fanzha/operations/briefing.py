"""The operation's briefing (行动简报) as a PDF for the teams: WeasyPrint with the CJK font that
fontconfig finds (as the exam certificates and bulletins use)."""

from datetime import datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from fanzha.core.timeutil import to_local
from fanzha.operations.models import SeizedCategory
from fanzha.operations.schemas import OperationOut


@lru_cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("fanzha.operations", "templates"), autoescape=select_autoescape())


def render_pdf(operation: OperationOut, exported_by: str, now: datetime, masked: bool) -> bytes:
    from weasyprint import HTML

    html = (
        _env()
        .get_template("briefing.html")
        .render(
            o=operation,
            strike=f"{to_local(operation.strike_at):%Y年%-m月%-d日 %H:%M}",
            categories="、".join(c.label for c in SeizedCategory),
            exported_by=exported_by,
            exported_at=f"{to_local(now):%Y-%m-%d %H:%M}",
            masked=masked,
        )
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
