"""Reader revenue for staff, in the Wagtail admin: donations (filters, donor detail, CSV export,
confirming manual gifts), recurring donations, and the revenue report.

Donations are written by providers, not typed in: staff may correct a donor's name or email and
confirm a manual gift that arrived, but not add or delete payments.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.log_actions import log
from wagtail.permissions import register_permission_policy

from samizdat.core.spreadsheets import SafeSpreadsheetExport

from .models import Donation, RecurringDonation
from .providers import confirmed_by_staff
from .reports import revenue_report as build
from .tasks import send_receipt_task


CONFIRM_ACTION = "samizdat.support.confirm_gift"


class PaymentsPermissionPolicy(ModelPermissionPolicy):
    """Payments come from providers: nobody adds or deletes them by hand."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete", "copy"):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Donation, PaymentsPermissionPolicy(Donation))
register_permission_policy(RecurringDonation, PaymentsPermissionPolicy(RecurringDonation))


class DonationInspectView(InspectView):
    """A donation and its donor: everything they gave, and their recurring donations."""

    labels = {"donor_donations": "Everything this donor gave", "donor_recurring": "Their recurring donations"}

    def get_field_label(self, field_name, field):
        return self.labels.get(field_name) or super().get_field_label(field_name, field)

    def get_donor_donations_display_value(self):
        donations = Donation.objects.filter(email__iexact=self.object.email).order_by("-created_at")[:200]
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((d.created_at.strftime("%Y-%m-%d"), d.display_amount, d.get_frequency_display(), d.get_status_display(),
              d.display_refunded and f"refunded {d.display_refunded}") for d in donations),
        )
        return format_html('<table class="listing"><thead><tr><th>Date</th><th>Amount</th><th>Frequency</th>'
                           "<th>Status</th><th>Refund</th></tr></thead><tbody>{}</tbody></table>", rows)

    def get_donor_recurring_display_value(self):
        found = RecurringDonation.objects.filter(email__iexact=self.object.email)
        return ", ".join(f"{r} ({r.get_status_display().lower()})" for r in found) or "None"

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.provider in confirmed_by_staff() and self.object.status == Donation.Status.PENDING:
            buttons.append(Button("Confirm the gift arrived", url=reverse("support_confirm_donation", args=[self.object.pk]),
                                  icon_name="check", priority=5))
        return buttons


class RevenueIndexView(SafeSpreadsheetExport, IndexView):
    """Names and emails are what donors typed: exported as text, never as formulas."""


class DonationViewSet(ModelViewSet):
    model = Donation
    index_view_class = RevenueIndexView
    icon = "pick"
    menu_label = "Donations"
    list_display = ["created_at", "display_amount", "frequency", "provider", "status", "display_refunded", "email", "name"]
    list_filter = {"frequency": ["exact"], "provider": ["exact"], "status": ["exact"], "currency": ["exact"],
                   "created_at": ["gte", "lte"]}
    search_fields = ["email", "name", "provider_payment_id"]
    form_fields = ["name", "email"]
    inspect_view_enabled = True
    inspect_view_class = DonationInspectView
    inspect_view_fields = ["created_at", "display_amount", "frequency", "status", "refunded_amount", "provider",
                           "provider_payment_id", "method", "email", "name", "recurring", "confirmed_at",
                           "receipt_sent_at", "donor_donations", "donor_recurring"]
    list_export = ["created_at", "amount_decimal", "currency", "frequency", "status", "refunded_decimal", "provider",
                   "provider_payment_id", "method", "email", "name", "recurring_id"]
    export_headings = {"amount_decimal": "Amount", "refunded_decimal": "Refunded", "recurring_id": "Recurring donation"}
    export_filename = "donations"
    copy_view_enabled = False


class RecurringDonationViewSet(ModelViewSet):
    model = RecurringDonation
    index_view_class = RevenueIndexView
    icon = "repeat"
    menu_label = "Recurring donations"
    list_display = ["created_at", "display_amount", "frequency", "status", "provider", "email", "cancelled_at"]
    list_filter = {"frequency": ["exact"], "status": ["exact"], "provider": ["exact"], "currency": ["exact"]}
    search_fields = ["email", "name", "provider_subscription_id"]
    form_fields = ["name", "email"]
    inspect_view_enabled = True
    list_export = ["created_at", "amount_decimal", "currency", "frequency", "status", "provider",
                   "provider_subscription_id", "email", "name", "cancelled_at"]
    export_headings = {"amount_decimal": "Amount"}
    export_filename = "recurring-donations"
    copy_view_enabled = False


class RevenueGroup(ViewSetGroup):
    menu_label = "Reader revenue"
    menu_icon = "pick"
    menu_order = 290
    items = (DonationViewSet("donations"), RecurringDonationViewSet("recurring_donations"))


def revenue_viewsets():
    return RevenueGroup()


@require_http_methods(["GET", "POST"])
def confirm_donation(request, pk):
    """Staff confirm a manual gift (bank transfer, crypto) arrived: it becomes paid, and the
    donor gets a receipt."""
    if not request.user.has_perm("support.change_donation"):
        messages.error(request, "You may not confirm donations.")
        return redirect("wagtailadmin_home")
    donation = get_object_or_404(Donation, pk=pk, provider__in=confirmed_by_staff())
    if request.method == "POST":
        with transaction.atomic():
            locked = Donation.objects.select_for_update().get(pk=donation.pk)
            if locked.status == Donation.Status.PENDING:
                locked.status, locked.confirmed_at = Donation.Status.PAID, timezone.now()
                locked.provider_event_id = f"confirmed_by_{request.user.pk}_{locked.pk}"
                locked.save(update_fields=["status", "confirmed_at", "provider_event_id"])
                send_receipt_task.enqueue(locked.pk)
                # Titled by amount and method: the history never names the donor.
                log(locked, CONFIRM_ACTION, user=request.user, title=f"{locked.display_amount} by {locked.method or 'manual gift'}")
        messages.success(request, f"Confirmed: {donation.display_amount} from {donation.email}. A receipt is on its way.")
        return redirect("donations:inspect", donation.pk)
    return TemplateResponse(request, "support/admin/confirm.html", {"donation": donation})


def revenue_report(request):
    if not request.user.has_perm("support.view_donation"):
        messages.error(request, "You may not see the revenue report.")
        return redirect("wagtailadmin_home")
    return TemplateResponse(request, "support/admin/revenue_report.html", {"report": build()})


def admin_urls():
    return [
        path("support/donations/<int:pk>/confirm/", confirm_donation, name="support_confirm_donation"),
        path("reports/revenue/", revenue_report, name="support_revenue_report"),
    ]
