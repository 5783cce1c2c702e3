from celery import shared_task

from accounts.login_throttle import prune_login_attempts as prune


@shared_task
def prune_login_attempts() -> int:
    return prune()
