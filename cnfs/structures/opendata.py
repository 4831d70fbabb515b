"""The public fields of structures and posts, declared once: the public API (/api/v1/structures, /api/v1/postes)
and the open-data CSV files read these columns and these querysets. Nothing here names a person: a structure is a
legal entity (its SIRET is public in SIRENE); its contact, users and advisors are never part of it."""

from django.db.models import Count, Q
from django.utils import timezone

from cnfs.core.opendata import Column

from .models import Post, PostStatus, Structure, StructureType

STRUCTURE_TYPES = dict(StructureType.choices)
POST_STATUSES = dict(PostStatus.choices)


def public_structures():
    """The activated structures, with their posts granted (not retired) and filled."""
    return (
        Structure.objects.filter(activated_at__isnull=False)
        .select_related("commune", "departement")
        .annotate(
            granted=Count("posts", filter=~Q(posts__status=PostStatus.RETIRED)),
            occupied=Count("posts", filter=Q(posts__status=PostStatus.OCCUPIED)),
        )
    )


def public_posts():
    return Post.objects.select_related("structure")


STRUCTURE_COLUMNS = [
    Column("id", "integer", "Identifiant de la structure sur la plateforme.", "1204", lambda s: s.pk),
    Column(
        "nom",
        "string",
        "Nom d'usage, à défaut raison sociale.",
        "Mairie de Vichy",
        lambda s: s.usual_name or s.name,
        free_text=True,
    ),
    Column("siret", "string", "SIRET de la structure (14 chiffres).", "21030310200019", lambda s: s.siret),
    Column(
        "type",
        "string",
        f"Type de structure, un de : {', '.join(StructureType.values)}.",
        StructureType.values[0],
        lambda s: s.type,
    ),
    Column(
        "type_libelle",
        "string",
        "Type de structure en clair.",
        StructureType.labels[0],
        lambda s: STRUCTURE_TYPES.get(s.type, s.type),
    ),
    Column(
        "commune_insee",
        "string",
        "Code INSEE de la commune de la structure.",
        "03310",
        lambda s: s.commune_id,
        nullable=True,
    ),
    Column(
        "commune",
        "string",
        "Nom de la commune de la structure.",
        "Vichy",
        lambda s: s.commune.name if s.commune else None,
        nullable=True,
    ),
    Column("departement", "string", "Code du département.", "03", lambda s: s.departement_id),
    Column("region", "string", "Code de la région.", "84", lambda s: s.departement.region_id),
    Column("postes_attribues", "integer", "Postes attribués et non retirés.", "2", lambda s: s.granted),
    Column("postes_pourvus", "integer", "Postes pourvus par un conseiller.", "1", lambda s: s.occupied),
    Column(
        "activee_le",
        "date",
        "Date d'activation de la structure dans le dispositif.",
        "2026-02-14",
        lambda s: timezone.localdate(s.activated_at) if s.activated_at else None,
        nullable=True,
    ),
    Column(
        "modifiee_le",
        "datetime",
        "Dernière modification de la fiche.",
        "2026-03-02T10:15:00+01:00",
        lambda s: s.updated_at,
    ),
]

POST_COLUMNS = [
    Column("id", "integer", "Identifiant du poste sur la plateforme.", "5310", lambda p: p.pk),
    Column(
        "structure",
        "integer",
        "Identifiant de la structure (colonne « id » du fichier des structures).",
        "1204",
        lambda p: p.structure_id,
    ),
    Column(
        "departement",
        "string",
        "Code du département de la structure.",
        "03",
        lambda p: p.structure.departement_id,
    ),
    Column(
        "date_comite",
        "date",
        "Date du comité de sélection qui a attribué le poste.",
        "2026-01-20",
        lambda p: p.committee_date,
    ),
    Column(
        "date_limite_recrutement",
        "date",
        "Date limite de recrutement du poste.",
        "2026-07-20",
        lambda p: p.deadline,
    ),
    Column(
        "statut",
        "string",
        f"Statut du poste, un de : {', '.join(PostStatus.values)}.",
        PostStatus.values[0],
        lambda p: p.status,
    ),
    Column(
        "statut_libelle",
        "string",
        "Statut du poste en clair.",
        PostStatus.labels[0],
        lambda p: POST_STATUSES.get(p.status, p.status),
    ),
    Column(
        "modifie_le",
        "datetime",
        "Dernière modification du poste.",
        "2026-03-02T10:15:00+01:00",
        lambda p: p.updated_at,
    ),
]
