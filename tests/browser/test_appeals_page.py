"""The footprint page shows the person's appeals, each outcome and the reviewer's reason."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import PHONE, SCREENSHOTS, World
from tests.browser.test_pages import check

DOUBTED = {"steps": 12000, "device_distance_m": 100_000}  # 8.3 m a step


def _appealed_days(world: World, user: str) -> dict[str, str]:
    """Two flagged days appealed: today's accepted, yesterday's rejected. Appeal id by outcome."""
    url = world.server.url
    person = {"Authorization": f"Bearer {world.server.token(user)}"}
    httpx.put(f"{url}/api/v1/me/profile", json={"region": "WORLD", "locale": "en"},
              headers=person)  # fmt: skip
    today = datetime.now(UTC).date()
    decided = {}
    for day, outcome, reason in (
        (today, "accepted", "the charity walk's records agree"),
        (today - timedelta(days=1), "rejected", "the track moved at a car's speed"),
    ):
        httpx.put(f"{url}/api/v1/me/steps/{day}", json=DOUBTED, headers=person)
        made = httpx.post(f"{url}/api/v1/me/appeals", headers=person,
                          json={"date": str(day), "reason": "I walked all of it"})  # fmt: skip
        appeal_id = made.json()["appeal_id"]
        answer = httpx.post(f"{url}/api/v1/review/appeals/{appeal_id}/decision",
                            json={"outcome": outcome, "reason": reason},
                            headers=world.reviewer)  # fmt: skip
        assert answer.status_code == 201, answer.text
        decided[outcome] = appeal_id
    return decided


@pytest.mark.parametrize(("lang", "easy"), [("en", False), ("zh-CN", True)])
def test_the_footprint_page_shows_each_decision_and_its_reason(
    browser: Browser, world: World, lang: str, easy: bool
) -> None:
    user = f"appellant-{lang.lower()}{'-easy' if easy else ''}"
    decided = _appealed_days(world, user)
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = world.server.url
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
    query = f"lang={lang}" + ("%26easy=1" if easy else "")
    token = world.server.token(user)
    page.goto(f"{base}/session?token={token}&next=/me/footprint?{query}")
    page.wait_for_load_state("networkidle")
    appeals = page.locator("#appeals")
    appeals.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"me-footprint-appeals-{lang}{'-easy' if easy else ''}.png",
                    full_page=True)  # fmt: skip
    check(page, errors, outside, lang, easy)

    accepted = page.locator(f"#appeal-{decided['accepted']}").inner_text()
    rejected = page.locator(f"#appeal-{decided['rejected']}").inner_text()
    if lang == "en":
        assert "Your appeals" in page.locator("main").inner_text()
        assert "Accepted: the day counts" in accepted
        assert "Reviewer's reason: the charity walk's records agree" in accepted
        assert "Rejected: the day stays flagged" in rejected
        assert "Reviewer's reason: the track moved at a car's speed" in rejected
    else:
        assert "我的申诉" in page.locator("main").inner_text()
        assert "已通过：这一天计入" in accepted
        assert "审核理由：the charity walk's records agree" in accepted
        assert "未通过：这一天仍被标记" in rejected
    assert appeals.is_visible()
    context.close()
