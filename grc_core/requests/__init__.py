"""Requests: filing (service), references, attachments, the agents' queue and exports."""
