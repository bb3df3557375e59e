"""PUT /api/v1/me/steps/{date}: distance, carbon avoided, and every refusal."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from litestar.testing import TestClient

from greenapp.settings import Settings
from greenapp.web.app import create_app
from tests import stored
from tests.api.conftest import NOW, TODAY, AsUser, Client, problem

GB_DRIVER = {
    "region": "GB",
    "height_cm": 170,
    "sex": "male",
    "car": {"fuel": "petrol", "size": "medium"},
}


def _stored_days(settings: Settings) -> list[tuple[object, ...]]:
    return stored.rows(settings, "SELECT user_id, day, steps, revision FROM step_days")


@pytest.fixture
def gb(client: Client, as_user: AsUser) -> dict[str, str]:
    headers = as_user("ada")
    assert client.put("/api/v1/me/profile", json=GB_DRIVER, headers=headers).status_code == 200
    return headers


def test_a_hand_computed_day_in_london_equals_the_answer(
    client: Client, gb: dict[str, str]
) -> None:
    answer = client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 10000}, headers=gb)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # Step length: 0.415 × height for men (the widely quoted ratio; see verification notes).
    km = 10000 * 1.70 * 0.415 / 1000
    # DESNZ 2025 conversion factors: medium petrol car 0.17474 kg CO2e per vehicle-km;
    # walking 0; 5% of plain walked distance counted as replacing the car (docs/method.md).
    kg = km * 0.05 * (0.17474 - 0)
    assert body["distance_km"] == pytest.approx(km, rel=1e-9)
    assert body["kg_co2e_avoided"] == pytest.approx(kg, rel=1e-9)
    assert body["kg_low"] < body["kg_co2e_avoided"] < body["kg_high"]
    assert body["status"] == "counted"
    assert body["rule"] == "steps_share_of_walking"
    assert body["step_rule"] == "height_ratio"
    assert "gb.desnz2025.car.petrol.medium.ttw" in body["factor_ids"]
    assert len(body["factor_set_version"]) == 16


def test_sending_the_same_count_again_changes_nothing(
    client: Client,
    gb: dict[str, str],
    settings: Settings,
) -> None:
    first = client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 4000}, headers=gb).json()
    again = client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 4000}, headers=gb).json()
    assert again == first
    assert _stored_days(settings) == [("ada", TODAY, 4000, 1)]


def test_a_growing_count_replaces_the_day(
    client: Client, gb: dict[str, str], settings: Settings
) -> None:
    client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 4000}, headers=gb)
    later = client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 9000}, headers=gb).json()
    assert later["steps"] == 9000
    assert _stored_days(settings) == [("ada", TODAY, 9000, 2)]


def _refused_and_unchanged(
    client: Client,
    gb: dict[str, str],
    settings: Settings,
    url: str,
    body: dict[str, object],
    status: int,
    words: list[str],
) -> None:
    before = _stored_days(settings)
    detail = str(problem(client.put(url, json=body, headers=gb), status)["detail"])
    for word in words:
        assert word in detail
    assert _stored_days(settings) == before


def test_a_lower_count_is_refused(client: Client, gb: dict[str, str], settings: Settings) -> None:
    client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 9000}, headers=gb)
    _refused_and_unchanged(
        client, gb, settings, f"/api/v1/me/steps/{TODAY}", {"steps": 8000}, 409,
        ["already 9000", "only grows"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("day", "body", "status", "words"),
    [
        (TODAY + timedelta(days=2), {"steps": 10}, 422, ["in the future"]),
        (TODAY - timedelta(days=31), {"steps": 10}, 422, ["30-day window"]),
        (TODAY, {"steps": 100_001}, 422, ["daily cap of 100000"]),
        (TODAY, {"steps": -1}, 400, ["steps"]),
        (TODAY, {"steps": "many"}, 400, ["steps", "int"]),
        (TODAY, {"steps": 10, "floors": 3}, 400, ["floors"]),
        (TODAY, {"steps": 10, "device_distance_m": -5}, 400, ["device_distance_m"]),
    ],
)
def test_impossible_reports_are_refused_and_change_nothing(
    client: Client,
    gb: dict[str, str],
    settings: Settings,
    day: date,
    body: dict[str, object],
    status: int,
    words: list[str],
) -> None:
    _refused_and_unchanged(client, gb, settings, f"/api/v1/me/steps/{day}", body, status, words)


def test_a_date_that_is_not_a_date_is_refused(client: Client, gb: dict[str, str]) -> None:
    response = client.put("/api/v1/me/steps/yesterday", json={"steps": 1}, headers=gb)
    assert response.status_code in (400, 404)
    problem(response, response.status_code)


def test_a_device_distance_no_stride_explains_is_flagged(
    client: Client, gb: dict[str, str]
) -> None:
    body = client.put(
        f"/api/v1/me/steps/{TODAY}",
        json={"steps": 1000, "device_distance_m": 12000},
        headers=gb,
    ).json()
    assert body["status"] == "flagged"
    assert body["kg_co2e_avoided"] == 0
    assert "12.00 m per step" in body["reasons"][0]


def test_a_fitting_device_distance_is_used(client: Client, gb: dict[str, str]) -> None:
    body = client.put(
        f"/api/v1/me/steps/{TODAY}",
        json={"steps": 1000, "device_distance_m": 720},
        headers=gb,
    ).json()
    assert body["status"] == "counted"
    assert body["step_rule"] == "device"
    assert body["distance_km"] == pytest.approx(0.72)


def test_a_track_at_vehicle_speed_marks_the_day_not_walked(
    client: Client, gb: dict[str, str]
) -> None:
    track = {"distance_m": 30000, "moving_seconds": 1800, "max_speed_kmh": 80}
    body = client.put(
        f"/api/v1/me/steps/{TODAY}", json={"steps": 6000, "track": track}, headers=gb
    ).json()
    assert body["status"] == "flagged"
    assert body["kg_co2e_avoided"] == 0
    assert any("60.0 km/h on average" in reason for reason in body["reasons"])


def test_zero_steps_save_nothing(client: Client, gb: dict[str, str]) -> None:
    body = client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 0}, headers=gb).json()
    assert (body["distance_km"], body["kg_co2e_avoided"]) == (0, 0)


def test_without_a_height_the_population_average_step_is_used(
    client: Client,
    as_user: AsUser,
) -> None:
    headers = as_user("bo")
    client.put("/api/v1/me/profile", json={"region": "CN"}, headers=headers)
    body = client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 1000}, headers=headers).json()
    assert body["step_rule"] == "population_average"
    assert body["fallbacks"] or body["factor_ids"]


def test_without_a_token_the_answer_is_401_problem_json(client: Client) -> None:
    problem(client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 1}), 401)


def test_a_forged_token_is_refused(client: Client) -> None:
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}
    problem(client.get("/api/v1/me/profile", headers=forged), 401)


def test_the_share_of_walking_that_replaced_driving_is_a_setting(
    settings: Settings, as_user: AsUser
) -> None:
    doubled = replace(settings, walk_car_share=0.10, walk_car_share_high=0.3)
    with TestClient(create_app(doubled, clock=lambda: NOW)) as other:
        other.put("/api/v1/me/profile", json=GB_DRIVER, headers=as_user("ada"))
        body = other.put(
            f"/api/v1/me/steps/{TODAY}", json={"steps": 10000}, headers=as_user("ada")
        ).json()
    km = 10000 * 1.70 * 0.415 / 1000
    assert body["kg_co2e_avoided"] == pytest.approx(km * 0.10 * 0.17474, rel=1e-9)


def test_a_day_that_has_begun_east_of_utc_is_not_future(client: Client, gb: dict[str, str]) -> None:
    # At 18:00 UTC it is already 08:00 tomorrow at UTC+14.
    tomorrow = TODAY + timedelta(days=1)
    response = client.put(f"/api/v1/me/steps/{tomorrow}", json={"steps": 300}, headers=gb)
    assert response.status_code == 200


def test_a_shaken_phone_s_day_is_flagged_through_the_api(
    client: Client, gb: dict[str, str]
) -> None:
    hourly = [0] * 8 + [6000] * 8 + [0] * 8
    body = client.put(
        f"/api/v1/me/steps/{TODAY}", json={"steps": 48000, "hourly": hourly}, headers=gb
    ).json()
    assert body["status"] == "flagged"
    assert body["kg_co2e_avoided"] == 0
    assert "as a shaken phone counts" in body["reasons"][0]
    too_many = client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 48000, "hourly": [1] * 25},
                          headers=gb)  # fmt: skip
    assert too_many.status_code == 400
