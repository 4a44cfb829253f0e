# One image for every Pacer process: web (gunicorn), worker and beat (Celery).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir uv \
 && groupadd --system pacer && useradd --system --gid pacer --home /app pacer

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# Static files are collected at build time; the throwaway key only lets settings load.
RUN DEBUG=0 SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0123456789 \
    python manage.py collectstatic --noinput \
 && chown -R pacer:pacer /app

USER pacer
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
# Workers x threads x pool size stays below PostgreSQL's max_connections (see README).
CMD ["sh", "-c", "gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --threads ${GUNICORN_THREADS:-4} --timeout 30 --access-logfile -"]
