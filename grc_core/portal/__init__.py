"""The citizens' portal of a commune, at ``/c/<slug>/portal/``: the
catalogue of démarches open online, citizen accounts, filing, and "Mes
démarches" (docs/portal.md). Its own templates (``templates/portal/``), its
own session (:mod:`.session`); nothing here reads the agents' session."""
from .views import bp

__all__ = ["bp"]
