"""Converting published units to the one canonical unit each quantity is stored in.

Source tables keep every figure exactly as its publisher printed it; the build converts with
the exact definitions below, so a reader can always go back from the stored value to the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from greenapp.domain.errors import UnknownUnit

KM_PER_MILE: Final = 1.609344  # international mile, exact
LITRES_PER_US_GALLON: Final = 3.785411784  # exact
KG_PER_POUND: Final = 0.45359237  # exact
CO2_PER_CARBON: Final = 44.0 / 12.0  # molar masses of CO2 and C
LITRES_PER_100KM_TIMES_MPG: Final = 100 * LITRES_PER_US_GALLON / KM_PER_MILE


@dataclass(frozen=True, slots=True)
class Conversion:
    canonical_unit: str
    convert: Callable[[float], float]
    # True when a larger published value means a smaller canonical value (mpg -> L/100km).
    inverts_order: bool = False


def _scale(factor: float) -> Callable[[float], float]:
    return lambda value: value * factor


def _mpg_to_litres_per_100km(mpg: float) -> float:
    return LITRES_PER_100KM_TIMES_MPG / mpg


def _per_gas(pattern: dict[str, tuple[str, float]]) -> dict[str, Conversion]:
    table: dict[str, Conversion] = {}
    for gas in ("CO2", "CO2e"):
        for published, (canonical, factor) in pattern.items():
            table[published.format(gas=gas)] = Conversion(canonical.format(gas=gas), _scale(factor))
    return table


_CONVERSIONS: Final[dict[str, dict[str, Conversion]]] = {
    "travel_emissions": _per_gas(
        {
            "kg {gas}/km": ("kg {gas}/km", 1.0),
            "g {gas}/km": ("kg {gas}/km", 1e-3),
            "g {gas}/mile": ("kg {gas}/km", 1e-3 / KM_PER_MILE),
            "kg {gas}/mile": ("kg {gas}/km", 1 / KM_PER_MILE),
            "kg {gas}/passenger-mile": ("kg {gas}/km", 1 / KM_PER_MILE),
            "g {gas}/passenger-mile": ("kg {gas}/km", 1e-3 / KM_PER_MILE),
        }
    ),
    "fuel_combustion": _per_gas(
        {
            "kg {gas}/L": ("kg {gas}/L", 1.0),
            "g {gas}/gal": ("kg {gas}/L", 1e-3 / LITRES_PER_US_GALLON),
            "kg {gas}/gal": ("kg {gas}/L", 1 / LITRES_PER_US_GALLON),
        }
    ),
    "fuel_consumption": {
        "L/100km": Conversion("L/100km", _scale(1.0)),
        "mpg_us": Conversion("L/100km", _mpg_to_litres_per_100km, inverts_order=True),
    },
    "ev_energy_use": {
        "kWh/km": Conversion("kWh/km", _scale(1.0)),
        "Wh/km": Conversion("kWh/km", _scale(1e-3)),
        "kWh/100km": Conversion("kWh/km", _scale(1e-2)),
        "kWh/100mi": Conversion("kWh/km", _scale(1e-2 / KM_PER_MILE)),
        "Wh/mile": Conversion("kWh/km", _scale(1e-3 / KM_PER_MILE)),
    },
    "grid_intensity": _per_gas(
        {
            "kg {gas}/kWh": ("kg {gas}/kWh", 1.0),
            "g {gas}/kWh": ("kg {gas}/kWh", 1e-3),
            "t {gas}/MWh": ("kg {gas}/kWh", 1.0),
            "lb {gas}/MWh": ("kg {gas}/kWh", KG_PER_POUND / 1000),
            "lb {gas}/kWh": ("kg {gas}/kWh", KG_PER_POUND),
        }
    ),
    "grid_td_losses": _per_gas({"kg {gas}/kWh": ("kg {gas}/kWh", 1.0)}),
    "step_length_ratio": {"ratio": Conversion("ratio", _scale(1.0))},
    "step_length": {
        "m": Conversion("m", _scale(1.0)),
        "cm": Conversion("m", _scale(1e-2)),
        "ft": Conversion("m", _scale(0.3048)),
    },
    "tree_uptake": {
        "kg CO2/tree/yr": Conversion("kg CO2/tree/yr", _scale(1.0)),
        "lb CO2/tree/yr": Conversion("kg CO2/tree/yr", _scale(KG_PER_POUND)),
        # Ten-year figures are spread evenly over the ten years.
        "t CO2/tree/10yr": Conversion("kg CO2/tree/yr", _scale(1000 / 10)),
        "lb C/tree/10yr": Conversion("kg CO2/tree/yr", _scale(KG_PER_POUND * CO2_PER_CARBON / 10)),
    },
    "per_capita_emissions": _per_gas({"t {gas}/person/yr": ("t {gas}/person/yr", 1.0)}),
}


def accepted_units(quantity: str) -> tuple[str, ...]:
    return tuple(_CONVERSIONS.get(quantity, {}))


def conversion_for(quantity: str, unit: str) -> Conversion:
    try:
        return _CONVERSIONS[quantity][unit]
    except KeyError:
        accepted = ", ".join(accepted_units(quantity)) or "none"
        raise UnknownUnit(
            f"unit {unit!r} is not accepted for {quantity}; accepted: {accepted}"
        ) from None


def to_canonical(quantity: str, value: float, unit: str) -> tuple[float, str]:
    """Return ``value`` in the canonical unit of ``quantity``, and that unit."""
    conversion = conversion_for(quantity, unit)
    return conversion.convert(value), conversion.canonical_unit


def range_to_canonical(quantity: str, low: float, high: float, unit: str) -> tuple[float, float]:
    """Convert a low-high range, keeping low below high even for inverse units."""
    conversion = conversion_for(quantity, unit)
    a, b = conversion.convert(low), conversion.convert(high)
    return (b, a) if conversion.inverts_order else (a, b)
