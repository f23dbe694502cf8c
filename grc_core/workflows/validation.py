"""Is a workflow definition usable? The reasons why not, in words an admin reads.

:func:`validate` is run on every save of the back-office editor (and may be
run on plugin templates by their tests): a definition with any message is
refused as a whole, so a commune never works with a broken workflow.
"""
from __future__ import annotations

import re
from collections import Counter, deque

from flask_babel import gettext as _

from ..plugin_api.types import ESCALATIONS, ROLES, STATE_KINDS, TIMER_ACTIONS
from .definition import ANCHORS

FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _name(state: dict) -> str:
    label = state.get("label") or ""
    return f"« {label} » ({state['code']})" if label and label != state["code"] else f"« {state['code']} »"


def _duplicates(codes) -> list[str]:
    return sorted(code for code, count in Counter(codes).items() if count > 1)


def validate(definition: dict) -> list[str]:
    """Every reason ``definition`` cannot be used; empty when it is valid."""
    errors: list[str] = []
    states = [s for s in definition.get("states") or () if isinstance(s, dict)]
    transitions = [t for t in definition.get("transitions") or () if isinstance(t, dict)]
    timers = [t for t in definition.get("timers") or () if isinstance(t, dict)]

    errors += _check_states(states)
    by_code = {s["code"]: s for s in states if s.get("code")}
    errors += _check_transitions(transitions, by_code)
    transitions_by_code = {t["code"]: t for t in transitions if t.get("code")}
    errors += _check_timers(timers, by_code, transitions_by_code)
    if not errors:
        # The graph checks only make sense on well-formed states and transitions.
        errors += _check_graph(states, transitions)
    return errors


def _check_states(states: list[dict]) -> list[str]:
    errors = []
    if not states:
        return [_("The workflow has no state.")]
    for state in states:
        code = state.get("code") or ""
        if not code:
            errors.append(_("Every state needs a code."))
            continue
        if not str(state.get("label") or "").strip():
            errors.append(_("State « %(code)s » has no label.", code=code))
        if state.get("kind") not in STATE_KINDS:
            errors.append(_("State « %(code)s »: unknown kind « %(kind)s ».", code=code, kind=state.get("kind")))
    for code in _duplicates(s.get("code") for s in states if s.get("code")):
        errors.append(_("Two states have the code « %(code)s ».", code=code))
    initial = [s["code"] for s in states if s.get("kind") == "new" and s.get("code")]
    if not initial:
        errors.append(_("The workflow needs one state of kind « new »: requests start there."))
    elif len(initial) > 1:
        errors.append(_("Only one state may be of kind « new » (here: %(codes)s).", codes=", ".join(initial)))
    if not any(s.get("kind") == "closed" for s in states):
        errors.append(_("The workflow needs at least one state of kind « closed »."))
    return errors


def _check_transitions(transitions: list[dict], states: dict[str, dict]) -> list[str]:
    errors = []
    for transition in transitions:
        code = transition.get("code") or ""
        if not code:
            errors.append(_("Every transition needs a code."))
            continue
        if not str(transition.get("label") or "").strip():
            errors.append(_("Transition « %(code)s » has no label.", code=code))
        sources = transition.get("source") or []
        if not sources:
            errors.append(_("Transition « %(code)s » starts from no state.", code=code))
        for source in sources:
            if source not in states:
                errors.append(_("Transition « %(code)s » starts from an unknown state « %(state)s ».",
                                code=code, state=source))
        if transition.get("target") not in states:
            errors.append(_("Transition « %(code)s » leads to an unknown state « %(state)s ».",
                            code=code, state=transition.get("target") or ""))
        unknown_roles = [role for role in transition.get("roles") or () if role not in ROLES]
        if unknown_roles:
            errors.append(_("Transition « %(code)s »: unknown roles %(roles)s.",
                            code=code, roles=", ".join(unknown_roles)))
        due = transition.get("set_due_days")
        if due is not None and not _is_count(due):
            errors.append(_("Transition « %(code)s »: the new deadline must be a number of days, 0 or more.",
                            code=code))
        for field in transition.get("required_fields") or ():
            if not FIELD_NAME.match(str(field)):
                errors.append(_("Transition « %(code)s »: « %(field)s » is not a field name.",
                                code=code, field=field))
        own = transition.get("fields") or []
        if own:
            from ..forms.specs import check_specs

            errors += [_("Transition « %(code)s »: %(message)s", code=code, message=message)
                       for message in check_specs(own)]
    for code in _duplicates(t.get("code") for t in transitions if t.get("code")):
        errors.append(_("Two transitions have the code « %(code)s ».", code=code))
    return errors + _check_resume(transitions, states)


