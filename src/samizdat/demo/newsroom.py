"""The demo newsroom, The Lindenport Courier: its settings, pages and people, and how it is loaded.

`samizdat load_demo` calls load_demo(): the articles in demo/content/ go through the same Markdown
importer a newsroom uses (docs/import-format.md), with images generated on the fly; those in
demo/content/ru/ make the Russian edition (russian.py).
"""

import re
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from wagtail.models import Site

from samizdat.core.models import NewsroomSettings, StandardPage
from samizdat.core.static_files import ensure_static_collected
from samizdat.news.importing import home_page, import_directory, quiet_wagtail_log
from samizdat.news.importing.writer import section_named
from samizdat.news.models import ArticlePage, Author
from samizdat.newsletter.demo import load_demo_newsletters
from samizdat.publishing.rebuild import rebuild_site
from samizdat.publishing.signals import paused as publishing_paused
from samizdat.support.demo import load_support_demo

from .images import generate_images_for
from .russian import load_russian_edition

CONTENT_DIR = Path(__file__).resolve().parent / "content"

NAME = "The Lindenport Courier"
TAGLINE = "Independent news from the harbour city since 1911"
DESCRIPTION = (
    "The Lindenport Courier is an independent, reader-funded newsroom covering the city of Lindenport: "
    "its council, its port, its businesses and its culture."
)
FOOTER_TEXT = "The Lindenport Courier · Harbour Street 14 · Lindenport. Independent and reader-funded."

# In menu order. Descriptions are shown at the top of each section page.
SECTIONS = [
    ("News", "City hall, the harbour, courts, schools and the neighbourhoods of Lindenport."),
    ("Opinion", "Columns, editorials and letters. The views are the writers' own."),
    ("Business", "Shipping, shops, jobs and the money that moves the port city."),
    ("Arts & Life", "Theatre, music, books, food and the life of the city after hours."),
]

AUTHORS = [
    # (name, role, bio). The articles in demo/content/ name their authors exactly like this; an
    # author the content names but this list doesn't would be created without a role or bio.
    (
        "Irina Volkova",
        "City hall reporter",
        "Irina covers the city council, housing and the utilities. She joined the Courier in 2017.",
    ),
    (
        "Tomas Brandt",
        "Port and business correspondent",
        "Tomas reports on shipping, the shipyard and the businesses around the harbour.",
    ),
    (
        "Amara Okafor",
        "Opinion editor",
        "Amara edits the opinion pages and writes a weekly column on life in Lindenport.",
    ),
    (
        "Lena Haugen",
        "Arts and culture editor",
        "Lena writes about theatre, music, books and food, and reviews more concerts than she admits.",
    ),
    (
        "Jonas Meyer",
        "Courts and education reporter",
        "Jonas covers the district court, the schools and the university.",
    ),
    (
        "Pieter de Wit",
        "Editor-in-chief",
        "Pieter has edited the Courier since it became a reader-owned cooperative in 2019.",
    ),
]

PASSWORD = "samizdat-demo"
USERS = [
    # (username, group, superuser, first name, last name)
    ("admin", "Administrators", True, "Demo", "Administrator"),
    ("editor", "Editors", False, "Demo", "Editor"),
    ("writer", "Writers", False, "Demo", "Writer"),
]
LOGIN_LINE = f"Demo login: admin / {PASSWORD} (also writer / editor) at /admin/"
# `make run` turns the second factor off (STAFF_REQUIRE_2FA=false), and says so: the demo is tried
# on one's own machine with a published password, where an authenticator app protects nothing.
SECOND_FACTOR_OFF_LINE = (
    "Two-factor sign-in is not required in this run (STAFF_REQUIRE_2FA=false); "
    "try it under Account > More actions, and never run a real newsroom like this."
)


def login_lines():
    return [LOGIN_LINE] if settings.STAFF_REQUIRE_2FA else [LOGIN_LINE, SECOND_FACTOR_OFF_LINE]

