"""The admin's Personal data page, and the log actions core records in Reports > Site history."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, audit


class PersonalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_handle_personal_data(request.user)


@hooks.register("register_admin_urls")
def personal_data_urls():
    return [path("personal-data/", admin_views.personal_data, name="core_personal_data")]


@hooks.register("register_settings_menu_item")
def personal_data_menu_item():
    return PersonalDataMenuItem(_("Personal data"), reverse("core_personal_data"), icon_name="user", order=900)


@hooks.register("register_log_actions")
def register_core_log_actions(actions):
    actions.register_action(audit.PRIVACY_EXPORT, _("Personal data exported"), _("Exported one person's data"))
    actions.register_action(audit.PRIVACY_ERASE, _("Personal data erased"), _("Erased one person's data"))
    actions.register_action(audit.SPREADSHEET_EXPORT, _("Spreadsheet exported"), _("Downloaded a listing as a spreadsheet"))
