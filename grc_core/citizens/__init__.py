"""Citizens: forgiving search, duplicates, merge, the 360° timeline, contacts.

Importing this package registers the listener that keeps the citizens'
search keys up to date (grc_core.citizens.search).
"""
from .contacts import first_contact_resolution, intake_url
from .duplicates import find_duplicates
from .merge import MergeError, merge_citizens
from .search import citizen_keys, normalize, phone_key, phonetic_key, search_citizens
from .timeline import TimelineEntry, citizen_timeline

__all__ = [
    "MergeError", "TimelineEntry", "citizen_keys", "citizen_timeline", "find_duplicates",
    "first_contact_resolution", "intake_url", "merge_citizens", "normalize", "phone_key", "phonetic_key",
    "search_citizens",
]
