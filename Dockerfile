# The production image: one image for every process (web, worker, beat, one-off commands), chosen by its
# command. Settings come from the environment (see .env.example); the entry points default to production.
#   docker build -t reemploi .
#   docker compose up -d        (compose.yaml: the whole topology on one machine)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GUNICORN_BIND=0.0.0.0:8000

# pg_dump/pg_restore for `manage.py backup` and `restore` (the same major version as the server: 15);
# gettext for compiling translations at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app --uid 1000 reemploi

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY --chown=reemploi:reemploi . .
RUN pip install --no-deps . \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput --settings=reemploi.settings.production \
    && python -m babel.messages.frontend compile -d locale -D django -l fr \
    && mkdir -p var && chown -R reemploi:reemploi var

USER reemploi
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
