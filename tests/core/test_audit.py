"""The audit log (Wagtail's, Reports > Site history) records staff actions on personal data:
subscribers added, edited, deleted, suppressed, imported and exported; manual gifts confirmed;
donation listings exported; one person's data exported or erased in the admin, without the address.
Spreadsheet exports escape cells that a spreadsheet would run as formulas."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from samizdat.newsletter.models import Newsletter, Subscriber, Suppression
from samizdat.support.models import Donation

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def chief(client):
    client.force_login(User.objects.create_superuser("chief", "chief@example.org", "pw"))
    return client


@pytest.fixture
def week():
    return Newsletter.objects.create(name="The Week", slug="the-week")


def actions():
    return [e.action for e in ModelLogEntry.objects.order_by("pk")]


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_staff_changes_to_subscribers_are_in_the_site_history(chief, week):
    chief.post("/admin/snippets/newsletter/subscriber/add/", {"email": "ana@example.org"})
    ana = Subscriber.objects.get()
    chief.post(f"/admin/snippets/newsletter/subscriber/edit/{ana.pk}/", {"email": "ana.r@example.org"})
    chief.post("/admin/snippets/newsletter/suppression/add/", {"email": "bo@example.org", "reason": "complained", "detail": ""})
    chief.post(f"/admin/snippets/newsletter/subscriber/delete/{ana.pk}/")
    assert Suppression.objects.exists() and not Subscriber.objects.exists()
    assert actions() == ["wagtail.create", "wagtail.edit", "wagtail.create", "wagtail.delete"]
    history = chief.get("/admin/reports/site-history/").content.decode()
    assert "ana.r@example.org" in history


def test_an_import_is_in_the_site_history_with_counts_only(chief, week):
    upload = SimpleUploadedFile("list.csv", b"email\nana@example.org\nnope\n", content_type="text/csv")
    chief.post("/admin/newsletter/import/", {"newsletter": week.pk, "file": upload, "consent": "Old site", "vouch": "on"})
    [entry] = ModelLogEntry.objects.filter(action="samizdat.newsletter.import")
    assert entry.data == {"taken": 1, "already": 0, "refused": 1} and entry.user.username == "chief"
    assert "ana@example.org" not in json.dumps(entry.data) + entry.label


def test_a_donor_named_like_a_formula_is_exported_as_text(chief):
    Donation.objects.create(amount=1000, currency="EUR", provider="stripe", status="paid", provider_payment_id="pi_1",
                            email="ana@example.org", name=FORMULA)
    Donation.objects.create(amount=500, currency="EUR", provider="stripe", status="paid", provider_payment_id="pi_2",
                            email="@evil.example", name="+1 555 0100")
    table = csv_rows(chief.get("/admin/donations/?export=csv"))
    names = {row["Name"] for row in table}
    assert names == {"'" + FORMULA, "'+1 555 0100"}
    assert "'@evil.example" in {row["Email"] for row in table}
    assert {row["Amount"] for row in table} == {"10", "5"}, "numbers stay numbers"
    [entry] = ModelLogEntry.objects.filter(action="samizdat.spreadsheet_export")
    assert entry.data["listing"] == "donations" and entry.data["format"] == "csv"


def test_the_subscriber_export_escapes_formulas_and_is_logged(chief, week):
    Subscriber.objects.create(email="=cmd|'/c calc'!a0@example.org")
    Subscriber.objects.create(email="ana@example.org")
    table = csv_rows(chief.get("/admin/snippets/newsletter/subscriber/?export=csv"))
    assert sorted(row["Email"] for row in table) == ["'=cmd|'/c calc'!a0@example.org", "ana@example.org"]
    assert ModelLogEntry.objects.filter(action="samizdat.spreadsheet_export", user__username="chief").exists()


def test_confirming_a_manual_gift_is_in_the_site_history_without_the_donor(chief):
    gift = Donation.objects.create(amount=3000, currency="EUR", provider="manual", status="pending", method="Bank transfer",
                                   provider_payment_id="manual_1", email="eve@example.org", name="Eve")
    chief.post(f"/admin/support/donations/{gift.pk}/confirm/")
    [entry] = ModelLogEntry.objects.filter(action="samizdat.support.confirm_gift")
    assert entry.label == "€30 by Bank transfer" and "eve" not in entry.label.lower()


def test_a_staff_correction_of_a_donor_is_in_the_site_history(chief):
    gift = Donation.objects.create(amount=1000, currency="EUR", provider="stripe", status="paid", provider_payment_id="pi_1",
                                   email="ana@example.org", name="Ana")
    chief.post(f"/admin/donations/edit/{gift.pk}/", {"name": "Ana Ruiz", "email": "ana@example.org"})
    assert Donation.objects.get().name == "Ana Ruiz"
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(gift.pk), user__username="chief").exists()


def test_the_personal_data_page_exports_and_erases_after_a_confirmation(chief, week):
    Subscriber.objects.create(email="ana@example.org")
    Donation.objects.create(amount=1000, currency="EUR", provider="stripe", status="paid", provider_payment_id="pi_1",
                            email="ana@example.org", name="Ana")
    exported = chief.post("/admin/personal-data/", {"email": "ana@example.org", "action": "export"})
    assert exported["Content-Disposition"].startswith("attachment")
    assert "no-store" in exported["Cache-Control"]
    data = json.loads(exported.content)
    assert data["sections"]["Reader revenue"]["donations"][0]["name"] == "Ana"
    asked = chief.post("/admin/personal-data/", {"email": "ana@example.org", "action": "erase"})
    assert "Yes, erase" in asked.content.decode() and Subscriber.objects.exists(), "nothing erased before confirming"
    chief.post("/admin/personal-data/", {"email": "ana@example.org", "action": "erase-confirmed"})
    assert not Subscriber.objects.exists() and Donation.objects.get().email == ""
    entries = ModelLogEntry.objects.filter(action__startswith="samizdat.privacy.")
    assert sorted(e.action for e in entries) == ["samizdat.privacy.erase", "samizdat.privacy.export"]
    assert all("ana" not in (e.label + json.dumps(e.data)).lower() for e in entries)
    assert chief.post("/admin/personal-data/", {"email": "not an address", "action": "export"}).status_code == 400


def test_only_administrators_see_the_personal_data_page(client):
    editor = User.objects.create_user("ed", "ed@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/personal-data/").status_code in (302, 403)
    assert "/admin/personal-data/" not in client.get("/admin/").content.decode()
