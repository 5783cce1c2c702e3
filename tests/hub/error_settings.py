"""A served Hub (``python -m config.serve``) whose URLs include pages that fail on purpose."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.hub.error_urls"
