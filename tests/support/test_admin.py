"""Staff see reader revenue in the Wagtail admin: donations with filters, the donor's history,
recurring donations, refunds, a CSV export, manual gifts to confirm, and the revenue report."""

import csv
import io
import re
from datetime import datetime, timezone

import pytest
from bs4 import BeautifulSoup

from samizdat.support.models import Donation, RecurringDonation
from samizdat.support.reports import revenue_report

pytestmark = pytest.mark.django_db


def make_donation(amount, frequency="once", provider="stripe", status="paid", email="ana@example.org", when=None, **fields):
    return Donation.objects.create(
        amount=amount, currency=fields.pop("currency", "EUR"), frequency=frequency, provider=provider, status=status,
        email=email, provider_payment_id=f"pay_{Donation.objects.count() + 1}",
        created_at=when or datetime(2026, 11, 10, 12, tzinfo=timezone.utc), **fields,
    )


@pytest.fixture
def ledger():
    monthly = RecurringDonation.objects.create(
        provider="stripe", provider_subscription_id="sub_m", amount=1000, currency="EUR", frequency="monthly",
        email="ana@example.org", created_at=datetime(2026, 10, 3, tzinfo=timezone.utc))
    RecurringDonation.objects.create(
        provider="stripe", provider_subscription_id="sub_a", amount=12000, currency="EUR", frequency="annual",
        email="ben@example.org", created_at=datetime(2026, 11, 4, tzinfo=timezone.utc))
    RecurringDonation.objects.create(
        provider="stripe", provider_subscription_id="sub_c", amount=500, currency="EUR", frequency="monthly",
        email="cy@example.org", status="cancelled", created_at=datetime(2026, 9, 1, tzinfo=timezone.utc),
        cancelled_at=datetime(2026, 11, 20, tzinfo=timezone.utc))
    make_donation(1000, "monthly", recurring=monthly, when=datetime(2026, 10, 3, tzinfo=timezone.utc))
    make_donation(1000, "monthly", recurring=monthly, when=datetime(2026, 11, 3, tzinfo=timezone.utc))
    make_donation(12000, "annual", email="ben@example.org", when=datetime(2026, 11, 4, tzinfo=timezone.utc))
    make_donation(2500, "once", provider="stripe", email="ana@example.org", when=datetime(2026, 11, 8, tzinfo=timezone.utc))
    make_donation(5000, "once", status="refunded", refunded_amount=5000, email="dan@example.org")
    make_donation(3000, "once", provider="manual", status="pending", email="eve@example.org", method="Bank transfer")
    make_donation(4000, "once", currency="USD", email="fay@example.org")


def rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(tr.get_text(" ", strip=True).split()) for tr in soup.select("table.listing tbody tr")]


def test_donations_are_listed_and_filtered_by_frequency_provider_status_and_date(staff, ledger):
    assert len(rows(staff.get("/admin/donations/"))) == 7
    monthly = rows(staff.get("/admin/donations/?frequency=monthly"))
    assert len(monthly) == 2 and all("€10" in row for row in monthly)
    assert len(rows(staff.get("/admin/donations/?provider=manual"))) == 1
    refunded = rows(staff.get("/admin/donations/?status=refunded"))
    assert len(refunded) == 1 and "€50" in refunded[0] and "Refunded" in refunded[0]
    assert len(rows(staff.get("/admin/donations/?created_at__gte=2026-11-01&created_at__lte=2026-11-05"))) == 2


def test_a_donation_shows_its_donor_and_everything_they_gave(staff, ledger):
    donation = Donation.objects.get(amount=2500)
    page = BeautifulSoup(staff.get(f"/admin/donations/inspect/{donation.pk}/").content, "html.parser").get_text(" ", strip=True)
    assert "ana@example.org" in page
    assert page.count("€10") >= 2 and "€25" in page  # her monthly payments and this gift
    assert "€10 monthly from ana@example.org (active)" in page


def test_recurring_donations_are_listed_with_their_status(staff, ledger):
    listed = rows(staff.get("/admin/recurring_donations/"))
    assert len(listed) == 3
    assert any("Cancelled" in row and "€5" in row for row in listed)
    assert len(rows(staff.get("/admin/recurring_donations/?status=active"))) == 2


