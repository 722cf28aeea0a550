"""With the database unreachable, every page answers 503 with a branded page and `Retry-After`, not a 500."""

import pytest
from django.db import connection
from django.test import Client


@pytest.fixture
def unreachable_database():
    """The real connection, pointed at a database that cannot be opened (a closed port on PostgreSQL)."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT="9")  # discard port: nothing listens
    else:
        connection.settings_dict["NAME"] = "/nonexistent-folder/reemploi.sqlite3"
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/boutique/catalogue/", "/location/", "/compte/login/"])
def test_an_unreachable_database_gives_a_503_that_says_to_come_back(home_page, unreachable_database, path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    content = response.content.decode()
    assert "Service momentanément indisponible" in content and "réessayez dans une minute" in content
