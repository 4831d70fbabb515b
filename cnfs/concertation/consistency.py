"""Posts granted to an application = the sum of its committee decisions (grants, additions, returns)."""

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from cnfs.core.consistency import register
from cnfs.structures.models import Post, PostStatus

from .models import ApplicationStatus, StructureApplication


@register(
    "concertation.posts_granted", "postes non retirés d'une candidature activée = somme de ses décisions"
)
def posts_follow_decisions():
    decided = (
        StructureApplication.objects.filter(pk=OuterRef("pk"))
        .annotate(total=Coalesce(Sum("decisions__posts"), 0))
        .values("total")
    )
    posts = (
        Post.objects.filter(granted_by__application=OuterRef("pk"))
        .exclude(status=PostStatus.RETIRED)
        .order_by()
        .values("granted_by__application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        StructureApplication.objects.filter(status=ApplicationStatus.ACTIVATED)
        .annotate(
            decided=Subquery(decided, output_field=IntegerField()),
            posts=Coalesce(Subquery(posts, output_field=IntegerField()), 0),
        )
        .filter(~Q(decided=F("posts")))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
