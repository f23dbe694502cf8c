"""The core's models, one module per aggregate."""
from .audit import AuditEvent, LoginAttempt
from .base import CommuneScoped, TenantMixin, TimestampMixin, utcnow
from .commune import Commune, CommunePlugin
from .service import Service
from .user import Membership, User, membership_service

__all__ = [
    "AuditEvent", "Commune", "CommuneScoped", "CommunePlugin", "LoginAttempt", "Membership", "Service",
    "TenantMixin", "TimestampMixin", "User", "membership_service", "utcnow",
]
