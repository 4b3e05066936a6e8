"""The admin's Personal data page (Administrators only): export one person's data as JSON, or
erase it after a confirmation step. The work is core/privacy.py's; this only asks and answers."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import privacy
from .audit import log_personal_data_request
from .models import PersonalDataRequest


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


def may_handle_personal_data(user):
    return user.is_active and user.is_superuser


def _counts(sections):
    return [(section, kind, len(rows)) for section, kinds in sections.items() for kind, rows in kinds.items() if rows]


@never_cache
@require_http_methods(["GET", "POST"])
def personal_data(request):
    if not may_handle_personal_data(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        action = request.POST.get("action")
        if action == "export":
            found = privacy.export_person(email)
            log_personal_data_request(PersonalDataRequest.EXPORT, email, request.user, {"rows": found.row_count})
            response = HttpResponse(found.as_json(), content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
            return response
        if action in ("erase", "erase-confirmed"):
            found = privacy.export_person(email)
            if action == "erase":  # the confirmation step: what would go
                context.update(confirm=True, email=found.email, counts=_counts(found.sections))
                return TemplateResponse(request, "core/admin/personal_data.html", context)
            done = privacy.erase_person(email)
            log_personal_data_request(PersonalDataRequest.ERASURE, email, request.user)
            kept = done[privacy.SITE].get("staff accounts kept")
            messages.success(request, gettext("Erased: the address is kept only as a hash on the newsletter's suppression list."))
            if kept:
                messages.warning(request, gettext("A staff account uses this address: change or remove it under Settings > Users."))
            return redirect("core_personal_data")
        form.add_error(None, gettext("Please choose Export or Erase."))
    return TemplateResponse(request, "core/admin/personal_data.html", context, status=400 if form.errors else 200)
