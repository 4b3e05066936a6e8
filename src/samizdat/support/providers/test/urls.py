from django.urls import path

from . import views

urlpatterns = [
    path("test-checkout/<str:token>/", views.test_checkout, name="test_checkout"),
]
