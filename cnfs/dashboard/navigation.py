"""Each role's navigation. An entry without a URL is a section still to come: "Mon espace" shows it as "bientôt"
and the header leaves it out. Entries of the same `group` (next to each other) form one sub-menu of the header, so
that a role with many pages keeps its menu on one line; "Mon espace" lists every entry."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.text import slugify

from cnfs.accounts.roles import Role

RECRUITMENT = "Recrutement"
FUNDING = "Financement"
ADMINISTRATION = "Administration"
ADVISORS = "Conseillers"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str | None = None
    description: str = ""
    group: str = ""


@dataclass
class NavGroup:
    label: str
    items: list = field(default_factory=list)

    @property
    def menu_id(self) -> str:
        return f"menu-{slugify(self.label)}"


HOME = NavItem("Mon espace", "dashboard:home")

NAVIGATION: dict[Role, list[NavItem]] = {
    Role.ANCT: [
        HOME,
        NavItem(
            "Candidatures des structures",
            "concertation:list",
            description="Décisions du comité de sélection, vagues et objectif national.",
        ),
        NavItem(
            "Recrutements en cours",
            "funding:hire_requests",
            description="Recrutements en cours et leur dossier de subvention ; arrêter un recrutement.",
            group=RECRUITMENT,
        ),
        NavItem(
            "Ruptures à valider",
            "funding:termination_list",
            description="Demandes de rupture de contrat des structures : validation ou refus.",
            group=RECRUITMENT,
        ),
        NavItem(
            "Échéances",
            "funding:radar",
            description="Radar national des échéances des postes : retards et risques.",
            group=RECRUITMENT,
        ),
        NavItem(
            "Résultats Pix",
            "candidates:import_pix",
            description="Importer l'export des résultats Pix des candidats.",
            group=RECRUITMENT,
        ),
        NavItem(
            "Financement national",
            "funding:national",
            description="Subvention prévue et versée, par département, et trésorerie des 12 prochains mois.",
            group=FUNDING,
        ),
        NavItem(
            "Rapports trimestriels",
            "funding:late_reports",
            description="Structures en retard sur leur rapport d'utilisation de la subvention.",
            group=FUNDING,
        ),
        NavItem(
            "Formation",
            "training:national",
            description="Conseillers par organisme et par parcours, sessions sous le seuil de 8, démarrages tardifs.",
            group=ADVISORS,
        ),
        NavItem(
            "Lieux d'activité",
            "activity:scope_places",
            description="Les lieux d'activité des conseillers, visibles ou non sur la carte publique.",
            group=ADVISORS,
        ),
        NavItem(
            "Activité des conseillers",
            "activity:scope_stats",
            description="Accompagnements, thématiques, publics et lieux : les comptes rendus de tous les conseillers.",
            group=ADVISORS,
        ),
        NavItem(
            "Coordinateurs et équipes",
            "teams:list",
            description="Nommer les coordinateurs et inviter les conseillers dans leur équipe.",
            group=ADVISORS,
        ),
        NavItem("Statistiques", description="Tableau de bord national et exports."),
        NavItem(
            "Invitations",
            "accounts:invitations",
            "Inviter les agents des préfectures, de la Banque des Territoires et les partenaires.",
            group=ADMINISTRATION,
        ),
        NavItem(
            "Jetons d'API",
            "api:tokens",
            description="Ouvrir aux partenaires les données restreintes de l'API publique ; révoquer un jeton.",
            group=ADMINISTRATION,
        ),
        NavItem(
            "Courriels en échec",
            "notifications:delivery_issues",
            description="Courriels non envoyés : erreurs, nouveaux essais, renvoi.",
            group=ADMINISTRATION,
        ),
        NavItem(
            "Mes exports",
            "exports:list",
            description="Listes nationales (postes, structures, candidats) créées en arrière-plan, à télécharger.",
            group=ADMINISTRATION,
        ),
    ],
    Role.PREFECTURE: [
        HOME,
        NavItem(
            "Candidatures du territoire",
            "concertation:list",
            description="Avis du préfet sur les candidatures des structures.",
        ),
        NavItem(
            "Conseillers du territoire",
            "activity:scope_advisors",
            description="Conseillers en poste, leurs lieux d'activité et leurs comptes rendus récents, par département.",
            group=ADVISORS,
        ),
        NavItem(
            "Financement du territoire",
            "funding:territory",
            description="Subvention prévue et versée aux structures du territoire.",
        ),
        NavItem(
            "Échéances du territoire",
            "funding:radar",
            description="Échéances des postes du territoire : retards et risques.",
        ),
        NavItem(
            "Prise de poste",
            "training:onboarding_rates",
            description="Prise de poste des conseillers terminée, par département.",
            group=ADVISORS,
        ),
        NavItem(
            "Lieux d'activité",
            "activity:scope_places",
            description="Les lieux d'activité des conseillers du territoire.",
            group=ADVISORS,
        ),
        NavItem(
            "Activité des conseillers",
            "activity:scope_stats",
            description="Accompagnements, thématiques, publics et lieux des conseillers du territoire.",
            group=ADVISORS,
        ),
        NavItem("Statistiques", description="Tableau de bord du territoire et exports."),
        NavItem(
            "Mes exports",
            "exports:list",
            description="Postes et structures du territoire, en CSV ou XLSX, créés en arrière-plan.",
        ),
    ],
    Role.BDT: [
        HOME,
        NavItem(
            "Dossiers à instruire",
            "funding:queue",
            description="Examen de conformité des dossiers transmis (15 jours).",
        ),
        NavItem(
            "Conventions",
            "funding:agreements",
            description="Conventions de subventionnement à préparer, à signer et à renouveler.",
        ),
        NavItem(
            "Versements",
            "funding:payments_due",
            description="Tranches de 20, 30 et 50 % échues à verser, retards signalés.",
        ),
        NavItem(
            "Financement",
            "funding:national",
            description="Subvention prévue et versée, par département, et trésorerie des 12 prochains mois.",
        ),
        NavItem(
            "Échéances",
            "funding:radar",
            description="Dossiers transmis et tranches dues : retards et risques.",
        ),
        NavItem(
            "Rapports trimestriels",
            "funding:late_reports",
            description="Structures en retard sur leur rapport d'utilisation de la subvention.",
        ),
        NavItem(
            "Mes exports",
            "exports:list",
            description="Listes nationales des postes et des structures, créées en arrière-plan.",
        ),
    ],
    Role.STRUCTURE: [
        HOME,
        NavItem("Ma structure", "structures:home", description="Candidature, coordonnées et décisions."),
        NavItem(
            "Mes postes",
            "structures:posts",
            description="Postes accordés, pourvus et libres, délai de recrutement.",
            group=RECRUITMENT,
        ),
        NavItem(
            "Candidatures",
            "recruitment:candidate_list",
            "Candidats proches de votre structure.",
            group=RECRUITMENT,
        ),
        NavItem(
            "Échéances",
            "funding:radar",
            description="Les échéances de vos postes, du recrutement à la dernière tranche.",
            group=RECRUITMENT,
        ),
        NavItem(
            "Dossiers de subvention",
            "funding:file_list",
            description="Pièces à fournir et transmission à la Banque des Territoires.",
            group=FUNDING,
        ),
        NavItem(
            "Contrat et financement",
            "funding:structure",
            description="Contrats de vos conseillers, convention et versements de la subvention.",
            group=FUNDING,
        ),
        NavItem(
            "Rapports trimestriels",
            "funding:quarterly_reports",
            description="Rapport d'utilisation de la subvention, chaque trimestre.",
            group=FUNDING,
        ),
        NavItem(
            "Formation et prise de poste",
            "training:structure_plan",
            description="Plan de formation de vos conseillers et liste de prise de poste.",
            group=ADVISORS,
        ),
        NavItem(
            "Lieux d'activité",
            "activity:scope_places",
            description="Les lieux où vos conseillers reçoivent le public.",
            group=ADVISORS,
        ),
        NavItem(
            "Activité des conseillers",
            "activity:scope_stats",
            description="Les accompagnements de vos conseillers, d'après leurs comptes rendus.",
            group=ADVISORS,
        ),
        NavItem(
            "Coordinateurs et équipes",
            "teams:list",
            description="Nommer un coordinateur parmi vos conseillers et inviter les conseillers dans son équipe.",
            group=ADVISORS,
        ),
        NavItem(
            "Mon équipe",
            "structures:team",
            description="Les personnes de votre structure qui utilisent la plateforme.",
        ),
    ],
    Role.TRAINING_PROVIDER: [
        HOME,
        NavItem(
            "Conseillers à former",
            "training:provider_advisors",
            description="Tests de positionnement, parcours, assiduité et certification, par étape.",
        ),
        NavItem(
            "Sessions",
            "training:sessions",
            description="Sessions de formation, remplissage face au seuil de 8, confirmation.",
        ),
    ],
    Role.HUB: [
        HOME,
        NavItem(
            "Conseillers du territoire",
            "activity:scope_advisors",
            description="Conseillers et lieux d'activité de vos départements, et leur export.",
        ),
        NavItem(
            "Lieux d'activité",
            "activity:scope_places",
            description="Les lieux d'activité des conseillers de vos départements.",
        ),
        NavItem(
            "Activité des conseillers",
            "activity:scope_stats",
            description="Accompagnements des conseillers de vos départements, et leur export.",
        ),
    ],
    Role.COORDINATOR: [
        HOME,
        NavItem(
            "Mon équipe de conseillers",
            "teams:mine",
            description="Les conseillers de l'équipe coordonnée et leur activité récente.",
        ),
        NavItem(
            "Activité de l'équipe",
            "activity:scope_stats",
            description="Statistiques des comptes rendus de l'équipe, et leur export.",
        ),
    ],
    Role.ADVISOR: [
        HOME,
        NavItem(
            "Ma formation",
            "training:advisor",
            description="Votre formation, votre prise de poste et la communauté des conseillers.",
        ),
        NavItem(
            "Mes comptes rendus d'activité",
            "activity:report_list",
            description="Saisir et consulter vos accompagnements.",
        ),
        NavItem(
            "Mes lieux d'activité",
            "activity:my_places",
            description="Vos permanences visibles sur la carte publique.",
        ),
        NavItem("Mes statistiques", "activity:my_stats", description="Votre activité en chiffres."),
        NavItem(
            "Mon équipe de coordination",
            "teams:advisor",
            description="Les invitations d'un coordinateur à rejoindre son équipe, et l'équipe dont vous faites partie.",
        ),
    ],
    Role.CANDIDATE: [
        HOME,
        NavItem(
            "Mon profil de candidat",
            "candidates:space",
            description="Disponibilité, mobilité, CV et résultats Pix.",
        ),
        NavItem(
            "Structures intéressées",
            "candidates:structures",
            description="Les structures qui ont retenu votre candidature.",
        ),
    ],
}


def navigation_for(role: Role | None) -> list[NavItem]:
    return NAVIGATION.get(role, []) if role else []


def header_menu(role: Role | None, path: str) -> list:
    """The header's entries for this role: NavItems with a page, those of a group gathered in a NavGroup where the
    first of them stands. Each entry gets `url` and `current` (this page, or one of the group's)."""
    entries, groups = [], {}
    for item in navigation_for(role):
        if not item.url_name:
            continue
        url = reverse(item.url_name)
        entry = {"item": item, "url": url, "current": url == path}
        if not item.group:
            entries.append(entry)
            continue
        group = groups.get(item.group)
        if group is None:
            group = groups[item.group] = {"group": NavGroup(item.group), "current": False}
            entries.append(group)
        group["group"].items.append(entry)
        group["current"] = group["current"] or entry["current"]
    return entries
