"""Team challenges over HTTP: a sponsor's matches within the cap, the bonus once, progress and
the team's leaderboard, and every refusal."""

from datetime import timedelta
from typing import Any

from tests.api.conftest import TODAY, AsUser, Client, problem
from tests.api.test_giving import donate, new_project, partner_key, walker

RATE, CAP, BONUS = 100, 500, 100  # fen per 10,000 steps; fen; fen
STEPS = 12_000  # each member's day: 12,000 × 100 // 10,000 = 120 fen matched
GOAL = 3 * STEPS  # met by the third donation


def challenge(code: str, **fields: Any) -> dict[str, Any]:
    return {
        "invite_code": code,
        "title": "Walk to school week",
        "goal_kind": "steps",
        "goal_amount": GOAL,
        "starts_on": str(TODAY),
        "ends_on": str(TODAY + timedelta(days=6)),
        "sponsor_name": "Lakeside Bank",
        "currency": "CNY",
        "rate_minor_per_10k_steps": RATE,
        "cap_minor": CAP,
        "bonus_minor": BONUS,
        **fields,
    }


def sponsor(client: Client, key: dict[str, str], body: dict[str, Any], idem: str = "c1") -> Any:
    return client.post("/api/v1/partner/challenges", json=body,
                       headers={**key, "Idempotency-Key": idem})  # fmt: skip


def team_of(client: Client, as_user: AsUser, members: list[str]) -> tuple[str, str]:
    """A team made by the first member and joined by the rest; odd ones opt in by nickname."""
    made = client.post("/api/v1/teams", json={"name": "Class 3B", "kind": "class"},
                       headers=walker(client, as_user, members[0], STEPS)).json()  # fmt: skip
    for n, member in enumerate(members[1:], start=1):
        joining: dict[str, Any] = {"invite_code": made["invite_code"]}
        if n % 2:
            joining |= {"on_leaderboard": True, "nickname": f"Walker {n}"}
        joined = client.post("/api/v1/teams/join", json=joining,
                             headers=walker(client, as_user, member, STEPS))  # fmt: skip
        assert joined.status_code == 201, joined.text
    return made["team_id"], made["invite_code"]


def matched(answer: Any) -> list[tuple[str, int]]:
    assert answer.status_code == 201, answer.text
    return [(m["kind"], m["amount_minor"]) for m in answer.json()["matches"]]


def test_members_donations_are_matched_within_the_cap_and_the_bonus_is_paid_once(
    client: Client, as_user: AsUser
) -> None:
    members = [f"m{n}" for n in range(6)]
    team_id, code = team_of(client, as_user, members)
    key = partner_key(client)
    project_id, _ = new_project(client, key)
    made = sponsor(client, key, challenge(code))
    assert made.status_code == 201, made.text
    challenge_id = made.json()["challenge_id"]

    answers = [matched(donate(client, as_user(m), project_id)) for m in members[:5]]
    assert answers == [
        [("match", 120)],
        [("match", 120)],
        [("match", 120), ("bonus", BONUS)],  # 36,000 steps meets the goal: 360 + 100
        [("match", 40)],  # only 40 fen of the cap is left
        [],  # nothing is left
    ]
    team = client.get(f"/api/v1/teams/{team_id}", headers=as_user("m5")).json()
    (seen,) = team["challenges"]
    assert seen["challenge_id"] == challenge_id
    progress = seen["progress"]
    assert (progress["steps"], progress["matched_minor"]) == (5 * STEPS, CAP)
    assert progress["bonus_paid"]
    assert progress["goal_met"]
    assert progress["kg_low"] <= progress["kg_co2e"] <= progress["kg_high"]
    # Only those who opted in are on the board, by nickname, most steps first.
    assert [(r["nickname"], r["steps"]) for r in seen["leaderboard"]] == [
        ("Walker 1", STEPS), ("Walker 3", STEPS), ("Walker 5", 0),
    ]  # fmt: skip
    # What the project raised: five sponsor credits of 120 fen, and the challenge's 500.
    raised = client.get(f"/api/v1/projects/{project_id}").json()["progress"]["raised"]
    assert raised == [{"currency": "CNY", "amount_minor": 5 * 120 + CAP}]
    by_partner = client.get(f"/api/v1/partner/challenges/{challenge_id}", headers=key).json()
    assert by_partner["progress"] == progress
    assert by_partner["leaderboard"] == []  # members' names stay within the team


def test_a_retried_donation_is_not_matched_again(client: Client, as_user: AsUser) -> None:
    team_id, code = team_of(client, as_user, ["r0", "r1"])
    key = partner_key(client)
    project_id, _ = new_project(client, key)
    sponsor(client, key, challenge(code, bonus_minor=None))
    first = donate(client, as_user("r1"), project_id, key="tap")
    again = donate(client, as_user("r1"), project_id, key="tap")
    assert again.status_code == 200
    assert again.json()["matches"] == first.json()["matches"] == [
        {"challenge_id": again.json()["matches"][0]["challenge_id"],
         "sponsor_name": "Lakeside Bank", "kind": "match", "currency": "CNY",
         "amount_minor": 120},
    ]  # fmt: skip
    team = client.get(f"/api/v1/teams/{team_id}", headers=as_user("r0")).json()
    assert team["challenges"][0]["progress"]["matched_minor"] == 120


