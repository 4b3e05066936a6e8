"""The editors' pages beyond Wagtail's own listings: an edition's preview and send page (test,
approve, live progress), and the CSV import with its report."""

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from . import drafts, schedule
from .deliveries import progress_of
from .importing import CSVFileError, import_subscribers
from .models import Edition, Newsletter
from .rendering import PREFERENCES, UNSUBSCRIBE, render_email
from .tasks import send_test_task

IMPORT_ACTION = "samizdat.newsletter.import"
may_edit = permission_required("newsletter.change_edition", raise_exception=True)
may_import = permission_required("newsletter.add_subscriber", raise_exception=True)


def _rendered(edition):
    if edition.email_html:  # what was (or is being) sent
        return edition.email_html, edition.email_text
    rendered = render_email(edition)
    return rendered.html, rendered.text


def _example_links(text):
    """Each reader gets their own links; the preview shows where they go."""
    return text.replace(UNSUBSCRIBE, "#unsubscribe").replace(PREFERENCES, "#preferences")


@may_edit
def edition_page(request, pk):
    edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
    context = {
        "edition": edition,
        "articles": edition.articles.select_related("article").order_by("sort_order"),
        "recipients": schedule.recipients(edition).count(),
        "next_slot": schedule.next_slot(edition.newsletter),
        "progress": progress_of(edition),
        "edit_url": reverse("wagtailsnippets_newsletter_edition:edit", args=[edition.pk]),
        "user_email": request.user.email,
    }
    return render(request, "newsletter/admin/edition.html", context)


@xframe_options_sameorigin  # shown in a frame on the edition's page; every other page says DENY
@may_edit
def edition_preview_html(request, pk):
    edition = get_object_or_404(Edition, pk=pk)
    html, _ = _rendered(edition)
    return HttpResponse(_example_links(html), content_type="text/html; charset=utf-8")


@may_edit
def edition_preview_text(request, pk):
    edition = get_object_or_404(Edition, pk=pk)
    _, text = _rendered(edition)
    return HttpResponse(_example_links(text), content_type="text/plain; charset=utf-8")


@may_edit
def edition_progress(request, pk):
    return JsonResponse(progress_of(get_object_or_404(Edition, pk=pk)))


@require_POST
@may_edit
def edition_action(request, pk):
    edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "test":
            if not request.user.email:
                raise schedule.SendingError("Your account has no email address: add one under Account settings first.")
            send_test_task.enqueue(edition.pk, request.user.email)
            flash.success(request, f"A test copy is on its way to {request.user.email}.")
        elif action in ("approve", "send_now"):
            edition = schedule.approve(edition, send_now=action == "send_now")
            flash.success(request, f"Approved: it goes out {'now' if action == 'send_now' else edition.scheduled_at.strftime('on %A %d %B at %H:%M')}.")
        elif action == "unapprove":
            if schedule.unapprove(edition):
                flash.success(request, "Back to draft: it won't go out until approved again.")
            else:
                flash.error(request, "Too late: this edition is no longer waiting for its slot.")
        elif action == "resume":
            batches = schedule.resume(edition.pk, refusals_are_real=request.POST.get("refusals_are_real") == "1")
            flash.success(request, f"Sending resumed ({len(batches)} batches).")
        elif action == "pause":
            if not schedule.pause(edition.pk, f"Paused by {request.user.get_username()} in the admin.", by="an editor"):
                raise schedule.SendingError("Only an edition being sent can be paused.")
            flash.success(request, "Paused: the senders stop within a few seconds. Nobody is suppressed; resume when ready.")
        elif action == "cancel":
            schedule.cancel(edition.pk)
            flash.success(request, "Cancelled: nobody else will get this edition. Who got it is kept below.")
        elif action == "refill":
            if edition.status != Edition.DRAFT:
                raise schedule.SendingError("Only a draft can be refilled.")
            drafts.refill(edition)
            flash.success(request, "The articles are now the newest stories since the last edition.")
        else:
            flash.error(request, "Unknown action.")
    except schedule.SendingError as error:
        flash.error(request, str(error))
    return redirect("newsletter_edition", pk=edition.pk)


class ImportForm(forms.Form):
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.all(), empty_label=None)
    file = forms.FileField(label="CSV file", help_text="One address per row, in a column named \"email\". Other columns are ignored.")
    consent = forms.CharField(
        label="How did these people agree?",
        max_length=500,
        help_text="Stored with each subscription as their consent, e.g. \"Signed up on our old site's form, 2019–2025\".",
    )
    vouch = forms.BooleanField(label="Each of these people asked to receive this newsletter.")


@may_import
def import_page(request):
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_subscribers(
                upload.read(),
                form.cleaned_data["newsletter"],
                consent_text=f"{form.cleaned_data['consent']} (imported from {upload.name[:100]} by {request.user.get_username()})",
            )
            # Counts only in the admin's history: the addresses are in the newsroom's own file.
            log(form.cleaned_data["newsletter"], IMPORT_ACTION, user=request.user, data={
                "taken": len(report.taken), "already": len(report.already), "refused": len(report.refused)})
        except CSVFileError as error:
            form.add_error("file", str(error))
    return render(request, "newsletter/admin/import.html", {"form": form, "report": report})
