"""Wire types: every request body and response of the JSON API.

Structs are frozen, refuse unknown fields, and give new fields defaults so older apps keep
working. Field names follow the API contract in the design brief.
"""

from datetime import date, datetime
from typing import Annotated

from msgspec import Meta, Struct, field

NonNegative = Annotated[float, Meta(ge=0)]
Region = Annotated[str, Meta(examples=["CN", "GB", "US", "EU", "WORLD"])]


class CarIn(Struct, frozen=True, forbid_unknown_fields=True):
    fuel: Annotated[str, Meta(examples=["petrol"])] = "unknown"
    size: Annotated[str, Meta(examples=["medium"])] = "average"


class ProfileIn(Struct, frozen=True, forbid_unknown_fields=True):
    region: Region
    height_cm: Annotated[float, Meta(gt=0, examples=[170])] | None = None
    sex: Annotated[str, Meta(examples=["female"])] | None = None
    car: CarIn | None = None
    locale: str = "en"
    easy_mode: bool = False
    leaderboard: bool = False
    time_zone: Annotated[str, Meta(examples=["Asia/Shanghai"])] | None = None


class CarOut(Struct, frozen=True):
    fuel: str
    size: str


class ProfileOut(Struct, frozen=True):
    user_id: str
    region: str
    height_cm: float | None
    sex: str | None
    car: CarOut
    locale: str
    easy_mode: bool
    leaderboard: bool
    time_zone: str


class TrackIn(Struct, frozen=True, forbid_unknown_fields=True):
    """A summary of the day's GPS track, computed on the phone."""

    distance_m: NonNegative
    moving_seconds: NonNegative
    max_speed_kmh: NonNegative


class StepsIn(Struct, frozen=True, forbid_unknown_fields=True):
    steps: Annotated[int, Meta(ge=0, examples=[8000])]
    device_distance_m: NonNegative | None = None
    track: TrackIn | None = None
    hourly: (
        Annotated[
            list[Annotated[int, Meta(ge=0)]],
            Meta(max_length=24, description="The phone's counts per hour of the day, 0-23."),
        ]
        | None
    ) = None


class StepsOut(Struct, frozen=True):
    date: date
    steps: int
    distance_km: float
    distance_low_km: float
    distance_high_km: float
    kg_co2e_avoided: float
    kg_low: float
    kg_high: float
    status: str
    reasons: list[str]
    rule: str
    step_rule: str
    factor_ids: list[str]
    fallbacks: list[str]
    factor_set_version: str


class TripIn(Struct, frozen=True, forbid_unknown_fields=True):
    date: date
    mode: Annotated[str, Meta(examples=["bus"])]
    replaced: Annotated[str, Meta(examples=["car"])]
    distance_km: Annotated[float, Meta(gt=0)] | None = None
    track: TrackIn | None = None


class TripOut(Struct, frozen=True):
    trip_id: str
    date: date
    mode: str
    replaced: str
    distance_km: float
    kg_co2e_avoided: float
    kg_low: float
    kg_high: float
    rule: str
    factor_ids: list[str]
    fallbacks: list[str]
    factor_set_version: str


class TotalsOut(Struct, frozen=True):
    days: int
    steps: int
    km: float
    kg_co2e_avoided: float
    kg_low: float
    kg_high: float


class DayOut(Struct, frozen=True):
    date: date
    steps: int
    walked_km: float
    trip_km: float
    kg_co2e_avoided: float
    kg_low: float
    kg_high: float
    status: str | None


class SourceOut(Struct, frozen=True):
    source_id: str
    publisher: str
    title: str
    edition: str
    url: str
    licence: str


class EquivalentOut(Struct, frozen=True):
    kind: str
    value: float
    unit: str
    explanation: str
    factor_ids: list[str]
    sources: list[SourceOut]


class StandingOut(Struct, frozen=True):
    region: str
    people: int
    percentile: float


class FootprintOut(Struct, frozen=True):
    donations: "DonationsSummaryOut"
    period: str
    first_day: date
    last_day: date
    region: str
    totals: TotalsOut
    series: list[DayOut]
    equivalents: list[EquivalentOut]
    streak_days: int
    standing: StandingOut | None
    factor_set_version: str


