"""Domain records to wire types."""

from collections.abc import Sequence
from datetime import date

from greenapp.domain.activity import StepDay, Trip
from greenapp.domain.appeals import AppealRecord
from greenapp.domain.donations import Donation, Project, Sponsor, credit_totals, thank_you
from greenapp.domain.equivalents import Equivalent
from greenapp.domain.factors import Factor, Source
from greenapp.domain.money import Money
from greenapp.domain.payouts import Balance, Confirmation, MonthLine, Payment, PledgeState
from greenapp.domain.people import Profile
from greenapp.domain.reports import ReportRow
from greenapp.domain.teams import Match
from greenapp.services.challenges import ChallengeView
from greenapp.services.footprint import Footprint
from greenapp.services.giving import ProjectView
from greenapp.services.payouts import PayoutReport
from greenapp.services.teams import MyTeam
from greenapp.web import schemas as s


def profile_out(user_id: str, p: Profile) -> s.ProfileOut:
    return s.ProfileOut(
        user_id=user_id,
        region=p.region,
        height_cm=p.height_cm,
        sex=p.sex,
        car=s.CarOut(fuel=p.car.fuel, size=p.car.size),
        locale=p.locale,
        easy_mode=p.easy_mode,
        leaderboard=p.leaderboard,
        time_zone=p.zone().key,
    )


def steps_out(day: StepDay) -> s.StepsOut:
    saving = day.saving
    return s.StepsOut(
        date=day.day,
        steps=day.steps,
        distance_km=day.distance_km,
        distance_low_km=day.distance_low_km,
        distance_high_km=day.distance_high_km,
        kg_co2e_avoided=saving.kg,
        kg_low=saving.low,
        kg_high=saving.high,
        status=day.status,
        reasons=list(day.reasons),
        rule=saving.rule,
        step_rule=day.step_rule,
        factor_ids=list(day.factor_ids),
        fallbacks=list(saving.fallbacks),
        factor_set_version=day.factor_set_version,
    )


def trip_out(trip: Trip) -> s.TripOut:
    saving = trip.saving
    return s.TripOut(
        trip_id=trip.trip_id,
        date=trip.day,
        mode=trip.mode,
        replaced=trip.replaced,
        distance_km=trip.distance_km,
        kg_co2e_avoided=saving.kg,
        kg_low=saving.low,
        kg_high=saving.high,
        rule=saving.rule,
        factor_ids=list(saving.factor_ids),
        fallbacks=list(saving.fallbacks),
        factor_set_version=trip.factor_set_version,
    )


def source_out(source: Source) -> s.SourceOut:
    return s.SourceOut(
        source_id=source.source_id,
        publisher=source.publisher,
        title=source.title,
        edition=source.edition,
        url=source.url,
        licence=source.licence,
    )


def equivalent_out(e: Equivalent, sources: dict[str, Source]) -> s.EquivalentOut:
    cited = dict.fromkeys(f.source_id for f in e.factors)
    return s.EquivalentOut(
        kind=e.kind,
        value=e.value,
        unit=e.unit,
        explanation=e.explanation,
        factor_ids=list(e.factor_ids),
        sources=[source_out(sources[i]) for i in cited if i in sources],
    )


def footprint_out(f: Footprint, sources: dict[str, Source]) -> s.FootprintOut:
    t = f.totals
    return s.FootprintOut(
        period=f.period,
        first_day=f.first,
        last_day=f.last,
        region=f.profile.region,
        totals=s.TotalsOut(t.days, t.steps, t.km, t.kg, t.low, t.high),
        series=[
            s.DayOut(d.day, d.steps, d.walked_km, d.trip_km, d.kg, d.low, d.high, d.status)
            for d in f.series
        ],
        equivalents=[equivalent_out(e, sources) for e in f.equivalents],
        streak_days=f.streak_days,
        standing=None
        if f.standing is None
        else s.StandingOut(f.standing.region, f.standing.people, f.standing.percentile),
        factor_set_version=f.factor_set_version,
        donations=s.DonationsSummaryOut(
            donations=f.donated.donations,
            steps=f.donated.steps,
            kg_co2e=f.donated.kg,
            raised=[money_out(m) for m in f.donated.raised],
        ),
    )


def money_out(m: Money) -> s.MoneyOut:
    return s.MoneyOut(currency=m.currency, amount_minor=m.minor)


