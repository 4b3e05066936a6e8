"""Appeals in a real browser: decided by the reader's browser alone, from the published appeals
file and first-party storage. Give monthly from the end-of-article appeal, and appeals stop; say
"Remind me later", and they stay away across reloads until the snooze period is over.

Screenshots: tests/artifacts/appeal-article.png, appeal-thanks.png, appeal-snoozed.png, appeal-modal.png.
"""

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from samizdat.support.models import Appeal, Donation, support_settings
from samizdat.support.providers.test.models import TestPaymentSettings
from tests.factories import make_article, make_section
from tests.support.conftest import staff_set

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("search_index_not_kept"),
]

STORY = "Harbour cranes fall silent as dockers strike"
DAY = 86400 * 1000


@pytest.fixture
def newsroom(db, settings):
    settings.SUPPORT_TEST_PAYMENTS = True  # as DEBUG or a demo has it
    staff_set(TestPaymentSettings, enabled=True)
    staff = support_settings()
    staff.snooze_days = 7
    staff.quiet_days_after_giving = 30
    staff.suggested_amounts = "EUR monthly: 5, 10, 20\nEUR once: 25, 50"
    staff.save()
    Appeal.objects.create(name="Winter drive", placement="article", heading="A message from the newsroom",
                          body="<p>Our reporting is paid for by readers like you.</p>", show_form=True)
    Appeal.objects.create(name="Banner", placement="banner", heading="Support samizdat!",
                          body="<p>Independent news needs you.</p>", show_form=False)
    return make_article(make_section("News"), STORY)


def assert_nothing_went_wrong(reader):
    assert reader.problems() == {
        "requests to other hosts": [], "error responses": [], "failed requests": [],
        "console errors": [], "page errors": [],
    }


def appeals_settled(page):
    """The appeals script has read the appeals file and decided."""
    page.wait_for_load_state("networkidle")


def test_a_reader_gives_monthly_from_the_appeal_and_then_sees_no_more_appeals(newsroom, reader):
    page = reader.page
    reader.open(newsroom.url)
    appeal = page.locator("[data-support-slot=article] .support-appeal")
    expect(appeal).to_be_visible()
    expect(appeal.get_by_role("heading", name="A message from the newsroom")).to_be_visible()
    expect(appeal).to_contain_text("Our reporting is paid for by readers like you.")
    expect(appeal).to_contain_text("Not ready to support today? Remind me later.")
    expect(page.locator("[data-support-slot=banner] .support-appeal")).to_contain_text("Support samizdat!")
    reader.screenshot("appeal-article.png")

    appeal.get_by_text("Monthly", exact=True).click()
    appeal.locator("[data-frequency=monthly]").get_by_text("€10", exact=True).click()
    expect(appeal.locator("[data-frequency=once]")).to_be_hidden()  # only the chosen frequency's amounts
    appeal.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Test payment")).to_be_visible()
    expect(page.locator(".test-checkout-summary")).to_have_text("You are giving €10 every month.")
    page.get_by_label("Email").fill("reader@example.org")
    page.get_by_role("button", name="Pay €10").click()

    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Your monthly donation of €10 has arrived.")
    reader.screenshot("appeal-thanks.png")
    donation = Donation.objects.get()
    assert (donation.amount, donation.frequency, donation.email) == (1000, "monthly", "reader@example.org")

    reader.open(newsroom.url)
    appeals_settled(page)
    expect(page.get_by_role("heading", level=1, name=STORY)).to_be_visible()
    expect(page.locator(".support-appeal")).to_have_count(0)
    assert_nothing_went_wrong(reader)


def test_remind_me_later_hides_appeals_across_reloads_until_the_snooze_is_over(newsroom, reader):
    page = reader.page
    start = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    page.clock.install(time=start)
    reader.open(newsroom.url)
    appeal = page.locator("[data-support-slot=article] .support-appeal")
    expect(appeal).to_be_visible()
    appeal.get_by_role("button", name="Remind me later.").click()
    expect(page.locator(".support-appeal")).to_have_count(0)  # the banner goes too

    for hours in (1, 24 * 3, 24 * 6 + 23):
        page.clock.set_system_time(start + timedelta(hours=hours))
        page.reload()
        appeals_settled(page)
        expect(page.get_by_role("heading", level=1, name=STORY)).to_be_visible()
        expect(page.locator(".support-appeal")).to_have_count(0)
    reader.screenshot("appeal-snoozed.png")

    page.clock.set_system_time(start + timedelta(days=7, minutes=1))
    page.reload()
    expect(page.locator("[data-support-slot=article] .support-appeal")).to_be_visible()
    expect(page.locator("[data-support-slot=banner] .support-appeal")).to_be_visible()
    assert_nothing_went_wrong(reader)


def test_the_modal_appeal_shows_at_most_once_in_the_staffs_interval(newsroom, reader):
    Appeal.objects.all().delete()
    staff = support_settings()
    staff.modal_every_days = 3
    staff.save()
    Appeal.objects.create(name="Modal", placement="modal", heading="A message from the newsroom",
                          body="<p>Before you read on.</p>", show_form=True)
    page = reader.page
    start = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    page.clock.install(time=start)
    reader.open(newsroom.url)
    modal = page.locator("dialog.support-appeal")
    expect(modal).to_be_visible()
    expect(modal.get_by_role("button", name="Continue")).to_be_visible()
    reader.screenshot("appeal-modal.png")
    modal.get_by_role("button", name="Close").click()
    expect(modal).to_be_hidden()

    page.clock.set_system_time(start + timedelta(days=2))
    page.reload()
    appeals_settled(page)
    expect(page.locator("dialog.support-appeal")).to_have_count(0)

    page.clock.set_system_time(start + timedelta(days=3, minutes=1))
    page.reload()
    expect(page.locator("dialog.support-appeal")).to_be_visible()
    assert_nothing_went_wrong(reader)


def test_appeals_follow_the_staffs_schedule(newsroom, reader):
    Appeal.objects.filter(placement="article").update(
        starts_at=datetime(2026, 12, 1, tzinfo=timezone.utc), ends_at=datetime(2026, 12, 24, tzinfo=timezone.utc))
    Appeal.objects.filter(placement="banner").update(live=False)
    page = reader.page
    page.clock.install(time=datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc))
    reader.open(newsroom.url)
    appeals_settled(page)
    expect(page.locator(".support-appeal")).to_have_count(0)  # not yet; the banner is switched off
    page.clock.set_system_time(datetime(2026, 12, 2, tzinfo=timezone.utc))
    page.reload()
    expect(page.locator("[data-support-slot=article] .support-appeal")).to_be_visible()
    page.clock.set_system_time(datetime(2026, 12, 24, 0, 1, tzinfo=timezone.utc))
    page.reload()
    appeals_settled(page)
    expect(page.locator(".support-appeal")).to_have_count(0)  # over
    assert_nothing_went_wrong(reader)
