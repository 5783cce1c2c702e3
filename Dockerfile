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
COPY templates ./templates
COPY static ./static
COPY manage.py Procfile ./
RUN pip install -e .

# collectstatic needs settings, not secrets: a throwaway key for this one command.
RUN SECRET_KEY=collectstatic-only-key-that-is-long-enough-to-pass-the-settings-check-0123 \
    python manage.py collectstatic --noinput && chown -R hub:hub /app/var

USER hub
EXPOSE 8000
CMD ["python", "-m", "config.serve", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
