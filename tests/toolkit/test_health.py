"""The health endpoint names each component and its state: green on the embedded defaults, red with the
failing component named when one does not answer."""

import pytest

pytestmark = pytest.mark.django_db


def test_every_component_answers(client):
    response = client.get("/sante/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Storage(alias='default')": "OK",
        "Storage(alias='private')": "OK",
    }


def test_a_failing_storage_is_named(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the private folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": blocked}},
    }
    response = client.get("/sante/", HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    failing = [name for name, state in response.json().items() if state != "OK"]
    assert failing == ["Storage(alias='private')"], response.json()
