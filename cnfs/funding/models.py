"""Funding records (SPEC §7–§8): one grant file per hire request, the conformity decisions of the Banque des
Territoires, the advisor's contract, the grant agreement and its posts, the tranches and their payments, quarterly
subsidy-use reports and terminations.

Every fact several screens read is a column written once by `services.py`: a file's review deadline, a post's State
funding on its agreement, a tranche's amount and due date. Uniqueness that races could break is a database
constraint (one live file per hire request, one decision per transmission, one payment per tranche, one live
agreement per structure, one open termination per contract)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cnfs.core.models import TransitionLog


class StructureScopedQuerySet(models.QuerySet):
    """Funding rows seen by role: the rows of the structures the role sees (`Structure.objects.visible_to`: ANCT and
    the Banque des Territoires all, a préfecture its territory's, a structure its own, nobody else any)."""

    def visible_to(self, role_context):
        from cnfs.accounts.roles import Role
        from cnfs.structures.models import Structure

        if role_context.role in (Role.ANCT, Role.BDT):
            return self  # every row: no subquery on the national pages
        return self.filter(structure__in=Structure.objects.visible_to(role_context))


# --- grant file ------------------------------------------------------------------------------------------------------


class FileStatus(models.TextChoices):
    DRAFT = "draft", "À compléter"
    TRANSMITTED = "transmitted", "Transmis à la Banque des Territoires"
    NOT_CONFORM = "not_conform", "Non conforme : à reprendre"
    CONFORM = "conform", "Conforme"
    CANCELLED = "cancelled", "Annulé"


# The structure may edit and (re)transmit its file in these statuses.
EDITABLE_FILE_STATUSES = (FileStatus.DRAFT, FileStatus.NOT_CONFORM)
LIVE_FILE_STATUSES = (FileStatus.DRAFT, FileStatus.TRANSMITTED, FileStatus.NOT_CONFORM, FileStatus.CONFORM)


class OutfitSize(models.TextChoices):
    XS = "XS", "XS"
    S = "S", "S"
    M = "M", "M"
    L = "L", "L"
    XL = "XL", "XL"
    XXL = "XXL", "XXL"
    XXXL = "XXXL", "3XL"


class GrantFileQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=FileStatus.CANCELLED)

    def visible_to(self, role_context):
        """ANCT and BDT see every file; a structure its own; nobody else any."""
        from cnfs.accounts.roles import Role

        role = role_context.role
        if role in (Role.ANCT, Role.BDT):
            return self
        if role == Role.STRUCTURE:
            return self.filter(structure_id=role_context.current.structure_id)
        return self.none()


class GrantFile(models.Model):
    """The "dossier de subvention" opened by "Valider cette candidature" (one per hire request): the pieces the
    Banque des Territoires needs to check that the hire conforms to the programme."""

    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="grant_files", verbose_name="structure"
    )
    match = models.ForeignKey(
        "recruitment.Match",
        on_delete=models.PROTECT,
        related_name="grant_files",
        verbose_name="mise en relation",
    )
    post = models.ForeignKey(
        "structures.Post", on_delete=models.PROTECT, related_name="grant_files", verbose_name="poste"
    )
    job_posting = models.ForeignKey(
        "structures.JobPosting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_files",
        verbose_name="offre d'emploi",
    )
    status = models.CharField(
        "statut", max_length=20, choices=FileStatus.choices, default=FileStatus.DRAFT, db_index=True
    )
    president_first_name = models.CharField(
        "prénom du président ou de la présidente", max_length=150, blank=True
    )
    president_last_name = models.CharField("nom du président ou de la présidente", max_length=150, blank=True)
    president_birth_date = models.DateField(
        "date de naissance du président ou de la présidente", null=True, blank=True
    )
    dgs_first_name = models.CharField("prénom du directeur général des services", max_length=150, blank=True)
    dgs_last_name = models.CharField("nom du directeur général des services", max_length=150, blank=True)
    dgs_birth_date = models.DateField(
        "date de naissance du directeur général des services", null=True, blank=True
    )
    outfit_size = models.CharField(
        "taille de tenue du conseiller", max_length=4, choices=OutfitSize.choices, blank=True
    )
    # How many times the file was transmitted: a conformity decision is about one transmission.
    submission = models.PositiveSmallIntegerField("transmission n°", default=0)
    transmitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    # transmitted day + CNFS_CONFORMITY_REVIEW_DAYS, written at each transmission
    review_deadline = models.DateField("date limite d'instruction", null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = GrantFileQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de subvention"
        verbose_name_plural = "dossiers de subvention"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["match"],
                condition=~Q(status=FileStatus.CANCELLED),
                name="grant_file_one_live_per_match",
            ),
            models.CheckConstraint(
                condition=~Q(status=FileStatus.TRANSMITTED)
                | Q(transmitted_at__isnull=False, review_deadline__isnull=False, submission__gte=1),
                name="grant_file_transmitted_has_deadline",
            ),
        ]

    def __str__(self):
        return f"Dossier de subvention n° {self.pk} — {self.structure}"


