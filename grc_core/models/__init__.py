"""The core's models, one module per aggregate."""
from .agent_session import AgentSession, RecoveryCode
from .api_key import ApiKey
from .audit import AuditEvent, LoginAttempt
from .base import CommuneScoped, TenantMixin, TimestampMixin, utcnow
from .citizen import Citizen, Consent, DigestItem, HouseholdLink
from .citizen_merge import CitizenMerge
from .commune import Commune, CommunePlugin
from .contact import Contact
from .export_file import EXPORT_STATUSES, ExportFile
from .dashboard import DashboardSubscription, RequestChannelStat, RequestDayStat, RequestDurationStat
from .outbox import NotificationTemplate, OutboxMessage
from .portal import CitizenAccount, PendingFiling, PortalToken, TrackingLink
from .request import (
    AppendOnlyError, Attachment, Message, ReferenceCounter, Request, RequestEvent, RequestType,
)
from .routing import RoutingRule
from .saved_view import SavedView
from .segment import Segment
from .service import Service
from .user import Membership, User, membership_service
from .webhook import WebhookDelivery, WebhookEndpoint
from .workflow import TimerRun, Workflow

__all__ = [
    "AgentSession", "ApiKey", "AppendOnlyError", "Attachment", "AuditEvent", "Citizen", "CitizenAccount",
    "CitizenMerge", "Commune", "CommunePlugin", "CommuneScoped",
    "Consent", "Contact", "DigestItem", "DashboardSubscription", "EXPORT_STATUSES", "ExportFile", "HouseholdLink",
    "LoginAttempt", "Membership", "Message",
    "NotificationTemplate", "OutboxMessage", "PendingFiling", "PortalToken", "RecoveryCode", "ReferenceCounter",
    "Request",
    "RequestChannelStat", "RequestDayStat", "RequestDurationStat", "RequestEvent", "RequestType", "RoutingRule",
    "SavedView", "Segment", "Service", "TenantMixin", "TimerRun", "TimestampMixin", "TrackingLink", "User",
    "WebhookDelivery",
    "WebhookEndpoint", "Workflow", "membership_service", "utcnow",
]
