"""The reader's side: signup, confirmation, one-click unsubscribe, preferences, the web archive.

/newsletter/, the archives, previews and edition pages are published as files, so they depend on
nothing in the request and set no cookie. The signup form posts to an endpoint without a CSRF
token (a public file can't carry one): double opt-in makes a forged signup harmless, and the
answer is the same for every address. Unsubscribe and preferences links are signed.
"""

from functools import partial

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.utils.translation import gettext as _

from samizdat.core.cross_origin import readable_by_mirrors
from samizdat.core.limits import limited
from samizdat.news.listing import in_edition

from . import subscriptions
from .limits import confirmation_allowed, signup_mailbox, signup_mailbox_rate
from .models import Edition, Newsletter, Subscriber, Subscription
from .rendering import edition_items, intro_paragraphs, sample_items
from .tokens import BadToken, preferences_token, read_confirm_token, read_preferences_token, read_unsubscribe_token



def check_inbox():
    return _("Thank you. Please check your inbox: we've sent you a link to confirm your subscription.")


def index(request):
    return render(request, "newsletter/index.html", {"newsletters": in_edition(Newsletter.objects.all())})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
@readable_by_mirrors
@limited("newsletter.signup", "LIMIT_SIGNUPS_PER_CLIENT")
@limited("newsletter.signup-mailbox", signup_mailbox_rate, key=signup_mailbox)
def signup(request):
    if request.method == "GET":
        return HttpResponseRedirect(reverse("newsletter:index"))
    wants_json = "application/json" in request.headers.get("Accept", "")
    newsletter = subscriptions.newsletter_named(request.POST.get("newsletter", ""))
    error = None
    if newsletter is None:
        error = _("That newsletter doesn't exist any more. Please choose one on the newsletter page.")
    elif not request.POST.get("website"):  # a field people never see; bots fill it in
        try:
            subscriptions.sign_up(
                request.POST.get("email", ""), newsletter, language=get_language(),
                confirmation_allowed=partial(confirmation_allowed, request),
            )
        except subscriptions.SignupError as problem:
            error = str(problem)
    status = 400 if error else 200
    if wants_json:
        return JsonResponse({"ok": not error, "message": error or check_inbox()}, status=status)
    context = {"error": error, "message": check_inbox(), "newsletter": newsletter, "email": request.POST.get("email", "")[:254]}
    return render(request, "newsletter/signup_result.html", context, status=status)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET asks, POST confirms: mail scanners open every link in an email, and a scanner must not
    start a subscription nobody asked for. The button posts with no CSRF token, like one-click
    unsubscribe: the signed token is what proves the reader got the email."""
    try:
        link = read_confirm_token(token)
    except BadToken:
        link = None
    subscription = Subscription.objects.select_related("newsletter").filter(pk=link.subscription_id).first() if link else None
    if subscription is None:
        return render(request, "newsletter/message.html", {
            "title": _("This link has expired"),
            "text": _("Confirmation links work for seven days. Please sign up again and follow the new link."),
        }, status=400)
    try:
        subscriptions.check_link_still_valid(subscription, link.issued_at)
        if request.method == "GET" and subscription.status != Subscription.ACTIVE:
            return render(request, "newsletter/confirm.html", {"newsletter": subscription.newsletter})
        if request.method == "POST":
            subscription = subscriptions.confirm(subscription.pk, link.issued_at) or subscription
    except subscriptions.OutdatedLink:
        return render(request, "newsletter/link_outdated.html", {"newsletter": subscription.newsletter}, status=400)
    return render(request, "newsletter/message.html", {
        "title": _("You're subscribed"),
        "text": _("Thank you: you will get %(name)s from now on. Every email has a link to unsubscribe.") % {"name": subscription.newsletter.name},
        "links": [(subscription.newsletter.preview_url(), _("Read the latest edition"))],
    })


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks (mail scanners follow links); POST unsubscribes at once: the button on the page,
    and mail programs' one-click (RFC 8058: List-Unsubscribe=One-Click in the body)."""
    try:
        subscriber_id, newsletter_id = read_unsubscribe_token(token)
    except BadToken:
        return render(request, "newsletter/message.html", {
            "title": _("This unsubscribe link is damaged"),
            "text": _("Please use the link from the email once more, whole, or write to us and we will take you off the list."),
        }, status=400)
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    if request.method == "POST":
        newsletter = subscriptions.unsubscribe(subscriber_id, newsletter_id)
        return render(request, "newsletter/message.html", {
            "title": _("You've unsubscribed"),
            "text": _("You won't get %(name)s any more.") % {"name": newsletter.name} if newsletter else _("You won't get this newsletter any more."),
            "links": [(reverse("newsletter:preferences", args=[preferences_token(subscriber_id)]), _("Choose your newsletters"))],
        })
    return render(request, "newsletter/unsubscribe.html", {"newsletter": newsletter})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    try:
        subscriber = Subscriber.objects.filter(pk=read_preferences_token(token)).first()
    except BadToken:
        subscriber = None
    if subscriber is None:
        return render(request, "newsletter/message.html", {
            "title": _("This link doesn't work"),
            "text": _("It may be damaged, or you are no longer on our lists. You can sign up again on the newsletter page."),
            "links": [(reverse("newsletter:index"), _("Our newsletters"))],
        }, status=400)
    saved, error = False, ""
    if request.method == "POST":
        try:
            subscriptions.save_preferences(subscriber, request.POST)
            saved = True
        except subscriptions.PreferencesError as problem:
            error = str(problem)
    active = set(subscriber.subscriptions.filter(status=Subscription.ACTIVE).values_list("newsletter_id", flat=True))
    choices = [(newsletter, newsletter.pk in active) for newsletter in Newsletter.objects.all()]
    context = {"choices": choices, "saved": saved, "error": error, "email": subscriber.email}
    return render(request, "newsletter/preferences.html", context, status=400 if error else 200)


def archive(request, slug):
    newsletter = get_object_or_404(in_edition(Newsletter.objects.all()), slug=slug)
    editions = newsletter.editions.filter(status=Edition.SENT).order_by("-sent_at")
    return render(request, "newsletter/archive.html", {"newsletter": newsletter, "editions": editions})


def edition_page(request, slug, pk):
    editions = Edition.objects.select_related("newsletter").filter(newsletter__in=in_edition(Newsletter.objects.all()))
    edition = get_object_or_404(editions, newsletter__slug=slug, pk=pk, status=Edition.SENT)
    return _edition_response(request, edition, edition_items(edition))


def preview(request, slug):
    """The latest edition, or before the first send a sample made of the newest stories."""
    newsletter = get_object_or_404(in_edition(Newsletter.objects.all()), slug=slug)
    edition = newsletter.editions.filter(status=Edition.SENT).order_by("-sent_at").first()
    if edition is not None:
        return _edition_response(request, edition, edition_items(edition), preview=True)
    sample = Edition(newsletter=newsletter, subject=_("A sample of %(name)s") % {"name": newsletter.name})
    return _edition_response(request, sample, sample_items(newsletter), preview=True, sample=True)


def _edition_response(request, edition, items, preview=False, sample=False):
    if not items and not edition.intro and not sample:
        raise Http404
    return render(request, "newsletter/edition_page.html", {
        "newsletter": edition.newsletter,
        "edition": edition,
        "items": items,
        "intro": intro_paragraphs(edition.intro),
        "preview": preview,
        "sample": sample,
    })
