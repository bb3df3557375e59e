"""Teams over HTTP: make one, join by invite code, leave, and every refusal."""

from greenapp.domain.teams import MAX_TEAMS_PER_PERSON
from tests.api.conftest import AsUser, Client, problem


def _make(client: Client, headers: dict[str, str], name: str = "Class 3B") -> dict[str, object]:
    response = client.post("/api/v1/teams", json={"name": name, "kind": "class"}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_team_is_made_joined_by_its_code_and_left(client: Client, as_user: AsUser) -> None:
    teacher, pupil = as_user("teacher"), as_user("pupil")
    team = _make(client, teacher)
    assert team["members"] == 1
    code = str(team["invite_code"])
    typed = f" {code[:4].lower()}-{code[4:].lower()} "  # as read off a poster
    joining = {"invite_code": typed, "on_leaderboard": True, "nickname": "Lin"}
    joined = client.post("/api/v1/teams/join", json=joining, headers=pupil)
    assert joined.status_code == 201, joined.text
    assert (joined.json()["team_id"], joined.json()["members"]) == (team["team_id"], 2)
    assert joined.json()["on_leaderboard"] is True
    mine = client.get("/api/v1/teams", headers=pupil).json()
    assert [t["team_id"] for t in mine] == [team["team_id"]]

    left = client.delete(f"/api/v1/teams/{team['team_id']}/membership", headers=pupil)
    assert left.status_code == 204
    assert client.get("/api/v1/teams", headers=pupil).json() == []
    assert client.get("/api/v1/teams", headers=teacher).json()[0]["members"] == 1
    problem(client.delete(f"/api/v1/teams/{team['team_id']}/membership", headers=pupil), 404)
    again = client.post("/api/v1/teams/join", json={"invite_code": code}, headers=pupil)
    assert again.status_code == 201  # one may come back


def test_joining_refusals_are_clear_and_change_nothing(client: Client, as_user: AsUser) -> None:
    teacher, pupil = as_user("teacher2"), as_user("pupil2")
    team = _make(client, teacher)
    code = str(team["invite_code"])
    wrong = "23456789" if code != "23456789" else "23456788"
    problem(client.post("/api/v1/teams/join", json={"invite_code": wrong}, headers=pupil), 404)
    bad = client.post("/api/v1/teams/join", json={"invite_code": "O0O0"}, headers=pupil)
    assert "8 letters and digits" in str(problem(bad, 422)["detail"])
    problem(client.post("/api/v1/teams/join", json={"invite_code": code}, headers=teacher), 409)
    assert client.get("/api/v1/teams", headers=pupil).json() == []
    problem(client.post("/api/v1/teams", json={"name": "Choir", "kind": "band"},
                        headers=pupil), 422)  # fmt: skip
    problem(client.post("/api/v1/teams", json={"name": "x", "kind": "class", "boss": True},
                        headers=pupil), 400)  # fmt: skip


def test_a_person_is_in_a_few_teams_at_most(client: Client, as_user: AsUser) -> None:
    busy = as_user("busy")
    for n in range(MAX_TEAMS_PER_PERSON):
        _make(client, busy, f"Team {n}")
    refused = client.post("/api/v1/teams", json={"name": "One more", "kind": "family"},
                          headers=busy)  # fmt: skip
    assert "at most" in str(problem(refused, 422)["detail"])
    assert len(client.get("/api/v1/teams", headers=busy).json()) == MAX_TEAMS_PER_PERSON


def test_memberships_are_in_the_export_and_go_with_erasure(client: Client, as_user: AsUser) -> None:
    teacher, pupil = as_user("teacher3"), as_user("pupil3")
    team = _make(client, teacher)
    client.post("/api/v1/teams/join", json={"invite_code": team["invite_code"]}, headers=pupil)
    exported = client.get("/api/v1/me/export", headers=pupil).json()
    assert [t["team_id"] for t in exported["teams"]] == [team["team_id"]]
    assert client.delete("/api/v1/me", headers=pupil).status_code == 204
    assert client.get("/api/v1/teams", headers=teacher).json()[0]["members"] == 1
