"""The campaigns' rules: pure functions of plain values (who may receive a
message and why not; the message's variables)."""
from .recipients import LEGAL_BASES, Exclusion, LegalBasis, exclusion
from .templating import PLACEHOLDER, VARIABLES, fill, unknown_variables

__all__ = ["LEGAL_BASES", "PLACEHOLDER", "VARIABLES", "Exclusion", "LegalBasis", "exclusion", "fill",
           "unknown_variables"]
