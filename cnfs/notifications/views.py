from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

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
