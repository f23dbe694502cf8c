"""An agent's saved queue filters."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TenantMixin


class SavedView(TenantMixin, db.Model):
    __tablename__ = "saved_view"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # The queue's query string (filters), e.g. "state_kind=open&service=3".
    query: Mapped[str] = mapped_column(String(1000), nullable=False)
