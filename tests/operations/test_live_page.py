"""The field page on a phone: a refused report comes back on the same page, inside the target's
card, in Chinese naming the field, with what the officer typed; the other targets are untouched."""

from sqlalchemy.orm import Session

from tests.factories import World
from tests.operations.factories import operation, target

HTML = {"Accept": "text/html"}


def test_a_refused_live_report_is_shown_inline_with_the_input_kept(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    op = operation(session, world, targets=[target(label="阳光路窝点"), target(label="绿洲路窝点")])
    first, second = op.targets
    police = login("analyst")
    form = {"arrests": "4", "seized_phone": "7", "note": "已控制三人"}  # counts without having arrived
    r = police.post(f"/operations/targets/{first.id}/status", data=form, headers=HTML)
    assert r.status_code == 422
    page = r.text
    assert "收网现场" in page and 'id="live-error"' in page and "到达现场：" in page
    card = page.split(f'id="t{first.id}"')[1].split("</section>")[0]
    assert 'id="live-error"' in card
    assert 'name="arrests" min="0" max="500" inputmode="numeric" value="4"' in card
    assert (
        'name="seized_phone" min="0" inputmode="numeric" value="7"' in card and 'value="已控制三人"' in card
    )
    other = page.split(f'id="t{second.id}"')[1].split("</section>")[0]
    assert (
        "live-error" not in other
        and 'name="arrests" min="0" max="500" inputmode="numeric" value="0"' in other
    )
    session.refresh(first)
    assert first.arrests == 0 and first.arrived_at is None

    ok = police.post(
        f"/operations/targets/{first.id}/status", data={**form, "arrived": "on"}, follow_redirects=False
    )
    assert ok.status_code == 303 and "notice=" in ok.headers["location"]
