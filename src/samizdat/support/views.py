"""Reader revenue's pages: thin views over donate.py, manage.py and the providers' common
interface. A provider's own pages (a checkout, a transfer form) and its webhook live in its folder
under providers/.

/support/ and /support/appeals.json are published as files (no cookies, no CSRF token in them), so
the donate form posts to a csrf_exempt endpoint that only starts a checkout: nothing is paid or
recorded as paid by it. Forms that change something carry a signed token instead of a cookie.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.utils.translation import gettext as _

from samizdat.core.limits import limited
from samizdat.core.links import absolute_url

from . import manage as managing
from .manage_links import recurring_for_token
from .appeals import appeals_document
from .donate import blank_form, read_donation, thanked_donation, valid_email
from .models import support_settings
from .money import AmountError, format_number
from .providers import get_provider
from .providers.base import ReturnUrls
from .providers.errors import ProviderUnavailable


def support_page(request):
    if not settings.SUPPORT_ENABLED:
        raise Http404("Donations are switched off")
    form = blank_form(request.GET.get("currency", "").upper() or None)
    notice = _("You cancelled the payment. Nothing was charged.") if request.GET.get("cancelled") else ""
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


@never_cache
def thanks(request):
    token = request.GET.get("d", "")
    donation = thanked_donation(token) if token else None
    return render(request, "support/thanks.html", {"donation": donation})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def manage_request(request):
    """Ask for a manage-my-donation link by email. Answers the same whether or not we know the address."""
    context = {"sent": False, "error": ""}
    if request.method == "POST":
        email = valid_email(request.POST.get("email"))
        if not email:
            context["error"] = _("That email address doesn't look right.")
            return render(request, "support/manage_request.html", context, status=400)
        managing.send_links(email)
        context["sent"] = True
    return render(request, "support/manage_request.html", context)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def manage(request, token):
    recurring = recurring_for_token(token)
    if recurring is None:
        return render(request, "support/manage_expired.html", status=410)
    context = {"notice": "", "error": ""}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                managing.cancel(recurring)
                context["notice"] = _("Your donation is cancelled. No further payments will be taken. Thank you for your support.")
            elif request.POST.get("action") == "amount":
                managing.change_amount(recurring, request.POST.get("amount", ""))
                context["notice"] = managing.changed_amount_notice(recurring)
            else:
                context["error"], status = _("Please choose what to change."), 400
        except (managing.ManageError, AmountError) as error:
            context["error"], status = str(error), 400
    context.update(managing.donor_overview(recurring))
    context["amount_value"] = format_number(recurring.amount, recurring.currency)
    return render(request, "support/manage.html", context, status=status)


def appeals_json(request):
    response = JsonResponse(appeals_document(), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    return response

