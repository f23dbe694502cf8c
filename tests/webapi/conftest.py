"""The API tests read the messages in English (Accept-Language: en); the
French ones are checked by test_open311.py's own test."""
import pytest


@pytest.fixture
def client(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
