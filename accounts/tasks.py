from celery import shared_task

from accounts.login_throttle import prune_login_attempts as prune


@shared_task
def prune_login_attempts() -> int:
    return prune()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_password_reset(user_id: int) -> bool:
    """The reset email of a request (``accounts.passwords``); retried when the mail server is away.
    A retry may send a second email with a second link: harmless, both reset the same account."""
    from accounts.passwords import password_reset_send

    return password_reset_send(user_id=user_id)
