"""A trace for the case file: JSON, CSV and an SVG drawing (layered by hop, no external tools)."""

import csv
import io
from html import escape
from typing import Any

from fanzha.core.cells import safe_row
from fanzha.core.timeutil import format_local
from fanzha.funds.trace import REASON_LABELS, AccountFlow, TraceResult, cents_to_yuan

RULE_LABELS = {"fifo": "先进先出", "proportional": "按比例"}


def _account(a: AccountFlow) -> dict[str, Any]:
    return {
        "account": a.account,
        "bank": a.bank,
        "hop": a.hop,
        "received": str(cents_to_yuan(a.received)),
        "sent": str(cents_to_yuan(a.sent)),
        "remaining": str(cents_to_yuan(a.remaining)),
        "truncated": {r: str(cents_to_yuan(c)) for r, c in sorted(a.truncated.items())},
    }


def to_json(result: TraceResult) -> dict[str, Any]:
    p = result.params
    return {
        "params": {
            "account": p.account,
            "since": p.since.isoformat(),
            "rule": p.rule,
            "max_hops": p.max_hops,
            "window_hours": p.window_s / 3600,
            "min_amount": str(cents_to_yuan(p.min_cents)),
        },
        "truncated": result.truncated,
        "ranked": [a.account for a in result.ranked()],
        "accounts": [_account(a) for a in result.accounts],
        "transfers": [
            {
                "src": t.src,
                "dst": t.dst,
                "at": t.at.isoformat(),
                "amount": str(cents_to_yuan(t.amount)),
                "attributed": str(cents_to_yuan(t.attributed)),
            }
            for t in result.transfers
        ],
    }


def to_csv(result: TraceResult) -> str:
    """Two tables in one file: the accounts (ranked), then the transfers."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["账户", "银行", "层级", "流入受害资金", "流出受害资金", "可能留存", "截断"])
    for a in result.ranked() + [a for a in result.accounts if a.hop == 0 or a.remaining == 0]:
        cuts = "；".join(f"{REASON_LABELS[r]} {cents_to_yuan(c)}" for r, c in sorted(a.truncated.items()))
        w.writerow(
            safe_row(
                [
                    a.account,
                    a.bank or "",
                    a.hop,
                    cents_to_yuan(a.received),
                    cents_to_yuan(a.sent),
                    cents_to_yuan(a.remaining),
                    cuts,
                ]
            )
        )
    w.writerow([])
    w.writerow(["转出账户", "转入账户", "时间", "交易金额", "其中受害资金"])
    for t in result.transfers:
        w.writerow(
            safe_row([t.src, t.dst, format_local(t.at), cents_to_yuan(t.amount), cents_to_yuan(t.attributed)])
        )
    return out.getvalue()


_COL, _ROW, _W, _H = 230, 64, 190, 46


def to_svg(result: TraceResult) -> str:
    """Columns by hop; each box shows the account and the victim's money still there."""
    layers: dict[int, list[AccountFlow]] = {}
    for a in result.accounts:
        layers.setdefault(a.hop, []).append(a)
    pos: dict[str, tuple[int, int]] = {}
    for hop, items in layers.items():
        for row, a in enumerate(items):
            pos[a.account] = (20 + hop * _COL, 50 + row * _ROW)
    width = 40 + (max(layers, default=0) + 1) * _COL
    height = 80 + max((len(v) for v in layers.values()), default=1) * _ROW
    p = result.params
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
        f'<text x="20" y="24" font-size="13">资金流向：{escape(p.account)}，{RULE_LABELS[p.rule]}，'
        f"{p.max_hops} 跳，{p.window_s // 3600} 小时{'（有截断）' if result.truncated else ''}</text>",
    ]
    for t in result.transfers:
        (x1, y1), (x2, y2) = pos[t.src], pos[t.dst]
        parts.append(
            f'<line x1="{x1 + _W}" y1="{y1 + _H // 2}" x2="{x2}" y2="{y2 + _H // 2}" stroke="#888" '
            f'marker-end="url(#arrow)"><title>{format_local(t.at)} {cents_to_yuan(t.attributed)}</title>'
            "</line>"
        )
    for a in result.accounts:
        x, y = pos[a.account]
        colour = "#fde2e2" if a.truncated else ("#e8f0fe" if a.hop else "#e6f4ea")
        parts.append(
            f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="4" fill="{colour}" stroke="#666"/>'
        )
        parts.append(f'<text x="{x + 6}" y="{y + 16}">{escape(a.account)} {escape(a.bank or "")}</text>')
        label = f"留存 {cents_to_yuan(a.remaining)}" if a.hop else f"转出 {cents_to_yuan(a.sent)}"
        cut = " 截断" if a.truncated else ""
        parts.append(f'<text x="{x + 6}" y="{y + 34}">{label}{cut}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
