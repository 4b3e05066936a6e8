"""`{% load newsletter_tags %}{% newsletter_signup %}`: the signup block, wherever a template wants
it. Empty when NEWSLETTER_SIGNUP_ENABLED is off or there is no newsletter to offer."""

from django import template
from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from samizdat.news.listing import in_edition

from ..models import Newsletter
from ..subscriptions import consent_line, privacy_policy_url, signup_heading

register = template.Library()


@register.simple_tag
def newsletter_signup(slug=None):
    """The block of the edition's promoted newsletter (or its first, or the one named by `slug`).
    The same on every page of an edition, so the publisher renders it once per batch and language."""
    if not settings.NEWSLETTER_SIGNUP_ENABLED:
        return ""
    return caches["batch"].get_or_set(("newsletter_signup", slug, get_language()), lambda: signup_block(slug))


def signup_block(slug=None):
    if slug:
        newsletter = Newsletter.objects.filter(slug=slug).first()
    else:
        newsletters = in_edition(Newsletter.objects.all())
        newsletter = newsletters.filter(promoted=True).first() or newsletters.first()
    if newsletter is None:
        return ""
    return mark_safe(render_to_string("newsletter/signup_block.html", {
        "newsletter": newsletter,
        "heading": signup_heading(newsletter),
        "consent_line": consent_line(),
        "privacy_url": privacy_policy_url(),
    }))
