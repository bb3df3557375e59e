"""Every page, in both languages and in easy mode, in real Chromium at a phone's size."""

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from greenapp.web.pages import TOPICS
from tests.browser.conftest import PHONE, SCREENSHOTS, World

PUBLIC_PAGES = ["/", *(f"/explain/{topic}" for topic in TOPICS), "/projects/{project}",
                "/donations/{donation}/certificate"]  # fmt: skip
VARIANTS = [("en", False), ("zh-CN", False), ("en", True), ("zh-CN", True)]
SERIOUS = {"serious", "critical"}


def _name(path: str, lang: str, easy: bool) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    return f"{slug}-{lang}{'-easy' if easy else ''}"


def visit(browser: Browser, world: World, path: str, lang: str, easy: bool,
          session: bool = False) -> tuple[Page, list[str], list[str]]:  # fmt: skip
    """Open ``path``; return the page, console errors and requests that left the server."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = world.server.url
    page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
    query = f"lang={lang}" + ("&easy=1" if easy else "")
    if session:
        page.goto(f"{base}/session?token={world.token}&next={path}?{query.replace('&', '%26')}")
    else:
        response = page.goto(f"{base}{path}?{query}")
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{_name(path, lang, easy)}.png", full_page=True)
    return page, errors, outside


def check(page: Page, errors: list[str], outside: list[str], lang: str, easy: bool) -> None:
    assert errors == []
    assert outside == []
    assert page.locator("html").get_attribute("lang") == lang
    assert ("easy" in (page.locator("body").get_attribute("class") or "")) == easy
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in serious]


@pytest.mark.parametrize(("lang", "easy"), VARIANTS)
@pytest.mark.parametrize("template", PUBLIC_PAGES)
def test_public_pages(browser: Browser, world: World, template: str, lang: str, easy: bool) -> None:
    path = template.format(project=world.project_id, donation=world.donation_id)
    page, errors, outside = visit(browser, world, path, lang, easy)
    check(page, errors, outside, lang, easy)
    page.context.close()


@pytest.mark.parametrize(("lang", "easy"), VARIANTS)
def test_the_footprint_page_matches_the_api(
    browser: Browser, world: World, lang: str, easy: bool
) -> None:
    page, errors, outside = visit(browser, world, "/me/footprint", lang, easy, session=True)
    check(page, errors, outside, lang, easy)
    api = world.api("/api/v1/me/footprint?period=month")
    assert (
        page.locator("#kg-total").inner_text() == f"{api['totals']['kg_co2e_avoided']:.2f} kg CO2e"
    )
    assert page.locator("#steps-total").inner_text() == f"{api['totals']['steps']:,}"
    assert page.locator("svg[role=img]").count() == 2
    page.context.close()


def test_the_project_and_certificate_match_the_api(browser: Browser, world: World) -> None:
    project: Any = world.api(f"/api/v1/projects/{world.project_id}")
    page, _, _ = visit(browser, world, f"/projects/{world.project_id}", "en", False)
    text = page.locator("main").inner_text()
    assert f"{project['progress']['steps']:,}" in text
    raised = project["progress"]["raised"][0]["amount_minor"]
    assert f"{raised // 100}.{raised % 100:02d} CNY" in text
    page.context.close()
    donation = world.api(f"/api/v1/donations/{world.donation_id}")
    page, _, _ = visit(
        browser, world, f"/donations/{world.donation_id}/certificate", "zh-CN", False
    )
    text = page.locator("main").inner_text()
    assert f"{donation['steps']:,}" in text
    assert f"{donation['kg_co2e']:.2f}" in text
    page.context.close()


@pytest.mark.parametrize(("lang", "easy"), VARIANTS)
def test_the_team_page_shows_the_challenge_as_the_api_does(
    browser: Browser, world: World, lang: str, easy: bool
) -> None:
    page, errors, outside = visit(browser, world, f"/teams/{world.team_id}", lang, easy,
                                  session=True)  # fmt: skip
    check(page, errors, outside, lang, easy)
    team = world.api(f"/api/v1/teams/{world.team_id}")
    (challenge,) = team["challenges"]
    card = page.locator(f"#{challenge['challenge_id']}")
    assert card.locator(".steps").inner_text() == f"{challenge['progress']['steps']:,}"
    matched = challenge["progress"]["matched_minor"]
    assert matched > 0
    assert card.locator(".matched").inner_text().startswith(f"{matched // 100}.{matched % 100:02d}")
    assert [r["nickname"] for r in challenge["leaderboard"]] == ["Mei"]
    assert "Mei" in card.locator("table").inner_text()
    code = team["team"]["invite_code"]
    assert page.locator("#invite-code").inner_text() == f"{code[:4]}-{code[4:]}"
    page.context.close()


def test_the_footprint_page_needs_a_session(browser: Browser, world: World) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    response = page.goto(f"{world.server.url}/me/footprint?lang=en")
    assert response is not None
    assert response.status == 401
    assert "open this page from the app" in page.locator("main").inner_text()
    context.close()
