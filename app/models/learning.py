"""The outreach corner's curated learning resources (/learn), kept by staff."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column
from app.models.vocab import Audience, ResourceKind, ResourceLanguage


class LearningResource(SQLModel, table=True):
    __tablename__ = "learning_resource"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    title_zh: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=500)  # one line on what it is and who it suits
    note_zh: str = Field(default="", max_length=500)
    kind: ResourceKind = enum_column(ResourceKind, index=True)
    audience: Audience = enum_column(Audience, index=True)
    language: ResourceLanguage = enum_column(ResourceLanguage)
    url: str = Field(max_length=300)
    created_at: datetime = timestamp_column()
    updated_at: datetime = timestamp_column()
