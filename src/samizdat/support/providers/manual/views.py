"""The manual provider's page: our bank details and a QR code per crypto address; the reader tells
us what they sent, and the gift waits, pending, for staff to confirm it arrived."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from samizdat.core.limits import limited
from samizdat.support.donate import valid_email
from samizdat.core.models import for_default_site
from samizdat.support.models import Donation
from samizdat.support.money import AmountError, check_limits, format_amount, format_number, parse_amount
from samizdat.support.qr import qr_svg

from .models import ManualPaymentSettings
from .provider import ManualProvider, crypto_addresses


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
@limited("support.manual-gift", "LIMIT_MANUAL_GIFTS_PER_CLIENT")  # gifts in anyone's name, no login needed
def transfer(request, token):
    """Bank transfer and crypto: our details with QR codes; the reader tells us what they sent."""
    provider = ManualProvider()
    wanted, nonce = provider.read_token(token)
    if wanted is None:
        raise Http404("No such transfer")
    details = for_default_site(ManualPaymentSettings)
    addresses = [{"label": label, "address": address, "qr": qr_svg(address)} for label, address in crypto_addresses(details.crypto_addresses)]
    values = request.POST if request.method == "POST" else {
        "amount": format_number(wanted.amount, wanted.currency), "email": wanted.email, "name": wanted.name}
    context = {"wanted": wanted, "details": details, "addresses": addresses, "values": values,
               "amount": format_amount(wanted.amount, wanted.currency), "errors": {}}
    if request.method == "GET":
        return render(request, "support/transfer.html", context)
    methods = ["Bank transfer"] + [a["label"] for a in addresses]
    errors = {}
    try:
        amount = check_limits(parse_amount(request.POST.get("amount"), wanted.currency), wanted.currency)
    except AmountError as error:
        errors["amount"] = str(error)
    method = request.POST.get("method", "")
    if method not in methods:
        errors["method"] = gettext("Please say how you sent it.")
    email = valid_email(request.POST.get("email"))
    if not email:
        errors["email"] = gettext("Please give an email address, so we can confirm your gift.")
    if errors:
        context["errors"] = errors
        return render(request, "support/transfer.html", context, status=400)
    donation, _ = Donation.objects.get_or_create(
        provider="manual", provider_payment_id=f"manual_{nonce}",
        defaults={"amount": amount, "currency": wanted.currency, "frequency": "once", "method": method[:40],
                  "email": email, "name": " ".join(request.POST.get("name", "").split())[:200],
                  "status": Donation.Status.PENDING, "created_at": timezone.now(), "discreet": wanted.discreet},
    )
    return render(request, "support/transfer_noted.html", {"donation": donation})
