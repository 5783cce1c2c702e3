"""One-line text: what may become an email header (a Subject built from an event's title or a
sender's display name) must hold no line break, for a mail parser nor for a reader."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters that end a line somewhere: in an email header (CR, LF) or for a reader (the rest).
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def is_one_line(text: str) -> bool:
    """No line break and no control character: safe as an email header's value."""
    return not any(char in LINE_BREAKS or unicodedata.category(char) == "Cc" for char in text)


def validate_one_line(text: str) -> None:
    """A Django (and DRF) validator: refuses text with a line break or a control character."""
    if not is_one_line(text):
        raise ValidationError(_("This must be one line, without control characters."), code="invalid")
