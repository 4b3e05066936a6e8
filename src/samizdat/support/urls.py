from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.support_page, name="page"),
    path("donate/", views.donate, name="donate"),
    path("thanks/", views.thanks, name="thanks"),
    path("appeals.json", views.appeals_json, name="appeals"),
    path("test-checkout/<str:token>/", views.test_checkout, name="test_checkout"),
    path("transfer/<str:token>/", views.transfer, name="transfer"),
    path("webhooks/<str:provider_name>/", views.webhook, name="webhook"),
    path("manage/", views.manage_request, name="manage_request"),
    path("manage/<str:token>/", views.manage, name="manage"),
]