class FactorOut(Struct, frozen=True):
    factor_id: str
    quantity: str
    region: str
    mode: str | None
    vehicle_class: str | None
    fuel: str | None
    population: str | None
    year: int
    edition: str
    value: float
    unit: str
    low: float
    high: float
    basis: str | None
    scope: str | None
    published_value: str
    published_unit: str
    source_id: str
    evidence: str
    use: str


class FactorsOut(Struct, frozen=True):
    factor_set_version: str
    factors: list[FactorOut]
    sources: list[SourceOut]


class HealthOut(Struct, frozen=True):
    status: str
    factor_set_version: str
    process: Annotated[int, Meta(description="The id of the server process that answered")]


# Giving: donations, projects and the partner API.


class MoneyOut(Struct, frozen=True):
    currency: str
    amount_minor: int


class DonationsSummaryOut(Struct, frozen=True):
    donations: int
    steps: int
    kg_co2e: float
    raised: list[MoneyOut]


class DonationIn(Struct, frozen=True, forbid_unknown_fields=True):
    project_id: Annotated[str, Meta(examples=["pj_0123456789ab"])]
    date: date


class CreditOut(Struct, frozen=True):
    sponsor_id: str
    sponsor: str
    currency: str
    amount_minor: int


class MatchOut(Struct, frozen=True):
    """A team challenge's sponsor matching a donation, or paying the challenge's bonus."""

    challenge_id: str
    sponsor_name: str
    kind: Annotated[str, Meta(description="match, or bonus when this donation met the goal")]
    currency: str
    amount_minor: int


class PaidOut(Struct, frozen=True):
    """The part of one payment that paid a pledge."""

    reference: str
    paid_on: date
    amount_minor: int


class PledgeOut(Struct, frozen=True):
    """What one payer owes for a donation, and what of it is paid."""

    kind: Annotated[str, Meta(description="credit (a sponsor's), match or bonus (a challenge's)")]
    payer_kind: Annotated[str, Meta(description="sponsor or challenge")]
    payer_id: str
    payer: str
    currency: str
    owed_minor: int
    paid_minor: int
    status: Annotated[str, Meta(description="paid, partly_paid or owed")]
    payments: list[PaidOut]


class DonationOut(Struct, frozen=True):
    donation_id: str
    project_id: str
    date: date
    steps: int
    km: float
    kg_co2e: float
    kg_low: float
    kg_high: float
    money: list[MoneyOut]
    credits: list[CreditOut]
    matches: list[MatchOut]
    factor_set_version: str
    created_at: datetime
    thank_you: str
    certificate_url: str
    pledges: list[PledgeOut] = field(default_factory=list)


class TextsIn(Struct, frozen=True, forbid_unknown_fields=True):
    en: str = ""
    zh_cn: str = field(default="", name="zh-CN")


class TextsOut(Struct, frozen=True):
    en: str
    zh_cn: str = field(name="zh-CN")


class GoalOut(Struct, frozen=True):
    kind: str
    amount: int
    currency: str | None


class ProgressOut(Struct, frozen=True):
    donors: int
    donations: int
    steps: int
    kg_co2e: float
    raised: list[MoneyOut]
    goal_reached_share: float


class SponsorOut(Struct, frozen=True):
    sponsor_id: str
    name: str
    currency: str
    rate_minor_per_10k_steps: int
    budget_left_minor: int


class ProjectOut(Struct, frozen=True):
    project_id: str
    title: TextsOut
    story: TextsOut
    goal: GoalOut
    starts_on: date
    ends_on: date
    min_steps: int
    status: str
    progress: ProgressOut
    sponsors: list[SponsorOut]


class ProjectIn(Struct, frozen=True, forbid_unknown_fields=True):
    title: TextsIn
    story: TextsIn
    goal_kind: Annotated[str, Meta(examples=["money"])]
    goal_amount: Annotated[int, Meta(gt=0, examples=[5_000_000])]
    starts_on: date
    ends_on: date
    goal_currency: Annotated[str, Meta(examples=["CNY"])] | None = None
    min_steps: Annotated[int, Meta(ge=0)] = 0