class DocumentKind(models.TextChoices):
    SIRENE = "sirene", "Avis de situation au répertoire SIRENE"
    DELIBERATION = "deliberation", "Délibération autorisant le recrutement"


class GrantFileDocument(models.Model):
    """An uploaded piece (PDF, JPEG or PNG, type checked from the content), stored under PRIVATE_ROOT under a random
    name; a new upload of the same kind replaces the previous one."""

    grant_file = models.ForeignKey(GrantFile, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("pièce", max_length=20, choices=DocumentKind.choices)
    stored_name = models.CharField(max_length=64, unique=True)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pièce du dossier de subvention"
        verbose_name_plural = "pièces du dossier de subvention"
        constraints = [
            models.UniqueConstraint(fields=["grant_file", "kind"], name="grant_file_document_one_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — dossier n° {self.grant_file_id}"


class NonConformityReason(models.TextChoices):
    SIRENE = "sirene", "Avis SIRENE absent, illisible ou de plus de 3 mois"
    DELIBERATION = "deliberation", "Délibération non signée ou ne correspondant pas au recrutement"
    IDENTITY = "identity", "Identité du président ou du DGS incomplète ou incohérente"
    JOB_POSTING = "job_posting", "Offre d'emploi absente ou publiée moins de 30 jours avant le recrutement"
    ELIGIBILITY = "eligibility", "Structure ou recrutement hors du cadre du dispositif"
    OTHER = "other", "Autre motif (précisé dans le commentaire)"


class ConformityDecision(models.Model):
    """The Banque des Territoires' decision on one transmission of a file. One per transmission: two agents deciding
    the same file at the same moment make one decision (the second insert fails)."""

    grant_file = models.ForeignKey(GrantFile, on_delete=models.PROTECT, related_name="decisions")
    submission = models.PositiveSmallIntegerField("transmission n°")
    conform = models.BooleanField("conforme")
    reasons = models.JSONField("motifs de non-conformité", default=list, blank=True)
    comment = models.TextField("commentaire", max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "décision de conformité"
        verbose_name_plural = "décisions de conformité"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant_file", "submission"], name="conformity_one_per_submission"
            ),
        ]

    def __str__(self):
        return f"Dossier n° {self.grant_file_id}, transmission {self.submission} : {'conforme' if self.conform else 'non conforme'}"


class GrantFileTransition(TransitionLog):
    subject_field = "grant_file"

    grant_file = models.ForeignKey(GrantFile, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=FileStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=FileStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut d'un dossier de subvention"


# --- contract --------------------------------------------------------------------------------------------------------


class ContractType(models.TextChoices):
    PROJECT = "project", "Contrat de projet"
    CDD = "cdd", "Contrat à durée déterminée (CDD)"
    CDI = "cdi", "Contrat à durée indéterminée (CDI)"
    PEC = "pec", "Parcours emploi compétences (PEC)"


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "En cours"
    ENDED = "ended", "Terminé"


class ContractQuerySet(StructureScopedQuerySet):
    pass


class Contract(models.Model):
    """The advisor's employment contract on one post (an occupancy of the post: who, which contract, from when to
    when). The tranche schedule hangs on it."""

    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="contracts", verbose_name="structure"
    )
    post = models.ForeignKey(
        "structures.Post", on_delete=models.PROTECT, related_name="contracts", verbose_name="poste"
    )
    match = models.ForeignKey(
        "recruitment.Match",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name="mise en relation",
    )
    type = models.CharField(
        "type de contrat", max_length=10, choices=ContractType.choices, default=ContractType.PROJECT
    )
    start_date = models.DateField("date de début")
    end_date = models.DateField("date de fin", null=True, blank=True)
    weekly_hours = models.DecimalField(
        "durée hebdomadaire (heures)", max_digits=4, decimal_places=2, default=Decimal("35")
    )
    gross_monthly_salary = models.DecimalField("salaire mensuel brut (€)", max_digits=9, decimal_places=2)
    missions = models.JSONField("missions", default=list)
    signed_on = models.DateField("date de signature")
    status = models.CharField(
        "statut", max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE, db_index=True
    )
    ended_on = models.DateField("fin effective", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat"
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["match"],
                condition=Q(status=ContractStatus.ACTIVE),
                name="contract_one_active_per_match",
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status=ContractStatus.ACTIVE),
                name="contract_one_active_per_post",
            ),
            models.CheckConstraint(
                condition=Q(type=ContractType.CDI, end_date__isnull=True)
                | (~Q(type=ContractType.CDI) & Q(end_date__isnull=False)),
                name="contract_end_date_unless_cdi",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(gross_monthly_salary__gt=0), name="contract_salary_positive"),
            models.CheckConstraint(
                condition=~Q(status=ContractStatus.ENDED) | Q(ended_on__isnull=False),
                name="contract_ended_has_date",
            ),
        ]

    def __str__(self):
        return f"Contrat n° {self.pk} — {self.get_type_display()}"


