"""`make run`: the site on embedded defaults, with what its journeys need, as separate processes on loopback.

- **web**: Django's development server on HOST:PORT; links in e-mails follow that address unless
  `SITE_BASE_URL` is set.
- **worker**: a Celery worker with its beat, so that e-mails leave through a queue and the periodic tasks
  run (reservations to release, reminders, scheduled publishing…). The broker is Redis when `REDIS_URL` or
  `CELERY_BROKER_URL` is set, else kombu's filesystem transport in `var/broker/` (nothing to install).
- **stripe**: without Stripe keys in the environment, the local Stripe test server
  (`payments.localstripe_server`) on 127.0.0.1, so that card payment works in test mode with Stripe's
  test cards; its events reach the site's webhook, signed. With real keys it does not start.

honcho runs the processes and prefixes their output; Ctrl-C stops them all.
"""

import os
import sys
from pathlib import Path

from honcho.manager import Manager

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_STRIPE = {
    "STRIPE_SECRET_KEY": "sk_test_local_reemploi",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_local_reemploi",
    "STRIPE_WEBHOOK_SECRET": "whsec_local_reemploi",
}


def environment(host: str, port: int, stripe_port: int) -> dict[str, str]:
    """What the web and worker processes see: the caller's environment, completed with local defaults."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "reemploi.settings.dev")  # the worker's default is production
    env.setdefault("SITE_BASE_URL", f"http://{host}:{port}")
    if not (env.get("CELERY_BROKER_URL") or env.get("REDIS_URL")):
        env["CELERY_BROKER_URL"] = "filesystem://"
    if not env.get("STRIPE_SECRET_KEY"):
        env.update(LOCAL_STRIPE)
        env["STRIPE_API_BASE"] = f"http://127.0.0.1:{stripe_port}"
        env["STRIPE_JS_URL"] = f"http://127.0.0.1:{stripe_port}/js.stripe.com/v3/"
    return env


def processes(host: str, port: int, stripe_port: int) -> list[tuple[str, list[str], dict[str, str]]]:
    python = sys.executable
    env = environment(host, port, stripe_port)
    var = BASE_DIR / "var"
    result = [
        ("web", [python, "manage.py", "runserver", f"{host}:{port}"], env),
        (
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "reemploi",
                "worker",
                "--beat",
                "--pool=solo",
                "--loglevel=INFO",
                f"--schedule={var / 'celerybeat-schedule'}",
            ],
            env,
        ),
    ]
    if not os.environ.get("STRIPE_SECRET_KEY"):
        webhook = f"http://{host}:{port}/webhooks/stripe/"
        result.append(
            (
                "stripe",
                [
                    python,
                    "-m",
                    "payments.localstripe_server",
                    f"--port={stripe_port}",
                    f"--webhook-url={webhook}",
                    f"--webhook-secret={env['STRIPE_WEBHOOK_SECRET']}",
                ],
                env,
            )
        )
    return result


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    stripe_port = int(os.environ.get("STRIPE_LOCAL_PORT", "8420"))
    (BASE_DIR / "var").mkdir(exist_ok=True)
    manager = Manager()
    for name, command, env in processes(host, port, stripe_port):
        manager.add_process(name, " ".join(f"'{part}'" for part in command), env=env, cwd=str(BASE_DIR))
    manager.loop()
    sys.exit(manager.returncode)


if __name__ == "__main__":
    main()
