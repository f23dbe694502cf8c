"""A survey answer: the score (1 to 5), « résolu ? » and what the results say.

A *bad* answer is a score of 1 or 2, or « non » to « le problème est-il
résolu ? » — what a commune may act on (alert the service, reopen)."""
from __future__ import annotations

SCORES = (1, 2, 3, 4, 5)
RESOLVED = ("yes", "partly", "no")
BAD_ACTIONS = ("none", "alert", "reopen")
COMMENT_MAX = 2000


def parse_score(value) -> int | None:
    """The score a link or form carries, or None when it is not 1 to 5."""
    text = str(value).strip()
    # One ASCII digit: int() would also read « ٣ » or « 05 ».
    return int(text) if text in {str(score) for score in SCORES} else None


def answer_problem(resolved: str, comment: str) -> str | None:
    """What is wrong with the follow-up: "resolved" or "comment", or None."""
    if resolved not in RESOLVED + ("",):
        return "resolved"
    if len(comment) > COMMENT_MAX or any(ord(c) < 32 and c not in "\n\r\t" for c in comment):
        return "comment"
    return None


def is_bad_answer(score: int | None, resolved: str) -> bool:
    return (score is not None and score <= 2) or resolved == "no"


def summary(invited: int, scores: list[int], resolved: list[str]) -> dict:
    """The figures of a set of answers.

    ``invited``: invitations sent; ``scores``: the scores given;
    ``resolved``: the « résolu ? » answers given ("" left out). Response
    rate and shares in percent (one decimal), mean to two decimals; net
    satisfaction = % of 4–5 minus % of 1–2 (from −100 to +100)."""
    answered = len(scores)
    said = [r for r in resolved if r]
    distribution = {score: scores.count(score) for score in SCORES}
    return {
        "invited": invited,
        "answered": answered,
        "response_rate": round(100 * answered / invited, 1) if invited else None,
        "mean": round(sum(scores) / answered, 2) if answered else None,
        "distribution": distribution,
        "resolved_share": round(100 * said.count("yes") / len(said), 1) if said else None,
        "net": round(100 * (distribution[4] + distribution[5] - distribution[1] - distribution[2]) / answered, 1)
        if answered else None,
    }
