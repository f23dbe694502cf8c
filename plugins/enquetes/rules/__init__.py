"""Pure rules of closing and barometer surveys (no database, no Flask)."""
from .answers import BAD_ACTIONS, COMMENT_MAX, RESOLVED, SCORES, answer_problem, is_bad_answer, parse_score, summary
from .barometer import (
    AGE_BANDS, ANSWER_CHANNELS, CHOICE_TYPES, DEFAULT_THRESHOLD, NUMBER_TYPES, QUESTION_TYPES, TEXT_TYPES, age,
    age_band, groups, question_result, response_rate, window_problem,
)
from .channels import FALLBACKS, SURVEY_CHANNELS, channel_for, consent_state
from .results import hidden_types, month_of, verbatim_matches
from .timing import due_at, expires_at, is_expired

__all__ = ["BAD_ACTIONS", "COMMENT_MAX", "RESOLVED", "SCORES", "answer_problem", "is_bad_answer", "parse_score",
           "summary", "due_at", "expires_at", "is_expired", "AGE_BANDS", "ANSWER_CHANNELS", "CHOICE_TYPES",
           "DEFAULT_THRESHOLD", "NUMBER_TYPES", "QUESTION_TYPES", "TEXT_TYPES", "age", "age_band", "groups",
           "question_result", "response_rate", "window_problem", "FALLBACKS", "SURVEY_CHANNELS", "channel_for",
           "consent_state", "hidden_types", "month_of", "verbatim_matches"]