class ContractExtension(models.Model):
    """A contract's end date moved later (avenant de prolongation): the history of each post keeps it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions")
    previous_end_date = models.DateField("date de fin précédente")
    end_date = models.DateField("nouvelle date de fin")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "prolongation de contrat"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("previous_end_date")), name="contract_extension_moves_forward"
            ),
        ]

    def __str__(self):
        return f"Contrat n° {self.contract_id} : {self.previous_end_date} → {self.end_date}"


# --- grant agreement -------------------------------------------------------------------------------------------------


class AgreementStatus(models.TextChoices):
    TO_SIGN = "to_sign", "À signer"
    SIGNED = "signed", "Signée"
    RENEWED = "renewed", "Remplacée par un reconventionnement"


LIVE_AGREEMENT_STATUSES = (AgreementStatus.TO_SIGN, AgreementStatus.SIGNED)


class GrantAgreementQuerySet(StructureScopedQuerySet):
    pass


class GrantAgreement(models.Model):
    """The "convention de subventionnement" between the State (Banque des Territoires) and a structure, listing its
    posts. At most 36 months. A renewal ("reconventionnement") is a new agreement pointing at the one it replaces."""

    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="agreements", verbose_name="structure"
    )
    number = models.CharField("numéro", max_length=30, unique=True)
    starts_on = models.DateField("date de début")
    months = models.PositiveSmallIntegerField("durée (mois)")
    co_financing = models.DecimalField(
        "cofinancement de la structure (€)", max_digits=12, decimal_places=2, default=Decimal("0")
    )
    status = models.CharField(
        "statut",
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.TO_SIGN,
        db_index=True,
    )
    signed_on = models.DateField("date de signature", null=True, blank=True)
    renewal_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name="renouvelle",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = GrantAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "convention de subventionnement"
        verbose_name_plural = "conventions de subventionnement"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=36), name="agreement_at_most_36_months"
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.SIGNED) | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
            models.CheckConstraint(condition=Q(co_financing__gte=0), name="agreement_co_financing_positive"),
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(status__in=LIVE_AGREEMENT_STATUSES),
                name="agreement_one_live_per_structure",
            ),
        ]

    def __str__(self):
        return f"Convention {self.number}"


class AgreementPost(models.Model):
    """One post on one agreement, with the State funding it carries over 24 months (from the dated setting for the
    structure's kind and territory, written once when the line is created)."""

    agreement = models.ForeignKey(GrantAgreement, on_delete=models.CASCADE, related_name="lines")
    post = models.ForeignKey("structures.Post", on_delete=models.PROTECT, related_name="agreement_lines")
    state_funding = models.DecimalField(
        "financement de l'État sur 24 mois (€)", max_digits=10, decimal_places=2
    )

    class Meta:
        verbose_name = "poste d'une convention"
        verbose_name_plural = "postes d'une convention"
        ordering = ["post_id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "post"], name="agreement_post_unique"),
            models.CheckConstraint(condition=Q(state_funding__gt=0), name="agreement_post_funding_positive"),
        ]

    def __str__(self):
        return f"{self.agreement} — poste n° {self.post_id}"


# --- tranches and payments -------------------------------------------------------------------------------------------


class TrancheStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Prévue"
    PAID = "paid", "Versée"
    CANCELLED = "cancelled", "Annulée"


class TrancheQuerySet(StructureScopedQuerySet):
    def forecast(self):
        return self.exclude(status=TrancheStatus.CANCELLED)


class Tranche(models.Model):
    """One payment due on one contract: 1 (20 % at +1 month), 2 (30 % at +6 months), 3 (50 % at +12 months), or 4,
    the balance a termination leaves due (pro rata of the months served, see README)."""

    BALANCE = 4

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="tranches")
    post = models.ForeignKey("structures.Post", on_delete=models.PROTECT, related_name="tranches")
    structure = models.ForeignKey("structures.Structure", on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField("tranche n°")
    amount = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)
    due_on = models.DateField("échéance", db_index=True)
    status = models.CharField(
        "statut", max_length=10, choices=TrancheStatus.choices, default=TrancheStatus.SCHEDULED, db_index=True
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = TrancheQuerySet.as_manager()

    class Meta:
        verbose_name = "tranche de subvention"
        verbose_name_plural = "tranches de subvention"
        ordering = ["due_on", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"], name="tranche_one_per_contract_and_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="tranche_number_1_to_4"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tranche_amount_positive"),
        ]
        indexes = [models.Index(fields=["structure", "status"], name="tranche_structure_status")]

    def __str__(self):
        return f"Tranche {self.number} — contrat n° {self.contract_id}"

    @property
    def late(self) -> bool:
        """Due and still not paid (the day after its due date)."""
        return self.status == TrancheStatus.SCHEDULED and self.due_on < timezone.localdate()


class Payment(models.Model):
    """A tranche paid, recorded once by the Banque des Territoires (one payment per tranche: a database rule)."""

    tranche = models.OneToOneField(Tranche, on_delete=models.PROTECT, related_name="payment")
    post = models.ForeignKey("structures.Post", on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField("date du versement")
    amount = models.DecimalField("montant versé (€)", max_digits=10, decimal_places=2)
    reference = models.CharField("référence du versement", max_length=50)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "versement"
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"Versement {self.reference}"


# --- quarterly subsidy-use report ------------------------------------------------------------------------------------


class QuarterlyReport(models.Model):
    """The structure's short report on the use of the subsidy, once per calendar quarter."""

    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="quarterly_reports"
    )
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField("trimestre")
    amount_spent = models.DecimalField("dépenses du trimestre (€)", max_digits=10, decimal_places=2)
    advisors_in_post = models.PositiveSmallIntegerField("conseillers en poste à la fin du trimestre")
    summary = models.TextField("bilan du trimestre", max_length=2000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "rapport trimestriel d'utilisation de la subvention"
        verbose_name_plural = "rapports trimestriels d'utilisation de la subvention"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "year", "quarter"], name="quarterly_report_once"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarterly_report_quarter"
            ),
            models.CheckConstraint(condition=Q(amount_spent__gte=0), name="quarterly_report_amount_positive"),
        ]

    def __str__(self):
        return f"Rapport T{self.quarter} {self.year} — structure n° {self.structure_id}"


