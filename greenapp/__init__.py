"""greenapp: steps and low-carbon trips to kg CO2e avoided, from cited emission factors."""

__version__ = "0.1.0"
