from django.db import models


class Role(models.TextChoices):
    ANCT = "anct", "ANCT"
    PREFECTURE = "prefecture", "Préfecture"
    BDT = "bdt", "Banque des Territoires"
    STRUCTURE = "structure", "Structure accueillante"
    TRAINING_PROVIDER = "training_provider", "Organisme de formation"
    HUB = "hub", "Hub territorial"
    COORDINATOR = "coordinator", "Coordinateur"
    ADVISOR = "advisor", "Conseiller numérique"
    CANDIDATE = "candidate", "Candidat"


# Which scope field each role needs ("" = national or personal, no scope).
ROLE_SCOPE = {
    Role.ANCT: "",
    Role.BDT: "",
    Role.CANDIDATE: "",
    Role.PREFECTURE: "territory",  # one département or one région
    Role.STRUCTURE: "structure",
    Role.HUB: "hub",
    Role.TRAINING_PROVIDER: "training_provider",
    Role.ADVISOR: "",  # the structure is set once hired
    Role.COORDINATOR: "",
}

AGENT_ROLES = frozenset({Role.ANCT, Role.PREFECTURE, Role.BDT})
# Roles that must pass a second factor at every login (enrolment forced at the first); every other role may enrol.
# Fixed here rather than in a setting, so that no environment can turn it off.
SECOND_FACTOR_ROLES = AGENT_ROLES | {Role.TRAINING_PROVIDER}
