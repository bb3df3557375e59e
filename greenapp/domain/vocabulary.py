"""The controlled vocabularies shared by the factor tables, the API and the pages."""

from typing import Final

REGIONS: Final = {
    "CN": "China",
    "GB": "United Kingdom",
    "US": "United States",
    "EU": "European Union (27)",
    "WORLD": "World (fallback)",
}
WORLD: Final = "WORLD"

MODES: Final = {
    "car": "Car, driven",
    "taxi": "Taxi or ride-hailing car",
    "motorbike": "Motorbike or scooter with an engine",
    "bus": "Bus (local or city)",
    "coach": "Coach (long-distance bus)",
    "metro": "Metro, underground, subway",
    "tram": "Tram or light rail",
    "rail": "Train (national, commuter, intercity)",
    "ebike": "Electric bicycle",
    "bicycle": "Bicycle",
    "walk": "Walking",
}

VEHICLE_CLASSES: Final = frozenset(
    {
        "average",
        "small",
        "medium",
        "large",
        "local",
        "local_london",
        "local_not_london",
        "national",
        "international",
        "commuter",
        "intercity",
    }
)

FUELS: Final = {
    "unknown": "Average of all fuels",
    "petrol": "Petrol (gasoline)",
    "diesel": "Diesel",
    "hybrid": "Hybrid (not plug-in)",
    "plugin_hybrid": "Plug-in hybrid",
    "electric": "Battery electric",
    "lpg": "Liquefied petroleum gas",
    "cng": "Compressed natural gas",
}

POPULATIONS: Final = frozenset({"male", "female", "all"})

SCOPES: Final = {
    "ttw": "Tank-to-wheel: direct emissions of burning the fuel in the vehicle",
    "wtt": "Well-to-tank: upstream emissions of producing and delivering the fuel",
    "wtw": "Well-to-wheel: tank-to-wheel plus well-to-tank",
    "generation": "Electricity: direct emissions of generation per kWh",
    "lifecycle": "Lifecycle: including construction and supply chains",
}

BASES: Final = {
    "vkm": "per vehicle-kilometre",
    "pkm": "per passenger-kilometre",
}

EVIDENCE: Final = {
    "P": "read at the publisher",
    "T": "publisher's dataset as transcribed in a public repository",
    "S": "secondary quote only; not verified at the publisher",
    "D": "derived by stated arithmetic from other figures",
    "M": "a definition of greenapp's method, not a measurement",
}

QUANTITIES: Final = {
    "travel_emissions": "Greenhouse gas emitted per km travelled",
    "fuel_combustion": "Greenhouse gas emitted per litre of fuel burnt",
    "fuel_consumption": "Fuel used per 100 km",
    "ev_energy_use": "Electricity used per km",
    "grid_intensity": "Greenhouse gas per kWh of electricity",
    "grid_td_losses": "Greenhouse gas from transmission and distribution losses per kWh",
    "step_length_ratio": "Step length as a share of body height",
    "step_length": "Average step length",
    "tree_uptake": "CO2 taken up by one tree",
    "per_capita_emissions": "Yearly emissions per resident",
}

# Quantities measured per km travelled, whose rows must say vkm or pkm.
PER_DISTANCE: Final = frozenset({"travel_emissions"})
# Quantities that describe emissions and so must name a scope.
EMISSION_QUANTITIES: Final = frozenset(
    {"travel_emissions", "fuel_combustion", "grid_intensity", "grid_td_losses"}
)
TRAVEL_QUANTITIES: Final = frozenset({"travel_emissions", "fuel_consumption", "ev_energy_use"})
PEOPLE_QUANTITIES: Final = frozenset({"step_length_ratio", "step_length"})
# Quantities about a fuel rather than a journey: a fuel, but no mode or vehicle class.
FUEL_QUANTITIES: Final = frozenset({"fuel_combustion"})
