"""Webhooks, the way django-anymail receives them: one view class per provider, whose post()
verifies the request first and only then lets the provider read it.

A provider's view implements verify (a signature, a shared secret: raise WebhookRejected if it
doesn't hold) and parse_events (the verified request as PaymentEvents, [] for news we ignore).
It can't override post or dispatch (a TypeError when the class is defined): that is where the
order is kept. The base verify refuses everything, so a provider that forgets to verify receives
nothing rather than believing anyone.
"""

import logging

from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..events import UnusableEvent, apply_event
from . import get_provider
from .errors import ProviderUnavailable, WebhookRejected

logger = logging.getLogger(__name__)


class WebhookView(View):
    provider_name = ""  # given by webhook() below, from the provider it looked up
    http_method_names = ["post"]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.post is not WebhookView.post or cls.dispatch is not WebhookView.dispatch:  # a mixin's too
            raise TypeError(f"{cls.__name__} replaces post or dispatch: implement verify and parse_events instead")

    def verify(self, request):
        """Raise WebhookRejected unless the request certainly comes from the provider."""
        raise WebhookRejected(f"{self.provider_name} has no webhooks here")

    def parse_events(self, request):
        """The verified request as a list of PaymentEvents; WebhookRejected if it can't be read."""
        raise NotImplementedError

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            self.verify(request)
            events = self.parse_events(request)
            results = [apply_event(self.own(event)) for event in events]
        except (WebhookRejected, UnusableEvent) as error:
            logger.warning("Rejected a %s webhook: %s", self.provider_name, error)  # never the payload
            return HttpResponse("rejected\n", status=400, content_type="text/plain")
        except ProviderUnavailable:
            return HttpResponse("try again later\n", status=503, content_type="text/plain")
        return HttpResponse((", ".join(results) or "ignored") + "\n", content_type="text/plain")

    def own(self, event):
        """A provider's signature vouches for its own payments only."""
        if event.provider != self.provider_name:
            raise UnusableEvent("an event in another provider's name")
        return event


@csrf_exempt
@require_POST
def webhook(request, provider_name):
    """/support/webhooks/<name>/: the named provider's webhook view."""
    provider = get_provider(provider_name)
    if provider is None:
        raise Http404("No such provider")
    return provider.webhook.as_view(provider_name=provider.name)(request)
