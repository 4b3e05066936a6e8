"""axe-core on every public page a reader meets, in both colour schemes and at both widths.

axe-core comes from the axe-playwright-python package (axe.min.js inside it), so the check needs
no network. One browser, one live server, the pages in a loop; a failure lists each violation by
page, theme, width, rule and the element it found. Screenshots of the dark
scheme's first screen: tests/artifacts/dark-<page>-<width>.png.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from wagtail.models import Site

from samizdat.core.models import NewsroomSettings, StandardPage
from samizdat.newsletter.models import Newsletter
from samizdat.support.models import Appeal, support_settings
from samizdat.support.providers.test.models import TestPaymentSettings
from tests.browser.conftest import ARTIFACTS
from tests.factories import home_page, make_article, make_author, make_image, make_section
from tests.support.conftest import staff_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
THEMES = ("light", "dark")
# The appeals script fills the banner slot once the appeals file arrives; axe must see it filled.
APPEALS_SETTLED = """() => { const slot = document.querySelector('[data-support-slot=banner]');
  return !slot || !!document.querySelector('main .donate-form') || slot.children.length > 0; }"""


@pytest.fixture
def newsroom(settings):
    """Every kind of public page with what fills it in: teasers with pictures, a byline, tags, the
    banner and article appeals with the donate form, the newsletter's signup, a privacy page."""
    settings.SUPPORT_TEST_PAYMENTS = True
    settings.MIRROR_URLS = ["https://mirror.example/"]
    staff_set(TestPaymentSettings, enabled=True)
    support = support_settings()
    support.suggested_amounts = "EUR monthly: 5, 10, 20\nEUR once: 25, 50"
    support.save()
    Appeal.objects.create(name="Winter drive", placement="article", heading="A message from the newsroom",
                          body="<p>Our reporting is paid for by readers like you.</p>", show_form=True)
    Appeal.objects.create(name="Banner", placement="banner", heading="Support samizdat!",
                          body="<p>Independent news needs you.</p>", show_form=False)
    Newsletter.objects.create(name="The Week", slug="the-week", promoted=True,
                              description="A hand-picked selection of news, every Friday.")
    privacy = StandardPage(title="Privacy policy", slug="privacy")
    home_page().add_child(instance=privacy)
    privacy.save_revision().publish()
    newsroom = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    newsroom.privacy_policy_page = privacy
    newsroom.save()

    news, economy = make_section("News"), make_section("Economy")
    irina = make_author("Irina Volkova", role="Port correspondent")
    article = make_article(news, "Harbour cranes fall silent as dockers strike", tags=["port"], authors=[irina],
                           image=make_image("Idle cranes", colour=(120, 60, 30)), lead_image_credit="Port Authority")
    make_article(news, "Dockers' union sets its terms", tags=["port"], authors=[irina], minutes_ago=120,
                 image=make_image("Union hall", colour=(60, 120, 60)))
    make_article(economy, "Port traffic falls to its lowest level", tags=["port"], authors=[irina], minutes_ago=150)
    return {
        "front": "/",
        "section": news.url,
        "article": article.url,
        "author": "/authors/irina-volkova/",
        "tag": "/tags/port/",
        "search": "/search/?q=port",
        "support": "/support/",
        "newsletter": "/newsletter/",
        "not found": "/no-such-page/",
        "mirrors": "/mirrors/",
    }


def test_every_public_page_has_no_axe_violations_in_either_theme_at_either_width(newsroom, reader):
    page, axe, found = reader.page, Axe(), []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        for theme in THEMES:
            page.emulate_media(color_scheme=theme)
            for name, path in newsroom.items():
                page.goto(reader.server_url + path)
                page.wait_for_function(APPEALS_SETTLED)
                for violation in axe.run(page).response["violations"]:
                    for node in violation["nodes"]:
                        found.append(f"{name} {theme} {width}: {violation['id']} {node['target']}")
                if theme == "dark":
                    page.screenshot(path=ARTIFACTS / f"dark-{name.replace(' ', '-')}-{width}.png")
    assert not found, f"{len(found)} axe-core violations:\n" + "\n".join(found)
