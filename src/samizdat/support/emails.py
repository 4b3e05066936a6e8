"""Receipts and manage-my-donation links, through Django's email backend (SMTP, django-anymail,
or files in var/mail by default). Plain text: nothing in them loads from anywhere."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from samizdat.core.links import absolute_url
from samizdat.core.models import newsroom_name

from .manage_links import manage_url
from .models import Frequency


def send_receipt(donation):
    context = {
        "donation": donation,
        "newsroom": newsroom_name(),
        "recurring": donation.recurring,
        "manage_url": manage_url(donation.recurring) if donation.recurring else "",
        "manage_days": settings.SUPPORT_MANAGE_LINK_DAYS,
        "manage_request_url": absolute_url("/support/manage/"),
        "is_recurring": donation.frequency != Frequency.ONCE,
    }
    subject = _("Thank you for your donation to %(newsroom)s") % {"newsroom": context["newsroom"]}
    body = render_to_string("support/emails/receipt.txt", context)
    discreet = donation.discreet or bool(donation.recurring and donation.recurring.discreet)
    _message(subject, body, donation.email, discreet).send()


def send_manage_link(recurring):
    context = {
        "recurring": recurring,
        "newsroom": newsroom_name(),
        "manage_url": manage_url(recurring),
        "manage_days": settings.SUPPORT_MANAGE_LINK_DAYS,
    }
    subject = _("Manage your donation to %(newsroom)s") % {"newsroom": context["newsroom"]}
    body = render_to_string("support/emails/manage_link.txt", context)
    _message(subject, body, recurring.email, recurring.discreet).send()


def _message(subject, body, to, discreet):
    """A donor who asked for discretion gets a neutral sender name and subject: an inbox seen over
    their shoulder, or on a seized phone, doesn't say whom they support."""
    if not discreet:
        return EmailMessage(subject, body, to=[to])
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender = formataddr((settings.SUPPORT_DISCREET_SENDER, address))
    return EmailMessage(settings.SUPPORT_DISCREET_SUBJECT, body, sender, to=[to])
