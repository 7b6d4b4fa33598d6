"""Dagster wiring for the teachers part of the graph (assets, checks, resources, sensors, schedules)."""

import dagster as dg

defs = dg.Definitions()
