"""What can go wrong between us and a payment provider, in words a caller can act on."""


class ProviderUnavailable(Exception):
    """The provider can't be reached or refused the request; str() is for the reader."""


class WebhookRejected(Exception):
    """A webhook we don't trust (bad or missing signature) or can't read; nothing is changed."""
