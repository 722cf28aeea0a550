"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Every page a test opens may only reach the live server: any other request is aborted and fails the test.
"""

from urllib.parse import urlsplit

import pytest

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(autouse=True)
def _no_request_leaves_the_site(request):
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    outside = []

    def guard(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", guard)
    yield
    assert not outside, f"Requests outside the site: {outside}"


@pytest.fixture
def demo_site(base_data):
    """The demo's public content (pages, partners, users) without the device registry, built quickly."""
    from content.management.commands.demo import Command

    command = Command()
    home = command._home()
    command._sites(home)
    command._settings()
    command._partners()
    command._network(home)
    from content.models import PartnersPage

    command._page(home, PartnersPage, "partenaires", title="Partenaires", show_in_menus=True)
    command._articles(home)
    command._legal(home)
    command._forms(home)
    command._users()
    return home


@pytest.fixture
def live_url(live_server):
    return live_server.url


def serious_violations(page, url):
    """axe-core's serious and critical violations on a page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    violations = Axe().run(page).response["violations"]
    return [
        f"{url}: {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(f"{n['target']} {n['html'][:120]}" for n in v["nodes"][:5])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def login(page, base_url, email, password):
    page.goto(f"{base_url}/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
