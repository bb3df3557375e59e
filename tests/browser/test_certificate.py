"""A certificate in real Chromium: the whole chain from the steps to the money paid for them."""

from typing import Any

from playwright.sync_api import Browser

from tests.browser.conftest import SCREENSHOTS, World
from tests.browser.test_pages import check, visit


def test_a_certificate_shows_the_chain_from_steps_to_the_money_paid(
    browser: Browser, world: World
) -> None:
    donation: Any = world.api(f"/api/v1/donations/{world.donation_id}")
    # The sponsor's credit, paid in full, and the team challenge's match, not paid yet.
    [pledge, match] = sorted(donation["pledges"], key=lambda p: p["kind"] != "credit")
    assert (pledge["status"], pledge["paid_minor"]) == ("paid", pledge["owed_minor"])
    assert (match["kind"], match["status"], match["paid_minor"]) == ("match", "owed", 0)
    page, errors, outside = visit(
        browser, world, f"/donations/{world.donation_id}/certificate", "en", False
    )
    check(page, errors, outside, "en", False)
    chain = page.locator("ol.chain")
    day = donation["date"]
    assert chain.locator("#chain-steps").inner_text() == (
        f"{donation['steps']:,} steps walked on {day}"
    )
    assert chain.locator("#chain-verified").inner_text() == "Verified: a counted day"
    kg = chain.locator("#chain-kg").inner_text()
    assert kg.startswith(
        f"{donation['kg_co2e']:.2f} kg CO2e avoided "
        f"(range {donation['kg_low']:.2f}–{donation['kg_high']:.2f})"
    )
    assert kg.endswith(f"with factor set {donation['factor_set_version']}")
    owed = f"{pledge['owed_minor'] // 100}.{pledge['owed_minor'] % 100:02d} CNY"
    pledges = chain.locator("li.chain-pledge")
    assert pledges.count() == 2
    given = pledges.filter(has_text=pledge["payer"])
    lines = given.inner_text().splitlines()
    assert lines[0] == f"{pledge['payer']} owes {owed} for these steps"
    assert given.locator(".pledge-status").inner_text() == "Paid"
    assert lines[-1] == f"{owed} paid on {day}, reference {world.payment_reference}"
    matched = pledges.filter(has_text=match["payer"])
    matched_owed = f"{match['owed_minor'] // 100}.{match['owed_minor'] % 100:02d} CNY"
    assert matched.inner_text().splitlines()[0] == (
        f"{match['payer']} matched them with {matched_owed} (team challenge)"
    )
    assert matched.locator(".pledge-status").inner_text() != "Paid"
    chain.screenshot(path=SCREENSHOTS / "certificate-chain-en.png")
    page.context.close()


def test_the_project_page_shows_what_the_money_bought(browser: Browser, world: World) -> None:
    page, errors, outside = visit(browser, world, f"/projects/{world.project_id}", "zh-CN", False)
    check(page, errors, outside, "zh-CN", False)
    cells = page.locator("#payouts tbody td").all_inner_texts()
    donation: Any = world.api(f"/api/v1/donations/{world.donation_id}")
    owed = {p["kind"]: p["owed_minor"] for p in donation["pledges"]}

    def cny(minor: int) -> str:
        return f"{minor // 100}.{minor % 100:02d} CNY"

    # The sponsor's credit is paid; the team challenge's match is still outstanding.
    assert cells[:4] == ["CNY", cny(owed["credit"] + owed["match"]), cny(owed["credit"]),
                         cny(owed["match"])]  # fmt: skip
    assert "saxaul seedlings × 3" in page.locator("#bought").inner_text()
    page.context.close()
