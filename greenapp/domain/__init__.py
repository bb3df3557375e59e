"""The pure core: units, factors, conversion rules. Standard library only."""
