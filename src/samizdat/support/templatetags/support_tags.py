"""How pages pull reader revenue in; each renders nothing when switched off in settings.

    {% support_site %}             after <body>: the "Support us" link, the banner slot, the appeals script
    {% support_article_appeal %}   at the end of an article: the slot the end-of-article appeal fills
    {% donate_form %}              the donate form itself, on any page
"""

from django import template
from django.conf import settings

from ..donate import blank_form

register = template.Library()


@register.inclusion_tag("support/includes/site.html")
def support_site():
    return {"enabled": settings.SUPPORT_ENABLED, "appeals": settings.SUPPORT_ENABLED and settings.SUPPORT_APPEALS_ENABLED}


@register.inclusion_tag("support/includes/article_appeal.html")
def support_article_appeal():
    return {"appeals": settings.SUPPORT_ENABLED and settings.SUPPORT_APPEALS_ENABLED}


@register.inclusion_tag("support/includes/donate_form.html")
def donate_form(prefix="donate", currency=None):
    return {"form": blank_form(currency), "prefix": prefix, "enabled": settings.SUPPORT_ENABLED}
