"""Segments: selecting the citizens of a commune by criteria — on their
record, on their requests, and on what plugins know of them — combined with
and / or / not, for targeted campaigns and barometer surveys.

A segment is data (:mod:`.definition`): a tree of criteria kept as JSON and
evaluated again each time it is used (:mod:`.evaluation`), so that a
campaign reaches the people who match on the day it is sent. Who builds it
matters: a criterion on requests sees only the requests its author may read,
and a person known only through confidential files he may not read is never
in his segments (``grc_core.security.access``).
"""
from .catalogue import criteria_for, criterion
from .definition import SegmentError, parse_definition
from .evaluation import count, matching_ids, sample, segment_condition

__all__ = ["SegmentError", "count", "criteria_for", "criterion", "matching_ids", "parse_definition", "sample",
           "segment_condition"]
