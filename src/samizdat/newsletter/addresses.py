"""The newsletter's public addresses in a given edition's language: /newsletter/... for the
default language, /ru/newsletter/... for Russian (the URLs are under i18n_patterns). Emails are
made by the worker, where no request sets a language, so every address an email names is worked
out here from its newsletter's language."""

from django.urls import reverse
from django.utils import translation


def address(language, name, *args):
    """The path of the view `newsletter:<name>` in `language`'s edition."""
    with translation.override(language):
        return reverse(f"newsletter:{name}", args=args)
