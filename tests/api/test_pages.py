"""Page behaviour that is about HTTP: sessions, language choice, caching, error pages."""

from tests.api.conftest import TODAY, AsUser, Client


def test_a_token_becomes_an_httponly_session_cookie(client: Client, as_user: AsUser) -> None:
    token = as_user("pia")["Authorization"].removeprefix("Bearer ")
    response = client.get(
        "/session", params={"token": token, "next": "/me/footprint?period=week"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/me/footprint?period=week"
    cookie = response.headers["set-cookie"]
    assert "greenapp_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    page = client.get("/me/footprint?period=week")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"


def test_the_session_cookie_is_not_an_api_token(client: Client, as_user: AsUser) -> None:
    token = as_user("pia")["Authorization"].removeprefix("Bearer ")
    client.get("/session", params={"token": token}, follow_redirects=False)
    cookie = client.cookies.get("greenapp_session")
    assert cookie
    client.cookies.clear()
    refused = client.get("/api/v1/me/profile", headers={"Authorization": f"Bearer {cookie}"})
    assert refused.status_code == 401


def test_a_session_only_redirects_within_the_site(client: Client, as_user: AsUser) -> None:
    token = as_user("pia")["Authorization"].removeprefix("Bearer ")
    for target in ("https://evil.example/", "//evil.example/x"):
        response = client.get(
            "/session", params={"token": token, "next": target}, follow_redirects=False
        )
        assert response.headers["location"] == "/me/footprint"


def test_a_bad_token_gets_an_html_error_page(client: Client) -> None:
    response = client.get("/session", params={"token": "not-a-token"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert "not valid" in response.text


def test_language_comes_from_the_query_then_the_browser(client: Client) -> None:
    chinese = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert '<html lang="zh-CN">' in chinese.text
    assert chinese.headers["content-language"] == "zh-CN"
    english = client.get("/?lang=en", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in english.text
    assert client.get("/explain/walking").headers["cache-control"] == "public, max-age=300"


def test_the_footprint_page_uses_the_person_s_language_and_easy_mode(
    client: Client, as_user: AsUser
) -> None:
    headers = as_user("lao")
    client.put(
        "/api/v1/me/profile",
        json={"region": "CN", "locale": "zh-CN", "easy_mode": True},
        headers=headers,
    )
    client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 4000}, headers=headers)
    client.post("/session", headers=headers)
    page = client.get("/me/footprint").text
    assert '<html lang="zh-CN">' in page
    assert '<body class="easy">' in page
    assert "我的碳足迹" in page


def test_unknown_pages_are_html_404s(client: Client) -> None:
    response = client.get("/explain/astrology")
    assert response.status_code == 404
    assert "no explainer &#39;astrology&#39;" in response.text
