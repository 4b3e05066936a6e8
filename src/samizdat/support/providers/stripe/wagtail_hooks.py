from wagtail import hooks

from .provider import StripeProvider


@hooks.register("register_payment_provider")
def register_stripe():
    return StripeProvider