def donation_out(
    d: Donation,
    project: Project,
    matches: Sequence[Match],
    pledges: Sequence[PledgeState] | None = None,
) -> s.DonationOut:
    """The donation with its pledges; without them, its credits and matches, as a donation just
    made has them: owed in full (no payment is ever allocated to a pledge recorded after it)."""
    return s.DonationOut(
        donation_id=d.donation_id,
        project_id=d.project_id,
        date=d.day,
        steps=d.steps,
        km=d.km,
        kg_co2e=d.kg,
        kg_low=d.kg_low,
        kg_high=d.kg_high,
        money=[money_out(m) for m in credit_totals(d.credits)],
        credits=[
            s.CreditOut(c.sponsor_id, c.sponsor_name, c.money.currency, c.money.minor)
            for c in d.credits
        ],
        matches=[
            s.MatchOut(m.challenge_id, m.sponsor_name, m.kind, m.money.currency, m.money.minor)
            for m in matches
        ],
        factor_set_version=d.factor_set_version,
        created_at=d.created_at,
        thank_you=thank_you(d, project),
        certificate_url=f"/donations/{d.donation_id}/certificate",
        pledges=_unpaid(d, matches) if pledges is None else [pledge_out(p) for p in pledges],
    )


def pledge_out(state: PledgeState) -> s.PledgeOut:
    p = state.pledge
    return s.PledgeOut(
        kind=p.kind,
        payer_kind=p.payer_kind,
        payer_id=p.payer_id,
        payer=p.payer_name,
        currency=p.money.currency,
        owed_minor=p.money.minor,
        paid_minor=state.paid_minor,
        status=state.status,
        payments=[s.PaidOut(c.reference, c.paid_on, c.minor) for c in state.covers],
    )


def _unpaid(d: Donation, matches: Sequence[Match]) -> list[s.PledgeOut]:
    owed = [("credit", "sponsor", c.sponsor_id, c.sponsor_name, c.money) for c in d.credits]
    owed += [(m.kind, "challenge", m.challenge_id, m.sponsor_name, m.money) for m in matches]
    return [
        s.PledgeOut(kind=kind, payer_kind=payer_kind, payer_id=payer_id, payer=name,
                    currency=money.currency, owed_minor=money.minor, paid_minor=0,
                    status="owed", payments=[])
        for kind, payer_kind, payer_id, name, money in owed
    ]  # fmt: skip


def _texts(texts: dict[str, str]) -> s.TextsOut:
    return s.TextsOut(en=texts.get("en", ""), zh_cn=texts.get("zh-CN", ""))


def sponsor_out(sp: Sponsor) -> s.SponsorOut:
    return s.SponsorOut(
        sponsor_id=sp.sponsor_id,
        name=sp.name,
        currency=sp.rate.currency,
        rate_minor_per_10k_steps=sp.rate.minor,
        budget_left_minor=sp.budget_left.minor,
    )


def project_out(v: ProjectView) -> s.ProjectOut:
    p = v.project
    return s.ProjectOut(
        project_id=p.project_id,
        title=_texts(p.title),
        story=_texts(p.story),
        goal=s.GoalOut(p.goal_kind, p.goal_amount, p.goal_currency),
        starts_on=p.starts_on,
        ends_on=p.ends_on,
        min_steps=p.min_steps,
        status=v.status,
        progress=s.ProgressOut(
            donors=v.donors,
            donations=v.donations,
            steps=v.steps,
            kg_co2e=v.kg,
            raised=[money_out(m) for m in v.raised],
            goal_reached_share=v.goal_reached_share,
        ),
        sponsors=[sponsor_out(sp) for sp in v.sponsors],
    )


def report_out(
    partner_id: str, group: str, first: date, last: date, rows: list[ReportRow]
) -> s.ReportOut:
    return s.ReportOut(
        partner_id=partner_id,
        group=group,
        first_day=first,
        last_day=last,
        rows=[
            s.ReportRowOut(
                key=r.key,
                donations=r.donations,
                donors=len(r.donors),
                steps=r.steps,
                kg_co2e=r.kg,
                money=[s.MoneyOut(c, m) for c, m in sorted(r.money.items())],
            )
            for r in rows
        ],
    )


def factor_out(f: Factor) -> s.FactorOut:
    return s.FactorOut(
        factor_id=f.factor_id,
        quantity=f.quantity,
        region=f.region,
        mode=f.mode,
        vehicle_class=f.vehicle_class,
        fuel=f.fuel,
        population=f.population,
        year=f.year,
        edition=f.edition,
        value=f.value,
        unit=f.unit,
        low=f.low,
        high=f.high,
        basis=f.basis,
        scope=f.scope,
        published_value=f.published_value,
        published_unit=f.published_unit,
        source_id=f.source_id,
        evidence=f.evidence,
        use=f.use,
    )