PRIVACY_POLICY = """
<p>The Lindenport Courier is run by the Lindenport Courier Cooperative, Harbour Street 14, Lindenport.
This page says what we record about you when you read, subscribe or donate, and why.</p>
<h2>Reading</h2>
<p>Our pages load no third-party scripts, fonts, trackers or advertising. We set no cookies for readers.
Our web server does not store your IP address; we keep counts of page views without knowing who you are.</p>
<h2>Newsletter</h2>
<p>If you subscribe, we keep your email address, the time you subscribed and the wording you agreed to.
We use it only to send the newsletter you asked for. Every email has a link to unsubscribe, which takes
effect at once.</p>
<h2>Donations</h2>
<p>Payments are handled by our payment provider; we never see your card details. We keep your name,
email address and the amounts and dates of your donations for as long as the law requires for our
accounts.</p>
<h2>Your rights</h2>
<p>You may ask us for a copy of what we hold about you, ask us to correct it or to delete it, by
writing to privacy@lindenport-courier.example. You may complain to the data protection authority.</p>
"""

ABOUT_US = """
<p>The Lindenport Courier has reported on the harbour city since 1911. Since 2019 it has been owned by
its readers and staff as a cooperative, and it is funded by their donations, not by advertising.</p>
<p>We cover the city council, the port, courts, schools, business and culture. We correct our mistakes
openly, at the foot of the article concerned.</p>
<p>This is a demo newsroom: the stories, people and places in it are invented.</p>
"""


def load_demo(write=print):
    """Load the demo newsroom unless this site already has articles; returns True if it loaded."""
    if ArticlePage.objects.exists():
        if NewsroomSettings.for_site(default_site()).name == NAME:
            write("Demo newsroom already loaded")
            for line in login_lines():
                write(line)
        else:
            write("This site already has articles; the demo newsroom was not loaded.")
        return False
    with tempfile.TemporaryDirectory(prefix="samizdat-demo-") as folder:
        content = prepare_content(Path(folder) / "content")
        # The Russian stories go into their own edition, not below the English front page.
        russian = (content / "ru").rename(Path(folder) / "ru")
        # All of the demo or none of it; published as one rebuild at the end, not story by story.
        with quiet_wagtail_log(), publishing_paused(), transaction.atomic():
            home = home_page()
            set_up_newsroom(home)
            report = import_directory(content)
            russian_report = load_russian_edition(home, russian)
            if russian_report is not None:
                report.results += russian_report.results
            if report.rejected:
                lines = "\n".join(result.line() for result in report.rejected)
                raise DemoContentError(f"The demo content has files the importer refused:\n{lines}")
            create_demo_users()
            load_support_demo()  # reader revenue: test payments, suggested amounts, appeals
            load_demo_newsletters(write)
    call_command("update_index", verbosity=0)  # so search finds the articles at once
    if settings.PUBLISHING_ENABLED:
        ensure_static_collected()
        rebuild_site()
    write(f"Demo newsroom loaded: {report.summary()}")
    for line in login_lines():
        write(line)
    return True


class DemoContentError(Exception):
    pass


def prepare_content(folder):
    """A copy of demo/content/ with its images generated and its dates brought up to today."""
    shutil.copytree(CONTENT_DIR, folder)
    generate_images_for(folder, folder)
    shift_dates(folder, timezone.now())
    return folder


def default_site():
    return Site.objects.get(is_default_site=True)


def set_up_newsroom(home):
    site = default_site()
    site.site_name = NAME
    site.save()
    home.description = DESCRIPTION
    home.save_revision().publish()
    for title, description in SECTIONS:
        section = section_named(home, title)
        section.description = description
        section.save_revision().publish()
    privacy = standard_page(home, "Privacy policy", "privacy", PRIVACY_POLICY)
    standard_page(home, "About us", "about", ABOUT_US)
    settings = NewsroomSettings.for_site(site)
    settings.name, settings.tagline, settings.footer_text = NAME, TAGLINE, FOOTER_TEXT
    settings.privacy_policy_page = privacy
    settings.save()
    for name, role, bio in AUTHORS:
        author = Author.objects.filter(name__iexact=name).first() or Author(name=name)
        author.role, author.bio = role, bio
        author.save()


