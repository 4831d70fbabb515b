"""ANCT: waves of concertation and the national gauge of posts granted against the target."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.structures.models import Post

from .. import conf
from ..forms import WaveForm
from ..models import Wave
from ..waves import WaveNameTaken, create_wave
from ..workflow import TransitionError


def gauge():
    """Posts granted nationally and per département (the structure's), against the national target."""
    target = conf.national_post_target()
    granted_posts = Post.objects.granted()
    granted = granted_posts.count()
    per_departement = (
        granted_posts.values("structure__departement_id", "structure__departement__name")
        .annotate(total=Count("pk"))
        .order_by("-total", "structure__departement_id")
    )
    return {
        "target": target,
        "granted": granted,
        "percent": min(round(100 * granted / target), 100) if target else 0,
        "per_departement": [
            {
                "code": r["structure__departement_id"],
                "name": r["structure__departement__name"],
                "total": r["total"],
            }
            for r in per_departement
        ],
    }


@role_required(Role.ANCT)
def wave_list(request):
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = create_wave(by=request.user, **form.cleaned_data)
        except WaveNameTaken as error:  # the same wave sent twice at the same instant
            form.add_error("name", str(error))
        except TransitionError as error:  # another agent created an overlapping wave meanwhile
            form.add_error("opens_on", str(error))
        else:
            messages.success(request, f"La vague « {wave.name} » est créée.")
            return redirect("concertation:waves")
    waves = list(
        Wave.objects.annotate(
            applications_count=Count("applications", filter=~Q(applications__status="draft"), distinct=True)
        )
    )
    granted = Post.objects.granted_per("granted_by__application__wave_id", (w.pk for w in waves))
    for wave in waves:
        wave.granted = granted.get(wave.pk, 0)
    return render(
        request,
        "concertation/waves.html",
        {"title": "Vagues et objectif national", "form": form, "waves": waves, "gauge": gauge()},
        status=400 if request.method == "POST" else 200,
    )
