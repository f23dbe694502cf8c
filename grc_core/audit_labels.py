"""How the audit log's event codes read (French after translation).

The code stays what is stored, searched and filtered; the log's list, its
details and its exports show these words. An event without a label here (a
plugin's own) shows its code.
"""
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "login.succeeded": _l("Signed in"),
    "login.failed": _l("Sign-in failed"),
    "login.code_failed": _l("Wrong two-step sign-in code"),
    "login.throttled": _l("Sign-in slowed down after failures"),
    "commune.switched": _l("Changed commune"),
    "session.revoked": _l("Session signed out"),
    "session.revoked_all": _l("Signed out everywhere"),
    "password.changed": _l("Own password changed"),
    "password.change_refused": _l("Password change refused (wrong current password)"),
    "password.change_throttled": _l("Password change slowed down after failures"),
    "two_factor.enabled": _l("Two-step sign-in set up"),
    "permission.refused": _l("Access refused"),
    "agent.created": _l("Agent added"),
    "agent.updated": _l("Agent changed"),
    "agent.removed": _l("Agent removed"),
    "agent.two_factor_reset": _l("Agent's two-step sign-in reset"),
    "plugin.enabled": _l("Domain enabled"),
    "plugin.disabled": _l("Domain disabled"),
    "workflow.updated": _l("Workflow changed"),
    "request_type.created": _l("Request type created"),
    "request_type.updated": _l("Request type changed"),
    "notification_template.created": _l("E-mail template created"),
    "notification_template.updated": _l("E-mail template changed"),
    "confidential.read": _l("Confidential request opened"),
    "confidential.export": _l("Confidential requests exported"),
    "dashboard.export": _l("Dashboard figure exported"),
    "processing_register.export": _l("Register of processing exported"),
    "citizen.rgpd_export": _l("Citizen's data exported (right of access)"),
    "citizen.rgpd_export_refused": _l("Citizen's data export refused"),
    "citizen.rectified": _l("Citizen's data rectified"),
    "citizen.merged": _l("Citizen records merged"),
    "citizen.merge_undone": _l("Citizen merge undone"),
    "citizen.preferences": _l("Citizen's notification preferences changed"),
    "citizen.unsubscribed": _l("Citizen unsubscribed from notifications"),
    "citizen.portal_invited": _l("Citizen invited to the portal"),
    "retention.anonymised": _l("Personal data removed (retention)"),
    "outbox.retry": _l("E-mail sent again"),
    "job.retried": _l("Background task retried"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return code if label is None else str(label)
