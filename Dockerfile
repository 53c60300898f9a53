# The QMarket web application: one uvicorn process per container (scale with replicas; see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
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
CMD ["sh", "-c", "qmarket db upgrade && qmarket serve --host 0.0.0.0 --port 8000"]
