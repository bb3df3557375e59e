"""People's rights: a copy of everything, and erasure that keeps project totals right."""

from tests.api.conftest import TODAY, AsUser, Client
from tests.api.test_giving import donate, new_project, partner_key, walker


def test_a_person_gets_all_their_data(client: Client, as_user: AsUser) -> None:
    project_id, _ = new_project(client, partner_key(client))
    headers = walker(client, as_user, "ana", steps=8000)
    client.post("/api/v1/me/trips", json={"date": str(TODAY), "mode": "bus", "replaced": "car",
                                          "distance_km": 3}, headers=headers)  # fmt: skip
    donation = donate(client, headers, project_id).json()
    mine = client.get("/api/v1/me/export", headers=headers).json()
    assert mine["profile"]["region"] == "CN"
    assert [d["steps"] for d in mine["days"]] == [8000]
    assert [t["mode"] for t in mine["trips"]] == ["bus"]
    assert [d["donation_id"] for d in mine["donations"]] == [donation["donation_id"]]
    other = client.get("/api/v1/me/export", headers=as_user("someone-else")).json()
    assert (other["days"], other["trips"], other["donations"]) == ([], [], [])


def test_erasure_removes_the_person_and_keeps_the_project_totals(
    client: Client, as_user: AsUser
) -> None:
    project_id, _ = new_project(client, partner_key(client), rate=100)
    headers = walker(client, as_user, "bea", steps=12000)
    donation = donate(client, headers, project_id).json()
    before = client.get(f"/api/v1/projects/{project_id}").json()["progress"]

    assert client.delete("/api/v1/me", headers=headers).status_code == 204

    after = client.get(f"/api/v1/projects/{project_id}").json()["progress"]
    assert after == before
    assert (
        client.get(f"/api/v1/donations/{donation['donation_id']}", headers=headers).status_code
        == 404
    )
    fresh = client.get("/api/v1/me/export", headers=headers).json()
    assert (fresh["days"], fresh["trips"], fresh["donations"]) == ([], [], [])
    assert fresh["profile"]["region"] == "WORLD"  # a new, empty person if the token comes back
    runtime = client.app.state.runtime
    kept = runtime.store.read(lambda tx: tx.donation(donation["donation_id"]))
    assert kept.user_id.startswith("erased-")
    assert kept.steps == 12000
