"""Pure rules of closing surveys (no database, no Flask)."""
from .answers import BAD_ACTIONS, COMMENT_MAX, RESOLVED, SCORES, answer_problem, is_bad_answer, parse_score, summary
from .timing import due_at, expires_at, is_expired

__all__ = ["BAD_ACTIONS", "COMMENT_MAX", "RESOLVED", "SCORES", "answer_problem", "is_bad_answer", "parse_score",
           "summary", "due_at", "expires_at", "is_expired"]