class SponsorIn(Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    currency: Annotated[str, Meta(examples=["CNY"])]
    rate_minor_per_10k_steps: Annotated[int, Meta(gt=0, examples=[100])]


class FundingIn(Struct, frozen=True, forbid_unknown_fields=True):
    currency: str
    amount_minor: Annotated[int, Meta(gt=0, examples=[1_000_000])]


class ApiKeyOut(Struct, frozen=True):
    partner_id: str
    api_key: str  # shown once; greenapp keeps only a digest


class ReportRowOut(Struct, frozen=True):
    key: str
    donations: int
    donors: int
    steps: int
    kg_co2e: float
    money: list[MoneyOut]


class ReportOut(Struct, frozen=True):
    partner_id: str
    group: str
    first_day: date
    last_day: date
    rows: list[ReportRowOut]


# Where the money went: payments, confirmations and the payout report.


class PaymentIn(Struct, frozen=True, forbid_unknown_fields=True):
    amount_minor: Annotated[int, Meta(gt=0, examples=[12_000])]
    currency: Annotated[str, Meta(examples=["CNY"])]
    reference: Annotated[
        str, Meta(description="the bank's reference, 1 to 100 characters", examples=["BOC-0042"])
    ]
    paid_on: date


class ChallengePaymentIn(Struct, frozen=True, forbid_unknown_fields=True):
    project_id: Annotated[str, Meta(examples=["pj_0123456789ab"])]
    amount_minor: Annotated[int, Meta(gt=0, examples=[12_000])]
    currency: Annotated[str, Meta(examples=["CNY"])]
    reference: Annotated[
        str, Meta(description="the bank's reference, 1 to 100 characters", examples=["BOC-0042"])
    ]
    paid_on: date


class PaymentOut(Struct, frozen=True):
    payment_id: str
    payer_kind: str
    payer_id: str
    project_id: str
    currency: str
    amount_minor: int
    reference: str
    paid_on: date
    created_at: datetime


class ConfirmationIn(Struct, frozen=True, forbid_unknown_fields=True):
    item: Annotated[str, Meta(description="what was bought, 1 to 80 characters",
                              examples=["school meals"])]  # fmt: skip
    quantity: Annotated[int, Meta(gt=0, examples=[400])]
    amount_minor: Annotated[int, Meta(gt=0, examples=[120_000])]
    currency: Annotated[str, Meta(examples=["CNY"])]
    delivered_on: date
    note: Annotated[str, Meta(description="at most 500 characters")] = ""


class ConfirmationOut(Struct, frozen=True):
    confirmation_id: str
    project_id: str
    item: str
    quantity: int
    currency: str
    amount_minor: int
    delivered_on: date
    note: str
    created_at: datetime


class BalanceOut(Struct, frozen=True):
    currency: str
    owed_minor: int
    paid_minor: int
    outstanding_minor: int


class MonthOut(Struct, frozen=True):
    month: Annotated[str, Meta(examples=["2026-11"])]
    currency: str
    owed_minor: int
    paid_minor: int
    outstanding_minor: Annotated[int, Meta(description="at the month's end")]


class ProjectPayoutsOut(Struct, frozen=True):
    project_id: str
    title: TextsOut
    totals: list[BalanceOut]
    months: list[MonthOut]
    confirmations: list[ConfirmationOut]


class PayerPayoutsOut(Struct, frozen=True):
    payer_kind: str
    payer_id: str
    payer: str
    project_id: str
    totals: list[BalanceOut]
    months: list[MonthOut]


class PayoutReportOut(Struct, frozen=True):
    partner_id: str
    first_month: str
    last_month: str
    projects: list[ProjectPayoutsOut]
    payers: list[PayerPayoutsOut]


class MyDataOut(Struct, frozen=True):
    """Everything greenapp holds about the person."""

    profile: ProfileOut | None
    days: list[StepsOut]
    trips: list[TripOut]
    donations: list[DonationOut]
    teams: list["MembershipOut"]
    appeals: list["AppealOut"] = []


Nickname = Annotated[
    str,
    Meta(max_length=30, examples=["Lin"],
         description="The name the team's boards show you by; needed with on_leaderboard"),
]  # fmt: skip


class TeamIn(Struct, frozen=True, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=80, examples=["Class 3B"])]
    kind: Annotated[
        str, Meta(examples=["class"], description="company, class, family, neighbourhood or other")
    ]
    on_leaderboard: bool = False
    nickname: Nickname | None = None


