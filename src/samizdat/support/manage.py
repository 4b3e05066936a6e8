"""Manage my donation: with a link from manage_links.py a donor sees their donations, changes the
amount or cancels; the change goes through the provider first and is recorded only if it agrees.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Donation, Frequency, RecurringDonation
from .money import check_limits, parse_amount
from .providers import get_provider
from .providers.errors import ProviderUnavailable
from .tasks import send_manage_link_task


class ManageError(Exception):
    """Something the donor should be told; nothing changed."""


def donor_overview(recurring):
    """What the donor sees: their recurring donations and payments under the same email."""
    email = recurring.email
    return {
        "recurring": recurring,
        "others": RecurringDonation.objects.filter(email__iexact=email).exclude(pk=recurring.pk) if email else [],
        "donations": Donation.objects.filter(email__iexact=email) if email else recurring.donations.all(),
    }


def change_amount(recurring, text):
    """Change the amount of each future payment; ManageError with the reason if not."""
    if recurring.status == RecurringDonation.Status.CANCELLED:
        raise ManageError(_("This donation is cancelled; you can start a new one on our support page."))
    amount = parse_amount(text, recurring.currency)
    check_limits(amount, recurring.currency)
    if amount == recurring.amount:
        return recurring
    try:
        get_provider(recurring.provider).change_amount(recurring, amount)
    except ProviderUnavailable as error:
        raise ManageError(str(error)) from None
    RecurringDonation.objects.filter(pk=recurring.pk).update(amount=amount)
    recurring.amount = amount
    return recurring


def changed_amount_notice(recurring):
    """What the donor reads once the new amount is taken."""
    if recurring.frequency == Frequency.MONTHLY:
        return _("From the next payment on, you give %(amount)s monthly.") % {"amount": recurring.display_amount}
    return _("From the next payment on, you give %(amount)s annually.") % {"amount": recurring.display_amount}


def cancel(recurring):
    if recurring.status == RecurringDonation.Status.CANCELLED:
        return recurring
    try:
        get_provider(recurring.provider).cancel(recurring)
    except ProviderUnavailable as error:
        raise ManageError(str(error)) from None
    now = timezone.now()
    with transaction.atomic():
        RecurringDonation.objects.filter(pk=recurring.pk).update(
            status=RecurringDonation.Status.CANCELLED, cancelled_at=now, status_at=now
        )
    recurring.refresh_from_db()
    return recurring


LINK_EVERY = 600  # seconds: one emailed link per address per ten minutes, so the form can't flood an inbox


def send_links(email):
    """Email a manage link for each active recurring donation under this address. Says nothing
    about whether there were any (the page answers the same either way)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=LINK_EVERY)
    found = RecurringDonation.objects.filter(email__iexact=email.strip()).exclude(status=RecurringDonation.Status.CANCELLED)
    for recurring in found:
        if recurring.link_sent_at and recurring.link_sent_at > cutoff:
            continue
        RecurringDonation.objects.filter(pk=recurring.pk).update(link_sent_at=timezone.now())
        send_manage_link_task.enqueue(recurring.pk)

