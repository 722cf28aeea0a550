"""With Redis unreachable (a real connection refused: nothing listens on the port), public pages are made from
the database and answer 200; a public form says to come back later instead of failing; nothing stale is
served once Redis is back."""

import pytest
from django.core.cache import caches
from django.test import Client

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:9/0"  # the discard port: connection refused


@pytest.fixture
def redis_down(settings):
    options = {**settings.REDIS_CACHE_OPTIONS}
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": UNREACHABLE, "OPTIONS": options},
        "pages": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": UNREACHABLE, "OPTIONS": options},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    for alias in ("default", "pages"):
        caches[alias].close()
    yield
    for alias in ("default", "pages"):
        caches[alias].close()


def test_public_pages_answer_from_the_database(redis_down, home_page, stocked_product):
    from devices.models import Device

    product = stocked_product(units=1)
    passport = Device.objects.filter(shop_listings__product=product).get().asset_tag
    client = Client(raise_request_exception=False)
    for path in ("/", "/boutique/catalogue/", product.get_absolute_url(), f"/appareil/{passport}/", "/compte/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert product.title in client.get("/boutique/catalogue/").content.decode()  # the catalogue, from the database


def test_a_public_form_asks_to_come_back_rather_than_failing(redis_down, home_page):
    client = Client(raise_request_exception=False)
    response = client.post("/newsletter/", {"email": "lectrice@example.org"})
    # The rate limit cannot count: it fails closed, with its message and the address kept.
    assert response.status_code == 429
    content = response.content.decode()
    assert "Trop de requêtes" in content and 'value="lectrice@example.org"' in content


def test_a_product_page_with_photos_answers_from_the_database(redis_down, home_page, stocked_product):
    """Found by the production topology: Wagtail's renditions cache read through django-redis gave a 500."""
    from devices import services
    from devices.models import Device
    from tests.photos import photo_upload

    product = stocked_product(units=1)
    device = Device.objects.get(shop_listings__product=product)
    services.device_photos_add(device=device, actor=None, photos=[photo_upload(), photo_upload()], alt="Capot fermé")
    client = Client(raise_request_exception=True)
    for _visit in range(2):
        response = client.get(product.get_absolute_url())
        assert response.status_code == 200
        assert "Capot fermé" in response.content.decode()


def test_redis_down_is_logged_as_a_warning_without_traceback(redis_down, home_page):
    import logging

    from reemploi.logs import CacheOutage
    from reemploi.settings.base import logging_config

    configured = logging_config("json")
    assert configured["loggers"]["django_redis.cache"]["filters"] == ["cache_outage"]
    assert configured["filters"]["cache_outage"]["()"] == "reemploi.logs.CacheOutage"
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = logging.getLogger("django_redis.cache")
    handler = Keep()
    logger.addFilter(CacheOutage())  # as the settings' LOGGING does (the test settings keep no logging)
    logger.addHandler(handler)
    try:
        assert Client().get("/").status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.filters.clear()
    assert records and {record.levelname for record in records} == {"WARNING"}
    assert all(record.exc_info is None for record in records)
    assert "cache unreachable" in records[0].getMessage() and "Connection refused" in records[0].getMessage()
