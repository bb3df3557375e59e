"""Domain records to wire types."""

from greenapp.domain.activity import StepDay, Trip
from greenapp.domain.equivalents import Equivalent
from greenapp.domain.factors import Factor, Source
from greenapp.domain.people import Profile
from greenapp.services.footprint import Footprint
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
