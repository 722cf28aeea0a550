# The production image: one image for every process (web, worker, beat, one-off commands), chosen by its
# command. Settings come from the environment (see .env.example); in the image every command, manage.py's too,
# runs the production settings (`docker compose run --rm web python manage.py createsuperuser`).
#   docker build -t reemploi .
#   docker compose up -d        (compose.yaml: the whole topology on one machine)
# `make image` builds it and runs the production topology's journeys through its containers (deploy/image.py).
# PYTHON_IMAGE: Debian bookworm with Python 3.11, `python` and `pip` on the PATH (the official image by default;
# deploy/image.py makes an equivalent from Debian's packages where no image registry can be reached).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_PROGRESS_BAR=off \
    DJANGO_SETTINGS_MODULE=reemploi.settings.production \
    GUNICORN_BIND=0.0.0.0:8000

# pg_dump/pg_restore for `manage.py backup` and `restore` (the same major version as the server: 15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --no-create-home --home-dir /app --shell /usr/sbin/nologin --uid 1000 reemploi

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

# /app and the code belong to root: the site's user writes var/ only (beat's schedule), and reads the static
# files (collected as root, with the settings' private file mode: made readable).
COPY . .
# Editable, as `make install` does: the settings find templates, static files and translations beside the code.
RUN pip install --no-deps -e . \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && python -m babel.messages.frontend compile -d locale -D django -l fr \
    && chmod -R a+rX var/static && chown reemploi:reemploi var

USER reemploi
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
