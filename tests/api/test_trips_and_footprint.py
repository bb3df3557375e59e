"""Trips, the footprint summary, profiles and the factors API, through the HTTP interface."""

from datetime import timedelta

import pytest

from tests.api.conftest import TODAY, AsUser, Client, problem

URL = "/api/v1/me/trips"


def _profile(client: Client, headers: dict[str, str], **fields: object) -> None:
    response = client.put("/api/v1/me/profile", json=fields, headers=headers)
    assert response.status_code == 200, response.text


def _trip(**fields: object) -> dict[str, object]:
    return {"date": str(TODAY), "mode": "bus", "replaced": "car", "distance_km": 10, **fields}


def test_a_bus_trip_saves_the_car_minus_the_bus(client: Client, as_user: AsUser) -> None:
    headers = as_user("cy")
    _profile(client, headers, region="GB", car={"fuel": "diesel", "size": "large"})
    body = client.post(URL, json=_trip(), headers=headers).json()
    # DESNZ 2025: large diesel car 0.21007 kg CO2e/vkm; average local bus 0.10385 kg CO2e/pkm
    assert body["kg_co2e_avoided"] == pytest.approx(10 * (0.21007 - 0.10385), rel=1e-9)
    assert body["rule"] == "replaced_car"
    assert body["factor_ids"] == [
        "gb.desnz2025.car.diesel.large.ttw",
        "gb.desnz2025.bus.average_local.ttw",
    ]


def test_a_trip_that_replaced_nothing_saves_nothing(client: Client, as_user: AsUser) -> None:
    body = client.post(URL, json=_trip(replaced="none"), headers=as_user("cy")).json()
    assert (body["kg_co2e_avoided"], body["kg_low"], body["kg_high"]) == (0, 0, 0)
    assert body["rule"] == "replaced_nothing"


def test_walking_instead_of_an_electric_car_depends_on_the_grid(
    client: Client, as_user: AsUser
) -> None:
    headers = as_user("ev")
    _profile(client, headers, region="CN", car={"fuel": "electric"})
    body = client.post(URL, json=_trip(mode="walk"), headers=headers).json()
    assert body["rule"] == "replaced_car"
    assert "cn.mee2023.grid.national.generation" in body["factor_ids"]


def test_a_retry_with_the_same_key_returns_the_first_trip(client: Client, as_user: AsUser) -> None:
    headers = {**as_user("di"), "Idempotency-Key": "trip-1"}
    first = client.post(URL, json=_trip(), headers=headers)
    again = client.post(URL, json=_trip(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    week = client.get("/api/v1/me/footprint?period=week", headers=headers).json()
    assert week["totals"]["km"] == 10


def test_a_key_reused_for_another_trip_is_refused(client: Client, as_user: AsUser) -> None:
    headers = {**as_user("di"), "Idempotency-Key": "trip-1"}
    client.post(URL, json=_trip(), headers=headers)
    detail = problem(client.post(URL, json=_trip(distance_km=11), headers=headers), 409)
    assert "different trip" in str(detail["detail"])


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"mode": "car"}, 422, "mode 'car' is not one of"),
        ({"replaced": "rocket"}, 422, "replaced 'rocket'"),
        ({"mode": "walk", "distance_km": 150}, 422, "0–100 km for a walk trip"),
        ({"distance_km": None}, 422, "needs distance_km or a track"),
        ({"date": str(TODAY + timedelta(days=2))}, 422, "in the future"),
        ({"distance_km": -3}, 400, "distance_km"),
        (
            {"mode": "walk", "distance_km": None,
             "track": {"distance_m": 20000, "moving_seconds": 1200, "max_speed_kmh": 70}},
            422, "a walk whose track moved at 60.0 km/h",
        ),
    ],
)  # fmt: skip
def test_bad_trips_are_refused_and_change_nothing(
    client: Client, as_user: AsUser, fields: dict[str, object], status: int, words: str
) -> None:
    headers = as_user("ed")
    body = problem(client.post(URL, json=_trip(**fields), headers=headers), status)
    assert words in str(body["detail"])
    week = client.get("/api/v1/me/footprint?period=week", headers=headers).json()
    assert week["totals"]["days"] == 0


def test_the_footprint_adds_up_its_days(client: Client, as_user: AsUser) -> None:
    headers = as_user("fy")
    _profile(client, headers, region="US", height_cm=165, sex="female")
    for back, steps in [(0, 8000), (1, 6000), (2, 7000)]:
        day = TODAY - timedelta(days=back)
        client.put(f"/api/v1/me/steps/{day}", json={"steps": steps}, headers=headers)
    client.post(URL, json=_trip(mode="metro", distance_km=12), headers=headers)
    body = client.get("/api/v1/me/footprint?period=month", headers=headers).json()
    series, totals = body["series"], body["totals"]
    assert [d["steps"] for d in series] == [7000, 6000, 8000]
    assert totals["steps"] == 21000
    assert totals["kg_co2e_avoided"] == pytest.approx(sum(d["kg_co2e_avoided"] for d in series))
    assert totals["kg_low"] <= totals["kg_co2e_avoided"] <= totals["kg_high"]
    assert body["streak_days"] == 3
    kinds = {e["kind"]: e for e in body["equivalents"]}
    assert set(kinds) == {"tree_days", "resident_days", "km_not_driven"}
    for equivalent in kinds.values():
        assert equivalent["sources"], equivalent["kind"]
        assert all(s["url"] for s in equivalent["sources"])
    assert body["standing"] is None  # not opted in


