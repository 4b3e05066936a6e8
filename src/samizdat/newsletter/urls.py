from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("", views.index, name="index"),
    path("signup/", views.signup, name="signup"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("<slug:slug>/archive/", views.archive, name="archive"),
    path("<slug:slug>/archive/<int:pk>/", views.edition_page, name="edition"),
    path("<slug:slug>/preview/", views.preview, name="preview"),
]