class JoinIn(Struct, frozen=True, forbid_unknown_fields=True):
    invite_code: Annotated[str, Meta(min_length=1, max_length=20, examples=["K7QX-4MPA"])]
    on_leaderboard: bool = False
    nickname: Nickname | None = None


class TeamOut(Struct, frozen=True):
    """A team as its members see it: the invite code is shown only to members."""

    team_id: str
    name: str
    kind: str
    invite_code: str
    members: int
    joined_at: datetime
    on_leaderboard: bool
    nickname: str | None


class MembershipOut(Struct, frozen=True):
    team_id: str
    joined_at: datetime
    left_at: datetime | None
    on_leaderboard: bool
    nickname: str | None


class ChallengeIn(Struct, frozen=True, forbid_unknown_fields=True):
    invite_code: Annotated[
        str,
        Meta(min_length=1, max_length=20, examples=["K7QX-4MPA"],
             description="The team's invite code, from the team"),
    ]  # fmt: skip
    title: Annotated[str, Meta(min_length=1, max_length=80, examples=["Walk to school week"])]
    goal_kind: Annotated[str, Meta(examples=["steps"], description="steps or kg")]
    goal_amount: Annotated[
        int, Meta(examples=[1_000_000], description="Steps, or whole kg CO2e avoided")
    ]
    starts_on: date
    ends_on: date
    sponsor_name: Annotated[str, Meta(min_length=1, max_length=80, examples=["Lakeside Bank"])]
    currency: Annotated[str, Meta(examples=["CNY"])]
    rate_minor_per_10k_steps: Annotated[int, Meta(examples=[100])]
    cap_minor: Annotated[
        int, Meta(examples=[50_000], description="The most the sponsor pays, bonus included")
    ]
    bonus_minor: Annotated[
        int | None, Meta(examples=[10_000], description="Paid once when the goal is met")
    ] = None


class ChallengeProgressOut(Struct, frozen=True):
    """What members donated within the challenge's dates while they were members."""

    steps: int
    kg_co2e: float
    kg_low: float
    kg_high: float
    matched_minor: int
    bonus_paid: bool
    goal_met: bool
    goal_share: float


class BoardRowOut(Struct, frozen=True):
    rank: int
    nickname: str
    steps: int
    kg_co2e: float
    donations: int


class ChallengeOut(Struct, frozen=True):
    challenge_id: str
    team_id: str
    team_name: str
    title: str
    goal_kind: str
    goal_amount: int
    starts_on: date
    ends_on: date
    status: Annotated[str, Meta(description="upcoming, running or ended")]
    sponsor_name: str
    currency: str
    rate_minor_per_10k_steps: int
    cap_minor: int
    bonus_minor: int | None
    progress: ChallengeProgressOut
    leaderboard: Annotated[
        list[BoardRowOut],
        Meta(description="Members who opted in; shown to the team's members only"),
    ]


class TeamDetailOut(Struct, frozen=True):
    team: TeamOut
    challenges: list[ChallengeOut]


class AppealIn(Struct, frozen=True, forbid_unknown_fields=True):
    date: date
    reason: Annotated[
        str, Meta(examples=["I ran a marathon that day"], description="1 to 500 characters")
    ]


class TrackOut(Struct, frozen=True):
    distance_m: float
    moving_seconds: float
    max_speed_kmh: float


class EvidenceOut(Struct, frozen=True):
    """The day as the step checks saw it when it was appealed, and the rules that fired."""

    steps: int
    device_distance_m: float | None
    track: TrackOut | None
    rules: list[str]


class AppealOut(Struct, frozen=True):
    """An appeal, its evidence and, once decided, the outcome and the reviewer's reason."""

    appeal_id: str
    date: date
    reason: str
    created_at: datetime
    status: Annotated[str, Meta(description="pending, accepted or rejected")]
    decision_reason: str | None
    decided_at: datetime | None
    evidence: EvidenceOut


class DecisionIn(Struct, frozen=True, forbid_unknown_fields=True):
    outcome: Annotated[str, Meta(examples=["accepted"], description="accepted or rejected")]
    reason: Annotated[
        str, Meta(examples=["the race results show the distance"],
                  description="1 to 500 characters")
    ]  # fmt: skip
