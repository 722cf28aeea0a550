"""`make run`'s processes: what the web and worker see on embedded defaults, and what real settings keep."""

from reemploi import devserver


def test_without_any_setting_card_payment_runs_in_test_mode_on_the_local_stripe_server(monkeypatch):
    for name in ("STRIPE_SECRET_KEY", "CELERY_BROKER_URL", "REDIS_URL", "SITE_BASE_URL", "DJANGO_SETTINGS_MODULE"):
        monkeypatch.delenv(name, raising=False)
    env = devserver.environment("127.0.0.1", 8123, 8456)
    assert env["DJANGO_SETTINGS_MODULE"] == "reemploi.settings.dev"  # the worker's own default is production
    assert env["STRIPE_SECRET_KEY"].startswith("sk_test_") and env["STRIPE_API_BASE"] == "http://127.0.0.1:8456"
    assert env["STRIPE_JS_URL"] == "http://127.0.0.1:8456/js.stripe.com/v3/"
    assert env["CELERY_BROKER_URL"] == "filesystem://"
    assert env["SITE_BASE_URL"] == "http://127.0.0.1:8123"  # links in e-mails follow the port served
    names = [name for name, _command, _env in devserver.processes("127.0.0.1", 8123, 8456)]
    assert names == ["web", "worker", "stripe"]
    stripe_command = devserver.processes("127.0.0.1", 8123, 8456)[2][1]
    assert "--webhook-url=http://127.0.0.1:8123/webhooks/stripe/" in stripe_command


def test_real_keys_and_redis_are_kept_and_no_local_stripe_starts(monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_reel")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("SITE_BASE_URL", "https://reemploi.example")
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    env = devserver.environment("127.0.0.1", 8000, 8420)
    assert env["STRIPE_SECRET_KEY"] == "sk_live_reel" and "STRIPE_API_BASE" not in env
    assert "CELERY_BROKER_URL" not in env and env["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert env["SITE_BASE_URL"] == "https://reemploi.example"
    assert [name for name, _c, _e in devserver.processes("127.0.0.1", 8000, 8420)] == ["web", "worker"]
