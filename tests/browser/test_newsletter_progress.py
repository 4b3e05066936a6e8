"""An editor watches a send's progress in the admin: the numbers move without reloading."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from samizdat.newsletter.models import Delivery, Edition, Newsletter, Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_progress_of_a_send_updates_live(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    User.objects.create_superuser("editor", "editor@courier.example", "secret-pw-1")
    newsletter = Newsletter.objects.create(name="The Week", slug="the-week")
    edition = Edition.objects.create(newsletter=newsletter, subject="Trams and ferries", intro="Hello.",
                                     status=Edition.SENDING, started_at=timezone.now(), email_html="<p>Hello.</p>", email_text="Hello.")
    subscribers = Subscriber.objects.bulk_create(Subscriber(email=f"r{n}@example.org") for n in range(10))
    Delivery.objects.bulk_create(Delivery(edition=edition, subscriber=s) for s in subscribers)
    Delivery.objects.filter(subscriber__in=subscribers[:3]).update(status=Delivery.SENT, sent_at=timezone.now())

    page = chromium.new_context().new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("secret-pw-1")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/admin/newsletter/editions/{edition.pk}/")
    progress = page.locator("[data-progress]")
    expect(progress.locator("[data-field=sent]")).to_have_text("3")
    expect(progress.locator("[data-field=total]")).to_have_text("10")

    Delivery.objects.update(status=Delivery.SENT, sent_at=timezone.now())  # the workers get on with it
    Edition.objects.filter(pk=edition.pk).update(status=Edition.SENT, sent_at=timezone.now())
    expect(progress.locator("[data-field=sent]")).to_have_text("10", timeout=5000)
    expect(progress.locator("[data-field=waiting]")).to_have_text("0")
    expect(page.locator("[data-edition-status]")).to_have_text("Sent")
    page.context.close()
