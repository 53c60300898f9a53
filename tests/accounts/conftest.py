"""Fixtures for account tests."""

import pytest

from app.main import create_app


@pytest.fixture
def mailing_app(settings, engine, smtp):
    """The app, mailing through the suite's SMTP inbox."""
    return create_app(settings.model_copy(update={"smtp_url": smtp.url}))
