"""A newsroom with every kind of public page a reader meets, for the checks that visit them all
(tests/browser/test_accessibility.py, tests/test_html_validity.py)."""

from wagtail.models import Site

from samizdat.core.models import NewsroomSettings, StandardPage
from samizdat.newsletter.models import Newsletter
from samizdat.support.models import Appeal, support_settings
from samizdat.support.providers.test.models import TestPaymentSettings
from tests.factories import home_page, make_article, make_author, make_image, make_section
from tests.support.conftest import staff_set


def appeals_and_signup(settings):
    """What fills in around a story: a banner and an end-of-article appeal with the donate form (test
    payments), and the newsletter's signup."""
    settings.SUPPORT_TEST_PAYMENTS = True
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


def every_public_page(settings):
    """Every kind of public page with what fills it in: teasers with pictures, a byline, tags, the
    appeals, the newsletter's signup, a privacy page. Returns each page's address by its name."""
    settings.MIRROR_URLS = ["https://mirror.example/"]
    appeals_and_signup(settings)
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
