# The QMarket web application: QM_WORKERS uvicorn worker processes per container (default 2, about one per
# core), and as many containers as needed (docker-compose.yml). Migrations run before the new code serves.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 QM_WORKERS=2 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/qmarket-metrics
WORKDIR /srv/qmarket

# The app finds templates/, static/, seed/ and migrations/ next to its package, so it is installed in place.
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY seed ./seed
RUN pip install --no-cache-dir babel \
 && pybabel compile --use-fuzzy -d app/locale -D messages \
 && pip install --no-cache-dir -e .

RUN useradd --system --home /srv/qmarket qmarket && mkdir -p var/uploads && chown -R qmarket var
USER qmarket

EXPOSE 8000
CMD ["sh", "-c", "qmarket db upgrade && exec qmarket serve --host 0.0.0.0 --port 8000"]
