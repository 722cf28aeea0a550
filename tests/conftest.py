"""Fixtures shared by the whole suite.

- Caches (local memory, or Redis when REDIS_URL is set) start empty in every test.
- `site_tree` rebuilds Wagtail's root, the home page and both site models after a transactional
  test flushed them (shared/STACK.md #10).
- Browser tests use the Debian Chromium at /usr/bin/chromium; where it is absent they are skipped,
  and the run says so plainly, unless REQUIRE_BROWSER=1 (CI), which makes its absence an error.
"""

import os
import shutil

import pytest
from django.core.cache import caches

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The helper modules assert like test modules: pytest rewrites their asserts (registered before any import).
pytest.register_assert_rewrite("tests.helpers", "tests.shop.helpers")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_skipped_browser_tests = []


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt-get install chromium")
    marker = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in browser_items:
        item.add_marker(marker)
        _skipped_browser_tests.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _skipped_browser_tests:
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {len(_skipped_browser_tests)} tests need Chromium at {CHROMIUM} "
            "(Debian: apt-get install chromium). `.ci/run` installs it.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def _empty_caches():
    for alias in caches:
        caches[alias].clear()
    yield


@pytest.fixture(autouse=True)
def _media_storage(settings, tmp_path):
    """Files written by a test land in its own temporary folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    from tests.helpers import folder_storages

    settings.STORAGES = {**settings.STORAGES, **folder_storages(tmp_path / "media", tmp_path / "private")}
    yield


def ensure_site_tree():
    """Recreate the Wagtail root, the home page and both site records if a flush removed them."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site as DjangoSite
    from wagtail.models import Locale, Page, Site

    from content.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code="fr")
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(
            instance=HomePage(
                title="Accueil",
                slug="accueil",
                hero_title="Une seconde vie pour le matériel informatique",
                hero_text="Le réseau OGO reconditionne les ordinateurs des institutions bretonnes.",
            )
        )
    if not Site.objects.filter(is_default_site=True).exists():
        host = urlsplit(settings.SITE_BASE_URL).hostname
        Site.objects.create(is_default_site=True, hostname=host, port=80, root_page=home, site_name="Réemploi")
        DjangoSite.objects.update_or_create(pk=1, defaults={"domain": host, "name": "Réemploi – OGO"})
    return home


def ensure_base_data():
    """What migrations put in a new database and a flush removes: page tree, sites, roles, workflow, and the
    groups that our apps' migrations create (each such migration names its GROUP_NAME and PERMISSIONS, or its
    GROUP_PERMISSIONS: group name → permissions)."""
    import importlib
    import pkgutil

    from django.contrib.auth.models import Group, Permission

    from content.roles import roles_ensure

    home = ensure_site_tree()
    roles_ensure()
    for app in ("devices", "shop", "rental", "programmes"):
        package = importlib.import_module(f"{app}.migrations")
        for module_info in pkgutil.iter_modules(package.__path__):
            migration = importlib.import_module(f"{app}.migrations.{module_info.name}")
            groups = dict(getattr(migration, "GROUP_PERMISSIONS", {}))
            if hasattr(migration, "GROUP_NAME") and hasattr(migration, "PERMISSIONS"):
                groups[migration.GROUP_NAME] = migration.PERMISSIONS
            for name, permissions in groups.items():
                group, _created = Group.objects.get_or_create(name=name)
                for app_label, codename in permissions:
                    group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return home


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been flushed by the last run's transactional tests: restore it."""
    with django_db_blocker.unblock():
        ensure_base_data()


@pytest.fixture
def base_data(transactional_db):
    """For transactional and browser tests, which start after another one's flush."""
    return ensure_base_data()


@pytest.fixture
def home_page(db):
    return ensure_site_tree()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def chromium_path():
    return shutil.which("chromium") or CHROMIUM


@pytest.fixture(scope="session")
def localstripe_server():
    """One localstripe process for the session, on 127.0.0.1 (never the internet)."""
    from tests.stripe_server import LocalStripe

    server = LocalStripe()
    yield server
    server.stop()


@pytest.fixture
def stripe_faults(stripe_live, settings):
    """Stripe through a proxy that cuts the line for the calls a test chooses (`tests/stripe_faults.py`)."""
    from tests.stripe_faults import StripeFaults

    proxy = StripeFaults(stripe_live.base)
    settings.STRIPE_API_BASE = proxy.base
    yield proxy
    proxy.stop()


@pytest.fixture
def stripe_live(settings, localstripe_server):
    """Stripe switched on and pointed at localstripe; the webhook secret the tests sign with."""
    from tests.stripe_server import WEBHOOK_SECRET

    settings.STRIPE_SECRET_KEY = "sk_test_reemploi"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_reemploi"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_server.base
    settings.STRIPE_JS_URL = localstripe_server.js_url
    localstripe_server.flush()
    return localstripe_server
