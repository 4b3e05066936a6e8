from wagtail import hooks

from .provider import TestProvider
from .urls import urlpatterns


@hooks.register("register_payment_provider")
def register_test():
    return TestProvider


@hooks.register("register_support_urls")
def register_test_urls():
    return urlpatterns
