# One image for web, worker, beat and the one-shot migrate job (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 HUB_VAR_DIR=/app/var
WORKDIR /app

RUN useradd --create-home --uid 1000 hub
COPY pyproject.toml README.md ./
COPY config ./config
COPY hub ./hub
COPY gcm ./gcm
COPY accounts ./accounts
COPY discussions ./discussions
COPY experts ./experts
COPY events ./events
COPY notifications ./notifications
COPY realtime ./realtime
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py Procfile ./
RUN pip install -e .

# collectstatic and compile_catalogs (the .mo files, with Babel) need settings, not secrets: a throwaway key.
RUN SECRET_KEY=collectstatic-only-key-that-is-long-enough-to-pass-the-settings-check-0123 \
    sh -c "python manage.py compile_catalogs && python manage.py collectstatic --noinput" && chown -R hub:hub /app/var

USER hub
EXPOSE 8000
CMD ["python", "-m", "config.serve", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
