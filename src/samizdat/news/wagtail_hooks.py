from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Agency, Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    list_display = ["name", "role"]
    search_fields = ["name"]
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