def test_donations_export_as_csv_with_amounts_a_spreadsheet_reads(staff, ledger):
    response = staff.get("/admin/donations/?export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(content)))
    assert len(table) == 7
    refund = next(row for row in table if row["Email"] == "dan@example.org")
    assert (refund["Amount"], refund["Currency"], refund["Refunded"], refund["Status"]) == ("50", "EUR", "50", "refunded")
    usd = next(row for row in table if row["Currency"] == "USD")
    assert usd["Amount"] == "40"


def test_staff_cannot_add_or_delete_payments_by_hand(staff, ledger):
    donation = Donation.objects.first()
    assert staff.get("/admin/donations/add/").status_code in (403, 404)
    assert "/admin/donations/add/" not in staff.get("/admin/donations/").content.decode()
    assert staff.post(f"/admin/donations/delete/{donation.pk}/").status_code in (302, 403, 404)
    assert Donation.objects.filter(pk=donation.pk).exists()


def test_readers_and_strangers_cannot_see_donations(client, ledger):
    response = client.get("/admin/donations/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "/admin/login/" in client.get("/admin/reports/revenue/")["Location"]


def test_staff_confirm_a_manual_gift_and_the_donor_gets_a_receipt(staff, ledger, smtp):
    pending = Donation.objects.get(provider="manual")
    page = staff.get(f"/admin/donations/inspect/{pending.pk}/").content.decode()
    assert f"/admin/support/donations/{pending.pk}/confirm/" in page
    response = staff.post(f"/admin/support/donations/{pending.pk}/confirm/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "paid" and pending.confirmed_at is not None
    [receipt] = smtp.to("eve@example.org")
    assert "€30" in smtp.text(receipt)
    staff.post(f"/admin/support/donations/{pending.pk}/confirm/")
    assert len(smtp.messages) == 1, "confirming twice sends one receipt"


def test_the_revenue_report_adds_up_each_currency_by_month_and_frequency(ledger):
    eur, usd = revenue_report(today=datetime(2026, 11, 25).date())
    assert (eur.currency, usd.currency) == ("EUR", "USD")
    november, october = eur.months[-1], eur.months[-2]
    assert november.totals == {"monthly": 1000, "annual": 12000, "once": 2500}  # the refund counts nothing
    assert october.totals == {"monthly": 1000}
    assert (november.new_recurring, november.cancelled_recurring, october.new_recurring) == (1, 1, 1)
    assert eur.active_donors == 2
    assert eur.recurring_revenue == 1000 + 12000 // 12
    assert eur.year_total == 1000 + 1000 + 12000 + 2500
    assert usd.year_total == 4000 and usd.active_donors == 0


def test_the_revenue_report_page_draws_a_twelve_month_chart_inline(staff, ledger, monkeypatch):
    monkeypatch.setattr("samizdat.support.reports.timezone.localdate", lambda: datetime(2026, 11, 25).date())
    response = staff.get("/admin/reports/revenue/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one("#revenue-EUR").find_parent("section")
    assert summary.select_one(".revenue-mrr").get_text() == "€20"
    assert summary.select_one(".revenue-active").get_text() == "2"
    svg = summary.select_one("svg.revenue-chart")
    assert svg is not None
    assert len(svg.select("text")) >= 12
    assert len(svg.select("rect.bar")) == 4  # October monthly; November once, monthly, annual
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", str(svg)), "nothing loads from elsewhere"
    first_row = summary.select("table.revenue-months tbody tr")[0].get_text(" ", strip=True)
    assert first_row.startswith("November 2026") and "€155" in first_row


BODY = '{"blocks":[{"key":"a1","type":"unstyled","text":"Please give.","depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'


def test_staff_schedule_an_appeal_in_the_admin_and_switch_it_off(staff, public):
    import json

    from samizdat.support.models import Appeal

    response = staff.post("/admin/snippets/support/appeal/add/", {
        "name": "December drive", "placement": "article", "heading": "A message from the newsroom", "body": BODY,
        "show_form": "on", "live": "on", "starts_at": "2026-12-01 09:00", "ends_at": "2026-12-24 18:00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    appeal = Appeal.objects.get()
    [published] = json.loads(public.text("/support/appeals.json"))["appeals"]
    assert (published["heading"], published["body"]) == ("A message from the newsroom", '<p data-block-key="a1">Please give.</p>')
    assert published["start"] == int(appeal.starts_at.timestamp() * 1000) and published["end"] > published["start"]
    response = staff.post(f"/admin/snippets/support/appeal/edit/{appeal.pk}/", {
        "name": "December drive", "placement": "article", "heading": "A message from the newsroom", "body": BODY,
        "show_form": "on", "starts_at": "2026-12-01 09:00", "ends_at": "2026-12-24 18:00",
    })
    assert response.status_code == 302
    assert json.loads(public.text("/support/appeals.json"))["appeals"] == [], "switched off: gone from the file"
    response = staff.post("/admin/snippets/support/appeal/add/", {
        "name": "Backwards", "placement": "banner", "heading": "x", "body": BODY, "live": "on",
        "starts_at": "2026-12-24 09:00", "ends_at": "2026-12-01 09:00",
    })
    assert response.status_code == 200 and "The appeal must end after it starts." in response.content.decode()
