"""Dagster wiring for the evaluation part of the graph (assets, checks, resources, sensors, schedules)."""

import dagster as dg

defs = dg.Definitions()
