"""Bulletin outputs: HTML (page and print), PDF, CSV and XLSX, all from one ``Bulletin``.

The PDF is the print HTML through WeasyPrint; its Chinese text needs a CJK font known to
fontconfig (scripts/install.sh installs Debian's fonts-wqy-zenhei).
"""

import csv
import io
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from fanzha.bulletins import charts
from fanzha.bulletins.changes import describe_change
from fanzha.bulletins.figures import RANKING_LABELS
from fanzha.bulletins.schemas import Bulletin
from fanzha.core.cells import safe_row
from fanzha.core.timeutil import format_local, to_local

Cell = str | int | Decimal | None


def money(value: Decimal | int) -> str:
    return f"{Decimal(value):,.2f}"


def figure(value: Decimal | int) -> str:
    """A count as 1,234; money as 1,234.50 — the same text on the page and in the PDF."""
    return money(value) if isinstance(value, Decimal) else f"{value:,}"


@lru_cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("fanzha.bulletins", "templates"), autoescape=select_autoescape())
    env.filters["figure"] = figure
    env.filters["local"] = format_local
    env.filters["local_date"] = lambda value: f"{to_local(value):%Y年%-m月%-d日}"
    env.globals["kind_labels"] = {
        "day": "日报",
        "week": "周报",
        "month": "月报",
        "quarter": "季报",
        "year": "年报",
    }
    env.globals["describe_change"] = describe_change
    return env


def chart_svgs(b: Bulletin) -> dict[str, str]:
    types = [t for t in b.fraud_types if t.count]
    kids = b.children[:15]
    return {
        "trend": charts.column_chart(
            f"近{len(b.series)}期发案数（起）", [p.key[-5:] for p in b.series], [p.cases for p in b.series]
        ),
        "types": charts.bar_chart(
            "各类诈骗发案数（起）",
            [t.label for t in types],
            [t.count for t in types],
            [t.share_text for t in types],
        ),
        "children": charts.bar_chart(
            "下级单位发案数（起）", [k.name for k in kids], [k.values["cases"] for k in kids]
        ),
    }


def render_html(b: Bulletin, page: bool = False) -> str:
    """The bulletin as a document (for the PDF), or with ``page`` as a fragment for a console page."""
    return (
        _env()
        .get_template("bulletin.html")
        .render(b=b, charts=chart_svgs(b), page=page, ranking_labels=RANKING_LABELS)
    )


def render_pdf(b: Bulletin) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(b)).write_pdf()
    return pdf


def tables(b: Bulletin) -> list[tuple[str, list[list[Cell]]]]:
    """The underlying tables, as (sheet name, rows with a header row first)."""
    headline: list[list[Cell]] = [
        ["指标", "单位", "本期", "上期", "环比", "去年同期", "同比", "连续下降期数"]
    ]
    headline += [[m.label, m.unit, m.value, m.previous, m.mom_text, m.last_year, m.yoy_text, m.decline_streak]
                 for m in b.headline]  # fmt: skip
    headline += [[r.label, "%", r.text, None, None, None, None, None] for r in b.rates]
    types: list[list[Cell]] = [["诈骗类型代码", "诈骗类型", "发案数", "损失金额", "占比"]]
    types += [[t.code, t.label, t.count, t.amount, t.share_text] for t in b.fraud_types]
    types.append(["top4", "前四类合计占比", None, None, b.top4_share_text])
    groups: list[list[Cell]] = [["分组", "代码", "名称", "发案数", "占比"]]
    groups += [["受害群体", g.code, g.label, g.count, g.share_text] for g in b.victim_groups]
    groups += [["年龄段", a.code, a.label, a.count, a.share_text] for a in b.age_bands]
    sources: list[list[Cell]] = [["预警来源", *b.warning_levels, "合计"]]
    sources += [[s.label, *s.by_level.values(), s.total] for s in b.warning_sources]
    measure_keys = [m.key for m in b.headline]
    ranks = [f"{RANKING_LABELS[k]}排名" for k in b.ranking_measures]
    labels = [RANKING_LABELS[k] for k in measure_keys]
    kids: list[list[Cell]] = [["代码", "单位", *labels, "发案同比", "万人发案数", *ranks]]
    kids += [[k.code, k.name, *[k.values[m] for m in measure_keys], k.cases_yoy_text, k.cases_per_10k,
              *[k.ranks[r] for r in b.ranking_measures]] for k in b.children]  # fmt: skip
    return [("指标", headline), ("诈骗类型", types), ("受害群体与年龄", groups), ("预警来源", sources),
            ("下级单位排名", kids)]  # fmt: skip


def to_csv(b: Bulletin) -> str:
    """All tables in one CSV, each preceded by its name and followed by a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row([f"{b.node_name}（{b.node_code}）", b.period_label]))
    for name, rows in tables(b):
        writer.writerow([])
        writer.writerow([f"【{name}】"])
        writer.writerows(safe_row("" if c is None else c for c in row) for row in rows)
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 Chinese correctly


def to_xlsx(b: Bulletin) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables(b):
        sheet: Any = book.create_sheet(name)
        for row in rows:
            sheet.append(safe_row(float(c) if isinstance(c, Decimal) else c for c in row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
