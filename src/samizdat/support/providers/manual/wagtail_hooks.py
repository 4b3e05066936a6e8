from wagtail import hooks

from .provider import ManualProvider
from .urls import urlpatterns


@hooks.register("register_payment_provider")
def register_manual():
    return ManualProvider


@hooks.register("register_support_urls")
def register_manual_urls():
    return urlpatterns
