"""Receipts and manage-my-donation links, through Django's email backend (SMTP, django-anymail,
or files in var/mail by default). Plain text: nothing in them loads from anywhere."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from samizdat.core.links import absolute_url

from .manage import manage_url
from .models import Frequency


def newsroom_name():
    from wagtail.models import Site

    from samizdat.core.models import NewsroomSettings

    site = Site.objects.filter(is_default_site=True).first()
    return NewsroomSettings.for_site(site).name if site else "samizdat"


def send_receipt(donation):
    context = {
        "donation": donation,
        "newsroom": newsroom_name(),
        "recurring": donation.recurring,
        "manage_url": manage_url(donation.recurring) if donation.recurring else "",
        "manage_days": settings.SUPPORT_MANAGE_LINK_DAYS,
        "support_url": absolute_url("/support/"),
        "is_recurring": donation.frequency != Frequency.ONCE,
    }
    subject = f"Thank you for your donation to {context['newsroom']}"
    body = render_to_string("support/emails/receipt.txt", context)
    EmailMessage(subject, body, to=[donation.email]).send()


def send_manage_link(recurring):
    context = {
        "recurring": recurring,
        "newsroom": newsroom_name(),
        "manage_url": manage_url(recurring),
        "manage_days": settings.SUPPORT_MANAGE_LINK_DAYS,
    }
    subject = f"Manage your donation to {context['newsroom']}"
    body = render_to_string("support/emails/manage_link.txt", context)
    EmailMessage(subject, body, to=[recurring.email]).send()
