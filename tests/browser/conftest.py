"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

- Every browser context a test opens (pytest-playwright's `context`/`page`, and any `browser.new_context()`)
  may reach the live server only: any other request is aborted, and the test fails at teardown with the list.
- Every context waits 10 s at most for an element or a navigation.
- `live_server` tests are transactional: the flush after each one removes Wagtail's root page, the Site, the
  Editors/Moderators groups and the moderation workflow ("Validation par la modération"). `base_data`
  (tests/conftest.py) restores them; `demo_site` then loads the demonstration content with `manage.py demo`.
"""

from urllib.parse import urlsplit

import pytest

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = ("serious", "critical")


class ExternalRequestGuard:
    """Aborts and records every request of a guarded context to a host other than the live server."""

    def __init__(self):
        self.blocked = []
        self._guarded = set()

    def install(self, context):
        if id(context) in self._guarded:
            return context
        self._guarded.add(id(context))
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", self._route)
        context.on("page", self._watch_websockets)
        for page in context.pages:
            self._watch_websockets(page)
        return context

    def _route(self, route):
        request = route.request
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and parts.hostname not in LOCAL_HOSTS:
            try:
                origin = request.frame.url
            except Exception:  # noqa: BLE001 (a service worker's request has no frame)
                origin = "?"
            self.blocked.append(f"{request.method} {request.url} [{request.resource_type}, from {origin}]")
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _watch_websockets(self, page):
        page.on("websocket", self._websocket)

    def _websocket(self, websocket):
        if urlsplit(websocket.url).hostname not in LOCAL_HOSTS:
            self.blocked.append(f"WEBSOCKET {websocket.url}")


@pytest.fixture(autouse=True)
def _no_request_leaves_the_site(request, monkeypatch):
    """Guards every context the test opens; fails it if any request was meant for another host."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    browser = request.getfixturevalue("browser")
    guard = ExternalRequestGuard()
    opened = []
    original_new_context = browser.new_context

    def new_context(*args, **kwargs):
        context = guard.install(original_new_context(*args, **kwargs))
        opened.append(context)
        return context

    def new_page(*args, **kwargs):
        return new_context(*args, **kwargs).new_page()

    monkeypatch.setattr(browser, "new_context", new_context)
    monkeypatch.setattr(browser, "new_page", new_page)
    if {"context", "page"} & set(request.fixturenames):
        guard.install(request.getfixturevalue("context"))
    yield guard
    for context in opened:  # contexts the test opened and left open (closing twice does nothing)
        context.close()
    if guard.blocked:
        listing = "\n  ".join(dict.fromkeys(guard.blocked))
        pytest.fail(f"Requests outside the live server (aborted):\n  {listing}", pytrace=False)


@pytest.fixture
def demo_site(base_data):
    """The demonstration data (`manage.py demo`): site pages, partners, roles, users, registry and shop."""
    from django.core.management import call_command

    from content.models import HomePage

    call_command("demo", verbosity=0)
    return HomePage.objects.get()


@pytest.fixture
def live_url(live_server):
    return live_server.url


@pytest.fixture
def visitor(browser):
    """A page in a fresh context: someone else, not logged in (guarded like every context)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def login(page, base_url, email, password):
    """Logs in through allauth's form at /compte/login/ and waits for the redirection."""
    page.goto(f"{base_url}/compte/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    assert "/compte/login/" not in page.url, f"login failed for {email}: {page.locator('main').inner_text()}"


def officer_step(page, base_url, application, slug, fields=None, selects=None):
    """A rental officer records the step `slug` of `application` from its back-office page."""
    page.goto(f"{base_url}/admin/location/demandes/{application.pk}/")
    step = page.locator(f"#step-{slug}")
    step.locator("summary").click()
    for name, value in (fields or {}).items():
        step.locator(f"[name='{slug}-{name}']").fill(value)
    for name, value in (selects or {}).items():
        step.locator(f"[name='{slug}-{name}']").select_option(value)
    with page.expect_navigation():
        step.locator("button[type=submit]").click()
    application.refresh_from_db()


def format_violation(url, violation):
    lines = [
        f"{url} — {violation['id']} ({violation['impact']}): {violation['help']}",
        f"    {violation.get('helpUrl', '')}",
    ]
    for node in violation["nodes"]:
        lines.append(f"    target: {node['target']}")
        lines.append(f"      html: {node['html']}")
        summary = (node.get("failureSummary") or "").replace("\n", "\n            ")
        if summary:
            lines.append(f"      why:  {summary}")
    return "\n".join(lines)


def blocking_violations(page, url):
    """axe-core's serious and critical violations on the page at `url`, each fully described."""
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    violations = Axe().run(page).response["violations"]
    return [format_violation(url, v) for v in violations if v["impact"] in BLOCKING_IMPACTS]