def test_only_members_days_within_the_challenge_count(client: Client, as_user: AsUser) -> None:
    team_id, code = team_of(client, as_user, ["t0", "t1"])
    key = partner_key(client)
    project_id, _ = new_project(client, key)
    late = challenge(code, starts_on=str(TODAY + timedelta(days=1)))
    sponsor(client, key, challenge(code), idem="now")
    sponsor(client, key, late, idem="later")
    outsider = walker(client, as_user, "outsider", STEPS)
    assert matched(donate(client, outsider, project_id)) == []
    # Yesterday, before t1 joined and before the challenge began, does not count either.
    yesterday = TODAY - timedelta(days=1)
    client.put(f"/api/v1/me/steps/{yesterday}", json={"steps": STEPS}, headers=as_user("t1"))
    assert matched(donate(client, as_user("t1"), project_id, "y", yesterday)) == []
    assert matched(donate(client, as_user("t1"), project_id, "t", TODAY)) == [("match", 120)]
    team = client.get(f"/api/v1/teams/{team_id}", headers=as_user("t0")).json()
    progress = {c["starts_on"]: c["progress"]["steps"] for c in team["challenges"]}
    assert progress == {str(TODAY): STEPS, str(TODAY + timedelta(days=1)): 0}


def test_a_member_who_left_is_no_longer_matched_but_what_they_gave_stays(
    client: Client, as_user: AsUser
) -> None:
    team_id, code = team_of(client, as_user, ["l0", "l1"])
    key = partner_key(client)
    project_id, _ = new_project(client, key)
    challenge_id = sponsor(client, key, challenge(code)).json()["challenge_id"]
    assert matched(donate(client, as_user("l1"), project_id)) == [("match", 120)]
    client.delete(f"/api/v1/teams/{team_id}/membership", headers=as_user("l1"))
    view = client.get(f"/api/v1/partner/challenges/{challenge_id}", headers=key).json()
    assert (view["progress"]["steps"], view["progress"]["matched_minor"]) == (STEPS, 120)
    problem(client.get(f"/api/v1/teams/{team_id}", headers=as_user("l1")), 404)


def test_challenge_refusals_are_clear_and_make_nothing(client: Client, as_user: AsUser) -> None:
    _, code = team_of(client, as_user, ["x0"])
    key = partner_key(client)
    wrong = "23456789" if code != "23456789" else "23456788"
    refusals = [
        (challenge(wrong), 404, "no team has that invite code"),
        (challenge(code, goal_kind="money"), 422, "goal is one of: steps, kg"),
        (challenge(code, goal_amount=0), 422, "goal must be positive"),
        (challenge(code, ends_on=str(TODAY - timedelta(days=1))), 422, "ends on or after"),
        (challenge(code, starts_on=str(TODAY - timedelta(days=2))), 422, "start in the past"),
        (challenge(code, ends_on=str(TODAY + timedelta(days=400))), 422, "at most 366 days"),
        (challenge(code, bonus_minor=CAP + 1), 422, "within its cap"),
        (challenge(code, rate_minor_per_10k_steps=0), 422, "rate and cap must be positive"),
        (challenge(code, currency="yuan"), 422, "ISO 4217"),
        (challenge(code, sponsor_name=" "), 422, "sponsor's name"),
    ]
    for n, (body, status, detail) in enumerate(refusals):
        assert detail in str(problem(sponsor(client, key, body, f"bad{n}"), status)["detail"])
    no_key = client.post("/api/v1/partner/challenges", json=challenge(code), headers=key)
    assert "Idempotency-Key" in str(problem(no_key, 422)["detail"])
    assert client.get("/api/v1/partner/challenges", headers=key).json() == []

    assert sponsor(client, key, challenge(code), "once").status_code == 201
    assert sponsor(client, key, challenge(code), "once").status_code == 200
    other = sponsor(client, key, challenge(code, cap_minor=900), "once")
    assert "already used" in str(problem(other, 409)["detail"])
    assert len(client.get("/api/v1/partner/challenges", headers=key).json()) == 1


def test_a_challenge_and_a_team_are_seen_only_by_their_own(client: Client, as_user: AsUser) -> None:
    team_id, code = team_of(client, as_user, ["o0"])
    key, other = partner_key(client), partner_key(client, "Other Trust")
    challenge_id = sponsor(client, key, challenge(code)).json()["challenge_id"]
    problem(client.get(f"/api/v1/partner/challenges/{challenge_id}", headers=other), 404)
    assert client.get("/api/v1/partner/challenges", headers=other).json() == []
    problem(client.get(f"/api/v1/teams/{team_id}", headers=as_user("stranger")), 404)
    problem(client.get("/api/v1/partner/challenges"), 401)


def test_opting_in_to_the_leaderboard_needs_a_nickname(client: Client, as_user: AsUser) -> None:
    _, code = team_of(client, as_user, ["n0"])
    shy = as_user("n1")
    opting_in = {"invite_code": code, "on_leaderboard": True}
    refused = client.post("/api/v1/teams/join", json=opting_in, headers=shy)
    assert "nickname" in str(problem(refused, 422)["detail"])
    assert client.get("/api/v1/teams", headers=shy).json() == []
    quiet = client.post("/api/v1/teams/join", json={"invite_code": code, "nickname": "Kai"},
                        headers=shy).json()  # fmt: skip
    assert (quiet["on_leaderboard"], quiet["nickname"]) == (False, None)  # not shown, not kept
