"""How the codes of requests read in the back office (French after translation)."""
from flask_babel import lazy_gettext as _l

CHANNEL_LABELS = {
    "guichet": _l("Counter"),
    "telephone": _l("Phone"),
    "courrier": _l("Letter"),
    "email": _l("E-mail"),
    "web": _l("Online"),
    "api": _l("API"),
}
PRIORITY_LABELS = {
    "basse": _l("Low"),
    "normale": _l("Normal"),
    "haute": _l("High"),
    "urgente": _l("Urgent"),
}
# Values of the queue's status filter (grc_core.requests.queue.STATUS_KINDS).
STATUS_LABELS = {
    "todo": _l("To handle (new or in progress)"),
    "active": _l("Not closed"),
    "new": _l("New"),
    "open": _l("In progress"),
    "waiting": _l("Waiting for the citizen"),
    "closed": _l("Closed"),
    "all": _l("All, closed included"),
}
EVENT_LABELS = {
    "created": _l("Filed"),
    "transition": _l("Status changed"),
    "assigned": _l("Assignment"),
    "routed": _l("Routed"),
    "message": _l("Message"),
    "attachment": _l("File attached"),
    "notification": _l("E-mail to the citizen"),
    "field_changed": _l("Field changed"),
    "merged": _l("Citizen records merged"),
    "merge_undone": _l("Citizen merge undone"),
    "timer": _l("Automatic action"),
    "escalated": _l("Escalation"),
    "anonymised": _l("Personal data removed (retention)"),
    "tracking_revoked": _l("Tracking link revoked"),
}
