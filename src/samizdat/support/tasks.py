"""Background work after a payment: receipts and links, sent once."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .emails import send_manage_link, send_receipt
from .models import Donation, RecurringDonation

logger = logging.getLogger(__name__)


@task()
def send_receipt_task(donation_id):
    """Send a donation's receipt unless it went already (a retried task sends nothing twice)."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().filter(pk=donation_id).first()
        if donation is None or donation.receipt_sent_at or not donation.email or donation.status != Donation.Status.PAID:
            return
        send_receipt(donation)
        donation.receipt_sent_at = timezone.now()
        donation.save(update_fields=["receipt_sent_at"])
    logger.info("Receipt sent for donation %s", donation_id)


@task()
def send_manage_link_task(recurring_id):
    recurring = RecurringDonation.objects.filter(pk=recurring_id).first()
    if recurring is not None and recurring.email:
        send_manage_link(recurring)
