"""The voirie's rules, as pure functions of plain values (no Flask, no database).

Callers import from ``grc_voirie.rules``; each procedure has its module.
"""
from .signalement import MIN_POTHOLE_WIDTH_CM, Nature, intervention_too_early, pothole_width_missing

__all__ = ["MIN_POTHOLE_WIDTH_CM", "Nature", "intervention_too_early", "pothole_width_missing"]