# --- termination -----------------------------------------------------------------------------------------------------


class TerminationMotive(models.TextChoices):
    DISMISSAL = "dismissal", "Licenciement"
    NON_RENEWAL = "non_renewal", "Non-renouvellement du contrat à durée déterminée"
    RESIGNATION = "resignation", "Démission"
    PERMANENT = "permanent", "Passage en contrat à durée indéterminée"
    END_OF_FUNDING = "end_of_funding", "Fin du financement"


class TerminationStatus(models.TextChoices):
    REQUESTED = "requested", "Demandée"
    VALIDATED = "validated", "Validée"
    REFUSED = "refused", "Refusée"


class Termination(models.Model):
    """A contract's end ("rupture"), requested by the structure, validated by ANCT. Validation cancels the tranches
    not yet due and records the amount due pro rata of the months served (see README)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="terminations")
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="terminations"
    )
    motive = models.CharField("motif", max_length=20, choices=TerminationMotive.choices)
    date = models.DateField("date de fin du contrat")
    comment = models.TextField("commentaire", max_length=2000, blank=True)
    status = models.CharField(
        "statut",
        max_length=10,
        choices=TerminationStatus.choices,
        default=TerminationStatus.REQUESTED,
        db_index=True,
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", max_length=2000, blank=True)
    months_served = models.PositiveSmallIntegerField("mois effectués", null=True, blank=True)
    amount_due = models.DecimalField("montant dû (€)", max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "rupture de contrat"
        verbose_name_plural = "ruptures de contrat"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=(TerminationStatus.REQUESTED, TerminationStatus.VALIDATED)),
                name="termination_one_open_per_contract",
            ),
            models.CheckConstraint(
                condition=Q(status=TerminationStatus.REQUESTED)
                | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="termination_decided_has_author",
            ),
        ]

    def __str__(self):
        return f"Rupture n° {self.pk} — contrat n° {self.contract_id}"


class AgreementCounter(models.Model):
    """The last agreement number given in a year: locked while the next one is taken (the pattern of the committee
    decisions' DecisionCounter), so numbers have no gap and no duplicate whatever the number of agents at once."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur des conventions"

    def __str__(self):
        return f"{self.year} : {self.last}"

    @classmethod
    def next_number(cls, year: int) -> str:
        """`CNFS-YYYY-NNNNNN`, the next number of `year`; the caller's transaction holds the counter row until it
        ends."""
        cls.objects.bulk_create([cls(year=year)], ignore_conflicts=True)
        counter = cls.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"CNFS-{year}-{counter.last:06d}"


# --- totals kept with the tranches (what the national and territorial pages read) ---------------------------------


class TrancheTotal(models.Model):
    """Tranches of one département's structures with one number and one status: how many, for how much. Rewritten
    for the département in the transaction that writes any of its tranches (cnfs.funding.totals.refresh), so the
    national page reads about 1,200 rows instead of every tranche; `check_consistency` compares them with the
    tranches."""

    departement = models.ForeignKey("territories.Departement", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("tranche n°")
    status = models.CharField("statut", max_length=10, choices=TrancheStatus.choices)
    tranches = models.PositiveIntegerField("tranches")
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "total des tranches d'un département"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "number", "status"], name="tranche_total_one_per_key"
            ),
            models.CheckConstraint(condition=Q(tranches__gt=0), name="tranche_total_not_empty"),
        ]

    def __str__(self):
        return f"{self.departement_id} — tranche {self.number} ({self.status}) : {self.tranches}"


class DueMonthTotal(models.Model):
    """Tranches still to pay (scheduled) of one département's structures falling due in one month (`month` is its
    first day): the cash-flow table. Kept with TrancheTotal, by the same refresh."""

    departement = models.ForeignKey("territories.Departement", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("mois d'échéance")
    tranches = models.PositiveIntegerField("tranches")
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "total à verser d'un département pour un mois"
        constraints = [
            models.UniqueConstraint(fields=["departement", "month"], name="due_month_total_one_per_key"),
            models.CheckConstraint(condition=Q(tranches__gt=0), name="due_month_total_not_empty"),
        ]
        indexes = [models.Index(fields=["month"], name="due_month_total_month")]

    def __str__(self):
        return f"{self.departement_id} — {self.month:%m/%Y} : {self.tranches}"
