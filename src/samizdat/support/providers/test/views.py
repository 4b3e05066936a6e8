"""The test provider's checkout page: the reader (or a test) pays, has the card declined, or
cancels. Paying applies the same events a real provider's webhook would, through the same code."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.utils.translation import gettext as _

from samizdat.support.donate import thanks_url, valid_email
from samizdat.support.events import apply_event
from samizdat.support.models import Donation
from samizdat.support.money import format_amount

from .provider import TestProvider


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
        context["error"] = _("Your card was declined (a test decline). Nothing was charged.")
        return render(request, "support/test_checkout.html", context, status=402)
    if outcome != "pay":
        context["error"] = _("Please choose Pay, Decline or Cancel.")
        return render(request, "support/test_checkout.html", context, status=400)
    email = valid_email(request.POST.get("email"))
    if not email:
        context["error"] = _("Please give an email address for your receipt.")
        return render(request, "support/test_checkout.html", context, status=400)
    name = " ".join(request.POST.get("name", "").split())[:200]
    events = provider.complete(wanted, nonce, email, name)
    for event in events:
        apply_event(event)
    donation = Donation.objects.get(provider="test", provider_payment_id=events[-1].payment_id)
    return HttpResponseRedirect(thanks_url(donation), status=303)