def standard_page(home, title, slug, body):
    page = StandardPage.objects.child_of(home).filter(slug=slug).first()
    if page is None:
        page = StandardPage(title=title, slug=slug)
        home.add_child(instance=page)
    page.body = body.strip()
    page.save_revision().publish()
    return page


def demo_password_in_use():
    """A sentence for `samizdat serve` when a demo account still has the published demo password
    (it is in the README: anyone reaching the site could sign in as an administrator)."""
    try:
        users = [user.username for user in User.objects.filter(username__in=[u[0] for u in USERS]) if user.check_password(PASSWORD)]
    except DatabaseError:  # not migrated yet: no users at all
        return ""
    if not users:
        return ""
    names = ", ".join(users)
    return (
        f"The demo accounts ({names}) still have the demo password. Change each one first, e.g. "
        f"`samizdat changepassword {users[0]}`, or serve on HOST=127.0.0.1 only."
    )


def create_demo_users():
    for username, group, superuser, first_name, last_name in USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name, user.last_name = first_name, last_name
        user.is_superuser = user.is_staff = superuser
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=group))


# `date: 2026-11-20T09:30:00+03:00` at the top level, `  - date: 2026-11-21` in corrections.
DATE_LINE = re.compile(
    r"""^(?P<key>(?:[ \t]*-?[ \t]*)?(?:date|updated):[ \t]*)  # the field, maybe in a list entry
    (?P<quote>["']?)(?P<value>[^"'\n\#]+?)(?P=quote)[ \t]*$""",
    re.M | re.X,
)


def shift_dates(folder, now):
    """Move every date in the demo's front matter by the same whole number of days, so the newest
    published article is from the last day: the demo looks alive (and the 48-hour news sitemap has entries)
    whenever it is loaded, with the stories' order, times of day and gaps as written."""
    files = sorted(folder.rglob("*.md"))
    dates = (_newest_date(path.read_text(encoding="utf-8")) for path in files if not _is_draft(path))
    newest = max((moment for moment in dates if moment is not None), default=None)
    if newest is None:
        return
    days = (now.date() - newest.date()).days
    while newest + timedelta(days=days) > now - timedelta(minutes=5):
        days -= 1
    for path in files:
        text = path.read_text(encoding="utf-8")
        front, rest = _front_matter(text)
        front = DATE_LINE.sub(lambda m: _shifted(m, days, now), front)
        path.write_text(front + rest, encoding="utf-8")


def _front_matter(text):
    end = text.find("\n---", 3)
    return (text[: end + 1], text[end + 1 :]) if text.startswith("---") and end > 0 else ("", text)


def _is_draft(path):
    front, _ = _front_matter(path.read_text(encoding="utf-8"))
    return re.search(r"^draft:[ \t]*true[ \t]*$", front, re.M | re.I) is not None


def _newest_date(text):
    front, _ = _front_matter(text)
    moments = [
        _parse(m.group("value")) for m in DATE_LINE.finditer(front) if m.group("key").startswith("date:")
    ]
    return max((m for m in moments if m is not None), default=None)


def _parse(value):
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _shifted(match, days, now):
    """The date moved by `days`; a correction or update never lands after `now`."""
    value = match.group("value").strip()
    try:
        if len(value) == 10:
            shifted = min(
                date.fromisoformat(value) + timedelta(days=days), timezone.localdate(now)
            ).isoformat()
        else:
            moved = datetime.fromisoformat(value) + timedelta(days=days)
            aware = moved if timezone.is_aware(moved) else timezone.make_aware(moved)
            shifted = (now.replace(microsecond=0) if aware > now else moved).isoformat()
    except ValueError:
        return match.group(0)  # the importer will say what is wrong with it
    return f"{match.group('key')}{shifted}"