def team_out(mine: MyTeam) -> s.TeamOut:
    t, m = mine.team, mine.membership
    return s.TeamOut(t.team_id, t.name, t.kind, t.invite_code, mine.members, m.joined_at,
                     m.on_leaderboard, m.nickname)  # fmt: skip


def challenge_out(view: ChallengeView) -> s.ChallengeOut:
    c, p = view.challenge, view.progress
    progress = s.ChallengeProgressOut(
        steps=p.steps,
        kg_co2e=round(p.kg, 3),
        kg_low=round(p.kg_low, 3),
        kg_high=round(p.kg_high, 3),
        matched_minor=p.matched.minor,
        bonus_paid=p.bonus_paid,
        goal_met=view.goal_met,
        goal_share=round(view.goal_share, 4),
    )
    return s.ChallengeOut(
        challenge_id=c.challenge_id,
        team_id=c.team_id,
        team_name=view.team_name,
        title=c.title,
        goal_kind=c.goal_kind,
        goal_amount=c.goal_amount,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        status=view.status,
        sponsor_name=c.sponsor_name,
        currency=c.cap.currency,
        rate_minor_per_10k_steps=c.rate.minor,
        cap_minor=c.cap.minor,
        bonus_minor=None if c.bonus is None else c.bonus.minor,
        progress=progress,
        leaderboard=[
            s.BoardRowOut(rank, r.nickname, r.steps, round(r.kg, 3), r.donations)
            for rank, r in enumerate(view.board, start=1)
        ],
    )


def appeal_out(record: AppealRecord) -> s.AppealOut:
    """An appeal as the person and reviewers see it: never with the person's id."""
    a, e, d = record.appeal, record.appeal.evidence, record.decision
    track = e.track
    return s.AppealOut(
        appeal_id=a.appeal_id,
        date=a.day,
        reason=a.reason,
        created_at=a.created_at,
        status=record.status,
        decision_reason=None if d is None else d.reason,
        decided_at=None if d is None else d.decided_at,
        evidence=s.EvidenceOut(
            steps=e.steps,
            device_distance_m=e.device_distance_m,
            track=None if track is None else s.TrackOut(
                track.distance_m, track.moving_seconds, track.max_speed_kmh
            ),
            rules=list(e.rules),
        ),
    )  # fmt: skip


def payment_out(p: Payment) -> s.PaymentOut:
    return s.PaymentOut(
        payment_id=p.payment_id,
        payer_kind=p.payer_kind,
        payer_id=p.payer_id,
        project_id=p.project_id,
        currency=p.money.currency,
        amount_minor=p.money.minor,
        reference=p.reference,
        paid_on=p.paid_on,
        created_at=p.created_at,
    )


def confirmation_out(c: Confirmation) -> s.ConfirmationOut:
    return s.ConfirmationOut(
        confirmation_id=c.confirmation_id,
        project_id=c.project_id,
        item=c.item,
        quantity=c.quantity,
        currency=c.money.currency,
        amount_minor=c.money.minor,
        delivered_on=c.delivered_on,
        note=c.note,
        created_at=c.created_at,
    )


def _balances(balances: Sequence[Balance]) -> list[s.BalanceOut]:
    return [s.BalanceOut(b.currency, b.owed_minor, b.paid_minor, b.outstanding_minor)
            for b in balances]  # fmt: skip


def _months(months: Sequence[MonthLine]) -> list[s.MonthOut]:
    return [s.MonthOut(m.month, m.currency, m.owed_minor, m.paid_minor, m.outstanding_minor)
            for m in months]  # fmt: skip


def payout_report_out(partner_id: str, r: PayoutReport) -> s.PayoutReportOut:
    return s.PayoutReportOut(
        partner_id=partner_id,
        first_month=r.first_month,
        last_month=r.last_month,
        projects=[
            s.ProjectPayoutsOut(
                project_id=p.project.project_id,
                title=_texts(p.project.title),
                totals=_balances(p.payouts.totals),
                months=_months(p.payouts.months),
                confirmations=[confirmation_out(c) for c in p.confirmations],
            )
            for p in r.projects
        ],
        payers=[
            s.PayerPayoutsOut(
                payer_kind=p.payer.kind,
                payer_id=p.payer.payer_id,
                payer=p.payer.name,
                project_id=p.project_id,
                totals=_balances(p.payouts.totals),
                months=_months(p.payouts.months),
            )
            for p in r.payers
        ],
    )