def _check_resume(transitions: list[dict], states: dict[str, dict]) -> list[str]:
    """A resume transition is taken by the citizen's answer, with no agent to
    write a comment or fill a field: only from waiting states, asking for
    nothing, and one per state (else which one would the answer take?)."""
    errors = []
    resuming: dict[str, list[str]] = {}
    for transition in transitions:
        code = transition.get("code") or ""
        resume = transition.get("resume", False)
        if not isinstance(resume, bool):
            errors.append(_("Transition « %(code)s »: « resume » must be true or false.", code=code))
            continue
        if not resume or not code:
            continue
        sources = transition.get("source") or []
        if any(states.get(source, {}).get("kind") != "waiting" for source in sources if source in states):
            errors.append(_("Transition « %(code)s » is taken when the citizen answers: it may start only from "
                            "waiting states.", code=code))
        if transition.get("comment_required") or transition.get("required_fields") or transition.get("fields"):
            errors.append(_("Transition « %(code)s » is taken when the citizen answers: it cannot ask for a "
                            "comment or fields.", code=code))
        for source in sources:
            resuming.setdefault(source, []).append(code)
    for source, codes in resuming.items():
        if len(codes) > 1:
            errors.append(_("State « %(state)s »: only one transition may be taken when the citizen answers "
                            "(here: %(codes)s).", state=source, codes=", ".join(codes)))
    return errors


def _check_timers(timers: list[dict], states: dict[str, dict], transitions: dict[str, dict]) -> list[str]:
    errors = []
    for timer in timers:
        code = timer.get("code") or ""
        if not code:
            errors.append(_("Every timer needs a code."))
            continue
        state = timer.get("state")
        if state not in states:
            errors.append(_("Timer « %(code)s » watches an unknown state « %(state)s ».",
                            code=code, state=state or ""))
        action = timer.get("action") or "transition"
        if action not in TIMER_ACTIONS:
            errors.append(_("Timer « %(code)s »: unknown action « %(action)s ».", code=code, action=action))
        elif action == "escalate":
            escalate = timer.get("escalate") or []
            if not escalate or any(item not in ESCALATIONS for item in escalate):
                errors.append(_("Timer « %(code)s »: an escalation notifies the service's manager, assigns the "
                                "request to them, or both.", code=code))
        else:
            errors += _check_timer_transition(code, state, timer, states, transitions)
        days, months, hours = timer.get("delay_days", 0), timer.get("delay_months", 0), timer.get("delay_hours", 0)
        if not _is_count(days) or not _is_count(months) or not _is_count(hours):
            errors.append(_("Timer « %(code)s »: delays are whole numbers of hours, days or months, 0 or more.",
                            code=code))
        condition = timer.get("condition")
        if condition is not None and not (
                isinstance(condition, dict) and FIELD_NAME.match(str(condition.get("field") or ""))
                and isinstance(condition.get("values"), list) and condition["values"]):
            errors.append(_("Timer « %(code)s »: the condition needs a field name and at least one value.",
                            code=code))
        anchor = timer.get("anchor") or ""
        if anchor not in ANCHORS and not FIELD_NAME.match(anchor):
            errors.append(_("Timer « %(code)s »: the delay counts from the state change, the creation or a "
                            "date field of the form, not « %(anchor)s ».", code=code, anchor=anchor))
    for code in _duplicates(t.get("code") for t in timers if t.get("code")):
        errors.append(_("Two timers have the code « %(code)s ».", code=code))
    return errors


def _check_timer_transition(code: str, state, timer: dict, states: dict, transitions: dict) -> list[str]:
    transition = transitions.get(timer.get("transition"))
    if transition is None:
        return [_("Timer « %(code)s » applies an unknown transition « %(transition)s ».",
                  code=code, transition=timer.get("transition") or "")]
    if state in states and state not in (transition.get("source") or ()):
        return [_("Timer « %(code)s »: transition « %(transition)s » cannot be applied from state « %(state)s ».",
                  code=code, transition=transition["code"], state=state)]
    if any(spec.get("required") for spec in transition.get("fields") or ()):
        # Nobody is there to type the values: the timer would be refused every time.
        return [_("Timer « %(code)s »: transition « %(transition)s » asks for fields that a timer cannot fill in.",
                  code=code, transition=transition["code"])]
    return []


def _check_graph(states: list[dict], transitions: list[dict]) -> list[str]:
    errors = []
    initial = next(s["code"] for s in states if s["kind"] == "new")
    reached = {initial}
    queue = deque([initial])
    while queue:
        current = queue.popleft()
        for transition in transitions:
            if current in transition["source"] and transition["target"] not in reached:
                reached.add(transition["target"])
                queue.append(transition["target"])
    for state in states:
        if state["code"] not in reached:
            errors.append(_("State %(state)s cannot be reached from the initial state.", state=_name(state)))
    for state in states:
        if state["kind"] == "closed":
            continue
        leaves = any(state["code"] in t["source"] and t["target"] != state["code"] for t in transitions)
        if not leaves:
            errors.append(_("State %(state)s is a dead end: no transition leaves it and it is not closed.",
                            state=_name(state)))
    return errors
