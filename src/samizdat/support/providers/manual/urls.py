from django.urls import path

from . import views

urlpatterns = [
    path("transfer/<str:token>/", views.transfer, name="transfer"),
]
