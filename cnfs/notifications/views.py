from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.journal.services import record

from . import tasks
from .models import OutgoingEmail


def debug_only(view):
    def wrapper(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return login_not_required(wrapper)


@debug_only
def outbox(request):
    """Development only: the last emails sent, so that a demo user can follow an activation link."""
    emails = OutgoingEmail.objects.only("id", "to", "subject", "created_at", "status")[:50]
    return render(request, "notifications/outbox.html", {"emails": emails, "title": "Courriels envoyés"})


@debug_only
def outbox_detail(request, pk):
    email = get_object_or_404(OutgoingEmail, pk=pk)
    return render(request, "notifications/outbox_detail.html", {"email": email, "title": email.subject})


@role_required(Role.ANCT)
def delivery_issues(request):
    """ANCT: the emails that failed for good, wait for a retry after an error, or were interrupted while sending."""
    emails = OutgoingEmail.objects.needing_attention().only(
        "id", "to", "subject", "created_at", "status", "attempts", "last_error", "next_attempt_at"
    )[:100]
    return render(
        request,
        "notifications/delivery_issues.html",
        {"emails": emails, "max_attempts": tasks.max_attempts()},
    )


@require_POST
@role_required(Role.ANCT)
def resend(request, pk):
    email = get_object_or_404(OutgoingEmail.objects.needing_attention(), pk=pk)
    with transaction.atomic():
        before = {"status": email.status, "attempts": email.attempts}
        if tasks.retry(email):
            record("email.resent", email, by=request.user, before=before, after={"status": "pending"})
            messages.success(request, f"Le courriel « {email.subject} » est de nouveau en file d'envoi.")
        else:
            messages.info(request, "Ce courriel est déjà en cours d'envoi.")
    return redirect("notifications:delivery_issues")
