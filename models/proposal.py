"""Proposal (提案 / 建议) and its reply (答复)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field, updated_field, version_field
from models.enums import ReplyCategory


class Proposal(SQLModel, table=True):
    """A CPPCC/NPC proposal, its handling unit and the reply's category (A/B/C)."""

    __tablename__ = "proposal"

    id: uuid.UUID = id_field()
    code: str = Field(max_length=64, unique=True)
    session: str | None = Field(default=None, max_length=200)
    title: str
    proposer: str | None = Field(default=None, max_length=200)
    handling_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", index=True)
    year: int | None = Field(default=None)
    reply_category: ReplyCategory | None = Field(default=None, sa_type=enum_type(ReplyCategory))
    reply_document_id: uuid.UUID | None = Field(default=None, foreign_key="document.id", index=True)
    reply_text: str | None = Field(default=None)
    replied_on: date | None = Field(default=None)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()
