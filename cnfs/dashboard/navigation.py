"""Each role's navigation. An entry without a URL is a section still to come: "Mon espace" shows it as "bientôt"
and the header leaves it out."""

from dataclasses import dataclass

from cnfs.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str | None = None
    description: str = ""


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
        ),
        NavItem(
            "Ruptures à valider",
            "funding:termination_list",
            description="Demandes de rupture de contrat des structures : validation ou refus.",
        ),
        NavItem(
            "Échéances",
            "funding:radar",
            description="Radar national des échéances des postes : retards et risques.",
        ),
        NavItem(
            "Rapports trimestriels",
            "funding:late_reports",
            description="Structures en retard sur leur rapport d'utilisation de la subvention.",
        ),
        NavItem(
            "Invitations",
            "accounts:invitations",
            "Inviter les agents des préfectures, de la Banque des Territoires et les partenaires.",
        ),
        NavItem(
            "Résultats Pix",
            "candidates:import_pix",
            description="Importer l'export des résultats Pix des candidats.",
        ),
        NavItem(
            "Courriels en échec",
            "notifications:delivery_issues",
            description="Courriels non envoyés : erreurs, nouveaux essais, renvoi.",
        ),
        NavItem(
            "Financement",
            "funding:national",
            description="Subvention prévue et versée, par département, et trésorerie des 12 prochains mois.",
        ),
        NavItem(
            "Lieux d'activité",
            "activity:scope_places",
            description="Les lieux d'activité des conseillers, visibles ou non sur la carte publique.",
        ),
        NavItem("Statistiques", description="Tableau de bord national et exports."),
    ],
    Role.PREFECTURE: [
        HOME,
        NavItem(
            "Candidatures du territoire",
            "concertation:list",
            description="Avis du préfet sur les candidatures des structures.",
        ),
        NavItem(
            "Postes et conseillers", description="Postes accordés, recrutements et activité du territoire."
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
            "Lieux d'activité",
            "activity:scope_places",
            description="Les lieux d'activité des conseillers du territoire.",
        ),
        NavItem("Statistiques", description="Tableau de bord du territoire et exports."),
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
    ],
    Role.STRUCTURE: [
        HOME,
        NavItem("Ma structure", "structures:home", description="Candidature, coordonnées et décisions."),
        NavItem(
            "Mes postes",
            "structures:posts",
            description="Postes accordés, pourvus et libres, délai de recrutement.",
        ),
        NavItem("Candidatures", "recruitment:candidate_list", "Candidats proches de votre structure."),
        NavItem(
            "Dossiers de subvention",
            "funding:file_list",
            description="Pièces à fournir et transmission à la Banque des Territoires.",
        ),
        NavItem(
            "Contrat et financement",
            "funding:structure",
            description="Contrats de vos conseillers, convention et versements de la subvention.",
        ),
        NavItem(
            "Échéances",
            "funding:radar",
            description="Les échéances de vos postes, du recrutement à la dernière tranche.",
        ),
        NavItem(
            "Rapports trimestriels",
            "funding:quarterly_reports",
            description="Rapport d'utilisation de la subvention, chaque trimestre.",
        ),
        NavItem(
            "Lieux d'activité",
            "activity:scope_places",
            description="Les lieux où vos conseillers reçoivent le public.",
        ),
        NavItem(
            "Mon équipe",
            "structures:team",
            description="Les personnes de votre structure qui utilisent la plateforme.",
        ),
    ],
    Role.TRAINING_PROVIDER: [
        HOME,
        NavItem("Conseillers à former", description="Tests de positionnement et parcours."),
        NavItem("Sessions", description="Sessions de formation et suivi de la certification."),
    ],
    Role.HUB: [
        HOME,
        NavItem(
            "Conseillers du territoire", description="Conseillers et lieux d'activité de vos départements."
        ),
        NavItem(
            "Lieux d'activité",
            "activity:scope_places",
            description="Les lieux d'activité des conseillers de vos départements.",
        ),
        NavItem("Statistiques", description="Activité de vos départements et exports."),
    ],
    Role.COORDINATOR: [
        HOME,
        NavItem("Mon équipe de conseillers", description="Activité et statistiques de l'équipe coordonnée."),
    ],
    Role.ADVISOR: [
        HOME,
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
