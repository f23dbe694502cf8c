"""Voirie: reports about the public road for GRC (the hooks are in plugin.py)."""
