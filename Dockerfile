# Production image: gunicorn serves the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint renders PDFs with Pango; libpq is not needed (psycopg2-binary bundles it).
# fonts-noto-core: Noto Nastaliq Urdu for Urdu reports (DejaVu lacks Urdu letters such as ہ ے).
# gettext: Django's compilemessages and makemessages for translators working in the image.
# postgresql-client: pg_dump and pg_restore for `manage.py backup` / `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
       fonts-noto-core gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY nisp_tracker ./nisp_tracker
COPY core ./core
COPY agencies ./agencies
COPY interventions ./interventions
COPY reporting ./reporting
COPY committee ./committee
COPY demo ./demo
RUN pip install .
# .dockerignore keeps .env, .venv, var/ (databases, media) and .git out of the image.
COPY . .
# Under production settings (DEBUG=0), so the hashed-name manifest the running site needs is
# written. The secret key is a throwaway for this one command; the real one comes at run time.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-real-secret python manage.py compile_translations \
    && DEBUG=0 SECRET_KEY=collectstatic-only-not-a-real-secret python manage.py collectstatic --noinput \
    && useradd --system --home /app tracker && mkdir -p /app/var/media && chown -R tracker /app/var
USER tracker

EXPOSE 8000
# Workers, bind address and the garbage-collector tuning live in gunicorn.conf.py.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "nisp_tracker.wsgi:application"]
