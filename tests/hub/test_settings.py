"""Both modes' settings, and production settings that pass ``check --deploy`` with no warning."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "Zx8#kP2$vN9@qL4!mR7&tW1^yB6*cD3(fG5)hJ0-sA8+eU2=iO7_"


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in {
        "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
        "DJANGO_SETTINGS_MODULE", "EMAIL_URL", "LOG_FORMAT"}}  # fmt: skip
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    # ``shell -c`` first says how many objects it imported.
    return result.stdout.strip().splitlines()[-1]


def production_env(tmp_path) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "hub.example.org",
        "DATABASE_URL": "postgres://hub@db.example.org:5432/hub",
        "REDIS_URL": "redis://redis.example.org:6379/0",
        "HUB_VAR_DIR": str(tmp_path),
    }


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    result = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    for key in ("", "short", "django-insecure-development-only-key-never-use-in-production"):
        result = run_manage({**production_env(tmp_path), "SECRET_KEY": key}, "check")
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_turns_on_https_hsts_and_secure_cookies(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = run_manage(production_env(tmp_path), "shell", "-c", script)
    assert last_line(result).split() == ["True", "True", "True", "True"], result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "sqlite3 channels.layers.InMemoryChannelLayer filesystem:// LocMemCache"),
        (
            {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hub", "REDIS_URL": "redis://127.0.0.1:6379/3"},
            "postgresql channels_redis.core.RedisChannelLayer redis://127.0.0.1:6379/3 RedisCache",
        ),
    ],
)
def test_mode_follows_the_environment(tmp_path, env, expected):
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1], s.CHANNEL_LAYERS['default']['BACKEND'],"
        " s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    result = run_manage({"DEBUG": "1", "HUB_VAR_DIR": str(tmp_path), **env}, "shell", "-c", script)
    assert last_line(result) == expected, result.stderr


def test_email_url_configures_smtp(tmp_path):
    script = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"
    env = {"DEBUG": "1", "HUB_VAR_DIR": str(tmp_path), "EMAIL_URL": "smtp://mail.example.org:2525"}
    result = run_manage(env, "shell", "-c", script)
    assert last_line(result).split() == ["django.core.mail.backends.smtp.EmailBackend", "mail.example.org", "2525"]
