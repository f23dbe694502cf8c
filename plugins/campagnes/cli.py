"""``grc campagnes bounces``: delivery status notifications read from an MTA
pipe (one message on standard input) or from an mbox file (bounces.py)."""
from __future__ import annotations

import mailbox
from email import message_from_binary_file
from email import policy as email_policy

from grc_core.plugin_api import utcnow

from . import bounces

OUTCOMES = {
    "bounced": "adresse en erreur enregistrée",
    "failed": "échec de remise enregistré",
    "delayed": "remise retardée, rien à enregistrer",
    "not-a-report": "pas un rapport de non-remise, ignoré",
    "unknown-recipient": "aucun destinataire de campagne reconnu, ignoré",
}


def read_reports(mbox_path, stdin) -> list[str]:
    """Process each report; one line per message saying what was done."""
    if mbox_path:
        box = mailbox.mbox(mbox_path, factory=None, create=False)
        messages = [message for message in box]
    else:
        messages = [message_from_binary_file(stdin, policy=email_policy.compat32)]
    lines = []
    for number, message in enumerate(messages, 1):
        outcome = bounces.process(message, utcnow())
        lines.append(f"{number} : {OUTCOMES[outcome]}")
    return lines
