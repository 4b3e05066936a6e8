from django.conf import settings
from django.shortcuts import render


def mirrors(request):
    """Other addresses of this site, so readers who can't reach one can try another."""
    return render(request, "publishing/mirrors.html", {"mirrors": settings.MIRROR_URLS})
