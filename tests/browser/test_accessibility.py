"""axe-core on every public page a reader meets, in both colour schemes and at both widths.

axe-core comes from the axe-playwright-python package (axe.min.js inside it), so the check needs
no network. One browser, one live server, the pages in a loop; a failure lists each violation by
page, theme, width, rule and the element it found. Screenshots of each
page's first screen: tests/artifacts/<light|dark>-<page>-<desktop|phone>.png.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import ARTIFACTS
from tests.reader_pages import every_public_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
THEMES = ("light", "dark")
# The appeals script fills the banner slot once the appeals file arrives; axe must see it filled.
APPEALS_SETTLED = """() => { const slot = document.querySelector('[data-support-slot=banner]');
  return !slot || !!document.querySelector('main .donate-form') || slot.children.length > 0; }"""


@pytest.fixture
def newsroom(settings):
    return every_public_page(settings)


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
                page.screenshot(path=ARTIFACTS / f"{theme}-{name.replace(' ', '-')}-{width}.png")
    assert not found, f"{len(found)} axe-core violations:\n" + "\n".join(found)