def test_a_day_period_holds_only_today(client: Client, as_user: AsUser) -> None:
    headers = as_user("gi")
    _profile(client, headers, region="GB")
    client.put(f"/api/v1/me/steps/{TODAY - timedelta(days=1)}", json={"steps": 10}, headers=headers)
    body = client.get("/api/v1/me/footprint?period=day", headers=headers).json()
    assert body["series"] == []
    assert body["first_day"] == body["last_day"] == str(TODAY)


def test_the_footprint_day_is_the_person_s_own_day(client: Client, as_user: AsUser) -> None:
    headers = as_user("li")
    _profile(client, headers, region="CN")  # 18:00 UTC is 02:00 tomorrow in Shanghai
    shanghai = client.get("/api/v1/me/footprint?period=day", headers=headers).json()
    assert shanghai["first_day"] == str(TODAY + timedelta(days=1))
    _profile(client, headers, region="CN", time_zone="America/Los_Angeles")
    abroad = client.get("/api/v1/me/footprint?period=day", headers=headers).json()
    assert abroad["first_day"] == str(TODAY)


def test_an_unknown_period_is_refused(client: Client, as_user: AsUser) -> None:
    body = problem(client.get("/api/v1/me/footprint?period=fortnight", headers=as_user("x")), 422)
    assert "fortnight" in str(body["detail"])


def test_standing_ranks_people_who_opted_in(client: Client, as_user: AsUser) -> None:
    for user, steps in [("p1", 2000), ("p2", 6000), ("p3", 12000)]:
        headers = as_user(user)
        _profile(client, headers, region="EU", leaderboard=True)
        client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": steps}, headers=headers)
    hidden = as_user("p4")
    _profile(client, hidden, region="EU")
    client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 30000}, headers=hidden)
    top = client.get("/api/v1/me/footprint?period=week", headers=as_user("p3")).json()
    middle = client.get("/api/v1/me/footprint?period=week", headers=as_user("p2")).json()
    assert top["standing"] == {"region": "EU", "people": 3, "percentile": 100.0}
    assert middle["standing"]["percentile"] == 50.0


def test_the_first_request_creates_the_person(client: Client, as_user: AsUser) -> None:
    body = client.get("/api/v1/me/profile", headers=as_user("new-person")).json()
    assert body == {
        "user_id": "new-person",
        "region": "WORLD",
        "height_cm": None,
        "sex": None,
        "car": {"fuel": "unknown", "size": "average"},
        "locale": "en",
        "easy_mode": False,
        "leaderboard": False,
        "time_zone": "UTC",
    }


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"region": "Mars"}, 422, "region 'Mars'"),
        ({"region": "GB", "height_cm": 900}, 422, "height_cm 900"),
        ({"region": "GB", "car": {"fuel": "coal"}}, 422, "car.fuel 'coal'"),
        ({"region": "GB", "shoe_size": 42}, 400, "shoe_size"),
        ({}, 400, "region"),
        ({"region": "CN", "time_zone": "Mars/Olympus"}, 422, "time_zone 'Mars/Olympus'"),
    ],
)
def test_a_bad_profile_is_refused_and_changes_nothing(
    client: Client, as_user: AsUser, fields: dict[str, object], status: int, words: str
) -> None:
    headers = as_user("hu")
    _profile(client, headers, region="CN")
    body = problem(client.put("/api/v1/me/profile", json=fields, headers=headers), status)
    assert words in str(body["detail"])
    assert client.get("/api/v1/me/profile", headers=headers).json()["region"] == "CN"


def test_the_factors_api_filters_and_cites(client: Client) -> None:
    body = client.get("/api/v1/factors?region=GB&mode=car").json()
    assert body["factors"]
    assert {f["region"] for f in body["factors"]} == {"GB"}
    assert {f["mode"] for f in body["factors"]} == {"car"}
    cited = {s["source_id"] for s in body["sources"]}
    assert {f["source_id"] for f in body["factors"]} == cited
    assert len(body["factor_set_version"]) == 16


def test_the_openapi_schema_documents_the_api(client: Client) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert "/api/v1/me/steps/{day}" in schema["paths"]
    steps_in = schema["components"]["schemas"]["StepsIn"]
    assert steps_in["properties"]["steps"]["examples"] == [8000]


def test_health_names_the_factor_set(client: Client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_unexpected_fault_is_a_problem_without_internals(
    client: Client, as_user: AsUser
) -> None:
    headers = as_user("zz")
    client.app.state.runtime.store.close()  # the store going away is a fault, not bad input
    body = problem(client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 5}, headers=headers), 500)
    assert "closed" not in str(body)
    assert body["type"] == "/problems/internal-error"


def test_a_person_s_own_new_steps_count_in_their_standing_at_once(
    client: Client, as_user: AsUser
) -> None:
    for user, steps in [("q1", 2000), ("q2", 9000)]:
        headers = as_user(user)
        _profile(client, headers, region="US", leaderboard=True)
        client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": steps}, headers=headers)
    q1 = as_user("q1")
    before = client.get("/api/v1/me/footprint?period=week", headers=q1).json()["standing"]
    assert before["percentile"] == 0.0
    client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 20000}, headers=q1)
    after = client.get("/api/v1/me/footprint?period=week", headers=q1).json()["standing"]
    assert after == {"region": "US", "people": 2, "percentile": 100.0}
