"""Reader revenue's pages: thin views over donate.py, events.py, manage.py and the providers.

/support/ and /support/appeals.json are published as files (no cookies, no CSRF token in them), so
the donate form posts to a csrf_exempt endpoint that only starts a checkout: nothing is paid or
recorded as paid by it. Forms that change something carry a signed token instead of a cookie.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from samizdat.core.limits import limited
from samizdat.core.links import absolute_url

from . import manage as managing
from .appeals import appeals_document
from .donate import blank_form, read_donation
from .events import UnusableEvent, apply_event
from .models import Donation, support_settings
from .money import AmountError, check_limits, format_amount, format_number, parse_amount
from .providers import get_provider
from .providers.base import ProviderUnavailable, ReturnUrls, WebhookRejected
from .providers.manual import ManualProvider, crypto_addresses
from .providers.test import TestProvider
from .qr import qr_svg

logger = logging.getLogger(__name__)
THANKS_SALT = "samizdat.support.thanks"


def support_page(request):
    if not settings.SUPPORT_ENABLED:
        raise Http404("Donations are switched off")
    form = blank_form(request.GET.get("currency", "").upper() or None)
    notice = "You cancelled the payment. Nothing was charged." if request.GET.get("cancelled") else ""
    return render(request, "support/support_page.html", {"form": form, "notice": notice, "settings_": support_settings()})


def _form_again(request, form, status):
    return render(request, "support/support_page.html", {"form": form, "settings_": support_settings()}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@limited("support.donate", "LIMIT_DONATIONS_PER_CLIENT")  # card testing: checkouts started by the dozen
def donate(request):
    """Continue: check the form, then send the reader to the provider. Records nothing as paid."""
    if request.method == "GET" or not settings.SUPPORT_ENABLED:
        return HttpResponseRedirect("/support/")
    wanted, form = read_donation(request.POST)
    if wanted is None:
        return _form_again(request, form, 400)
    provider = get_provider(wanted.provider)
    urls = ReturnUrls(success=absolute_url("/support/thanks/"), cancel=absolute_url("/support/?cancelled=1"))
    try:
        target = provider.start_checkout(wanted, urls)
    except ProviderUnavailable as error:
        form = blank_form(wanted.currency)
        form.values = {k: v for k, v in request.POST.items()}
        form.message = str(error)
        return _form_again(request, form, 503)
    return HttpResponseRedirect(target, status=303)


def thanks_token(donation):
    return signing.dumps(donation.pk, salt=THANKS_SALT)


@never_cache
def thanks(request):
    donation = None
    token = request.GET.get("d", "")
    if token:
        try:
            donation = Donation.objects.filter(pk=signing.loads(token, salt=THANKS_SALT, max_age=3600)).first()
        except (signing.BadSignature, TypeError, ValueError):
            donation = None
    return render(request, "support/thanks.html", {"donation": donation})


def _valid_email(text):
    text = (text or "").strip()
    try:
        if not text or len(text) > 254:
            raise ValidationError("")
        validate_email(text)
    except ValidationError:
        return ""
    return text


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def test_checkout(request, token):
    """The test provider's checkout page: pay, have the card declined, or cancel."""
    provider = TestProvider()
    wanted, nonce = provider.read_token(token)
    if wanted is None or not provider.is_available():
        raise Http404("No such test checkout")
    context = {"wanted": wanted, "amount": format_amount(wanted.amount, wanted.currency), "values": request.POST or {"email": wanted.email, "name": wanted.name}}
    if request.method == "GET":
        return render(request, "support/test_checkout.html", context)
    outcome = request.POST.get("outcome")
    if outcome == "cancel":
        return HttpResponseRedirect("/support/?cancelled=1", status=303)
    if outcome == "decline":
        context["error"] = "Your card was declined (a test decline). Nothing was charged."
        return render(request, "support/test_checkout.html", context, status=402)
    if outcome != "pay":
        context["error"] = "Please choose Pay, Decline or Cancel."
        return render(request, "support/test_checkout.html", context, status=400)
    email = _valid_email(request.POST.get("email"))
    if not email:
        context["error"] = "Please give an email address for your receipt."
        return render(request, "support/test_checkout.html", context, status=400)
    name = " ".join(request.POST.get("name", "").split())[:200]
    events = provider.complete(wanted, nonce, email, name)
    for event in events:
        apply_event(event)
    donation = Donation.objects.get(provider="test", provider_payment_id=events[-1].payment_id)
    return HttpResponseRedirect(f"/support/thanks/?d={thanks_token(donation)}", status=303)


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
    settings_ = support_settings()
    addresses = [{"label": label, "address": address, "qr": qr_svg(address)} for label, address in crypto_addresses(settings_.crypto_addresses)]
    values = request.POST if request.method == "POST" else {
        "amount": format_number(wanted.amount, wanted.currency), "email": wanted.email, "name": wanted.name}
    context = {"wanted": wanted, "settings_": settings_, "addresses": addresses, "values": values,
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
        errors["method"] = "Please say how you sent it."
    email = _valid_email(request.POST.get("email"))
    if not email:
        errors["email"] = "Please give an email address, so we can confirm your gift."
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


@csrf_exempt
@require_POST
def webhook(request, provider_name):
    """A provider's webhook: verified first, then applied; 400 and nothing changed if not genuine."""
    provider = get_provider(provider_name)
    if provider is None:
        raise Http404("No such provider")
    try:
        events = provider.parse_webhook(request.body, request.headers)
        results = [apply_event(event) for event in events]
    except (WebhookRejected, UnusableEvent) as error:
        logger.warning("Rejected a %s webhook: %s", provider_name, error)  # never the payload
        return HttpResponse("rejected\n", status=400, content_type="text/plain")
    except ProviderUnavailable:
        return HttpResponse("try again later\n", status=503, content_type="text/plain")
    return HttpResponse((", ".join(results) or "ignored") + "\n", content_type="text/plain")


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def manage_request(request):
    """Ask for a manage-my-donation link by email. Answers the same whether or not we know the address."""
    context = {"sent": False, "error": ""}
    if request.method == "POST":
        email = _valid_email(request.POST.get("email"))
        if not email:
            context["error"] = "That email address doesn't look right."
            return render(request, "support/manage_request.html", context, status=400)
        managing.send_links(email)
        context["sent"] = True
    return render(request, "support/manage_request.html", context)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def manage(request, token):
    recurring = managing.recurring_for_token(token)
    if recurring is None:
        return render(request, "support/manage_expired.html", status=410)
    context = {"notice": "", "error": ""}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                managing.cancel(recurring)
                context["notice"] = "Your donation is cancelled. No further payments will be taken. Thank you for your support."
            elif request.POST.get("action") == "amount":
                managing.change_amount(recurring, request.POST.get("amount", ""))
                context["notice"] = f"From the next payment on, you give {recurring.display_amount} {recurring.get_frequency_display().lower()}."
            else:
                context["error"], status = "Please choose what to change.", 400
        except (managing.ManageError, AmountError) as error:
            context["error"], status = str(error), 400
    context.update(managing.donor_overview(recurring))
    context["amount_value"] = format_number(recurring.amount, recurring.currency)
    return render(request, "support/manage.html", context, status=status)


def appeals_json(request):
    response = JsonResponse(appeals_document(), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    return response

