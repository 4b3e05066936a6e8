from django.urls import path

from . import views
from .providers import provider_urls
from .providers.webhooks import webhook

app_name = "support"

urlpatterns = [
    path("", views.support_page, name="page"),
    path("donate/", views.donate, name="donate"),
    path("thanks/", views.thanks, name="thanks"),
    path("appeals.json", views.appeals_json, name="appeals"),
    path("webhooks/<str:provider_name>/", webhook, name="webhook"),
    path("manage/", views.manage_request, name="manage_request"),
    path("manage/<str:token>/", views.manage, name="manage"),
    *provider_urls(),
]
