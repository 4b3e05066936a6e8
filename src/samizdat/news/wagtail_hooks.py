from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Agency, Author
from .prefetch import prepare_story_pages
from .public_urls import extra_public_urls, newsroom_addresses, pages_showing_picture
from .related import ReadMorePart
from .stories_admin import StoriesViewSet


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    list_display = ["name", "role"]
    # No search_fields here: Author is indexed (models/people.py), and naming fields makes Wagtail's
    # SQLite backend look for a "name" column its full-text table doesn't have (a 500).
    menu_order = 200
    add_to_admin_menu = True


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "globe"
    list_display = ["name", "credit"]
    menu_order = 210
    add_to_admin_menu = True


register_snippet(AuthorViewSet)
register_snippet(AgencyViewSet)
hooks.register("register_admin_viewset", lambda: StoriesViewSet("stories"))


# What the static publisher renders (publishing/hooks.py names these hooks): where stories,
# sections, authors and agencies are shown, the addresses that are not pages, the pages a picture is shown on, the Read more part it may refresh alone, and
# what a batch of story pages is fetched with at once.
hooks.register("samizdat_addresses", newsroom_addresses)
hooks.register("samizdat_published_urls", extra_public_urls)
hooks.register("samizdat_shown_on", lambda: (get_image_model(), pages_showing_picture))
hooks.register("samizdat_page_parts", ReadMorePart)
hooks.register("samizdat_before_rendering", prepare_story_pages)
