import pytest

from samizdat.newsletter.models import Newsletter, Subscriber, Subscription

from .smtp import SMTPServer


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, and the site's email sent to it."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "samizdat.newsletter.smtp.EmailBackend"  # Django's, with pipelining
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def newsletter_settings(settings):
    settings.SITE_URL = "https://courier.example"
    settings.NEWSLETTER_RETRY_DELAY = 0.05
    settings.NEWSLETTER_CONCURRENCY = 2
    settings.NEWSLETTER_CHUNK_SIZE = 10
    settings.NEWSLETTER_BATCH_SIZE = 25
    settings.NEWSLETTER_RATE_LIMIT = 0
    settings.NEWSLETTER_DKIM_PRIVATE_KEY = ""


@pytest.fixture
def the_week(db):
    return Newsletter.objects.create(
        name="The Week",
        slug="the-week",
        description="A hand-picked selection of news, features, analysis and more, every Friday.",
        weekly=True,
        send_weekday=4,
        from_email="week@courier.example",
        reply_to="letters@courier.example",
        promoted=True,
    )


@pytest.fixture
def breaking(db):
    return Newsletter.objects.create(name="Breaking", slug="breaking", description="Alerts.", weekly=False, position=1)


def subscribe(newsletter, *emails, status=Subscription.ACTIVE):
    made = []
    for email in emails:
        subscriber, _ = Subscriber.objects.get_or_create(email=email)
        Subscription.objects.update_or_create(
            subscriber=subscriber, newsletter=newsletter, defaults={"status": status, "consent_text": "test"}
        )
        made.append(subscriber)
    return made


@pytest.fixture(autouse=True, scope="session")
def quiet_test_mail_server():
    """aiosmtpd logs every address it sees; the test output needn't."""
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
