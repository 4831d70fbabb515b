"""Forms of the concertation: the application steps (public), the préfet's opinion, the committee decisions."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils import timezone

from cnfs.core.forms import DsfrForm, DsfrModelForm, PhoneField
from cnfs.core.themes import mission_choices
from cnfs.structures.models import StructureType
from cnfs.territories.forms import CommuneField
from cnfs.territories.models import Commune, Departement, Region

from . import conf, sirene
from .models import (
    ApplicationStatus,
    ChangeKind,
    ChangeMotive,
    DecisionOutcome,
    OpinionValue,
    StructureApplication,
    Wave,
)
from .workflow import active_application_for_siret, siret_taken_message

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

COMMITMENTS = [
    (
        "commit_recruit",
        "Sélectionner le candidat, signer le contrat et la convention dans les 2 mois suivant le comité.",
    ),
    ("commit_training", "Laisser le conseiller suivre sa formation."),
    ("commit_missions", "Confier au conseiller les trois missions du dispositif."),
    ("commit_means", "Fournir les moyens : tenue, ordinateur, téléphone, locaux, véhicule si besoin."),
    ("commit_follow_up", "Assurer le suivi de l'activité du conseiller."),
    ("commit_full_time", "Confier des missions à temps plein."),
    ("commit_free", "Proposer des activités gratuites pour les usagers."),
    (
        "commit_meetings",
        "Laisser du temps pour les rencontres locales et nationales et la formation continue.",
    ),
]


def clean_siret_value(value: str) -> str:
    """A SIRET typed with or without spaces, stored as its 14 digits (a RIDET as its 10 digits)."""
    return sirene.clean_identifier(value)


class IdentityForm(DsfrModelForm):
    """Step 1: type, SIRET (or RIDET in New Caledonia), names, address.

    With settings.CNFS_SIRENE = "api", the SIRET is checked against the State's company directory: "Rechercher"
    prefills the legal name and address, and an unknown or closed establishment is refused. When the directory does
    not answer, the application proceeds unchecked."""

    LOOKUP = "sirene_lookup"

    siret = forms.CharField(
        label="SIRET",
        max_length=30,
        help_text="14 chiffres, sur l'avis de situation au répertoire SIRENE, par exemple 123 456 789 00012. "
        "En Nouvelle-Calédonie, le numéro RIDET (7 chiffres et 3 chiffres d'établissement, par exemple "
        "1234567.001).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    commune = CommuneField(label="Commune", help_text="Nom ou code postal, par exemple « Moulins (03) ».")

    class Meta:
        model = StructureApplication
        fields = ["type", "siret", "name", "usual_name", "address"]
        widgets = {"type": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = StructureType.choices
        self.fields["address"].required = True
        self.establishment = None
        if self.instance.commune_id and not self.is_bound:
            self.initial.setdefault("commune", self.instance.commune)

    @classmethod
    def prefilled(cls, data, *, instance):
        """The "Rechercher" button: an unsaved form whose name, address and commune come from the directory.
        Returns (form, message, level)."""
        initial = {name: data.get(name, "") for name in ("type", "siret", "name", "usual_name", "address")}
        try:
            siret = clean_siret_value(data.get("siret", ""))
        except ValidationError as error:
            form = cls(data, instance=instance)
            return form, error.messages[0], "error"
        initial["siret"] = siret
        answer = None if sirene.is_ridet(siret) else sirene.get_directory().lookup(siret)
        if answer == sirene.NOT_FOUND:
            return cls(instance=instance, initial=initial), sirene.NOT_FOUND_MESSAGE, "error"
        if answer is None:
            message = (
                "La vérification dans le répertoire SIRENE n'est pas disponible pour le moment : complétez les "
                "champs vous-même, la candidature reste possible."
            )
            return cls(instance=instance, initial=initial), message, "info"
        if answer.closed:
            return cls(instance=instance, initial=initial), sirene.CLOSED_MESSAGE, "error"
        initial["name"] = answer.name or initial["name"]
        initial["address"] = answer.address or initial["address"]
        commune = Commune.objects.filter(pk=answer.commune_code).first()
        if commune is not None:
            initial["commune"] = commune
        message = "Établissement trouvé dans le répertoire SIRENE : vérifiez la raison sociale et l'adresse."
        return cls(instance=instance, initial=initial), message, "success"

    def clean_siret(self):
        value = clean_siret_value(self.cleaned_data["siret"])
        existing = active_application_for_siret(value, exclude=self.instance.pk)
        if existing is not None:
            raise ValidationError(siret_taken_message(existing))
        if not sirene.is_ridet(value):
            answer = sirene.get_directory().lookup(value)
            if answer == sirene.NOT_FOUND:
                raise ValidationError(sirene.NOT_FOUND_MESSAGE)
            if answer is not None and answer.closed:
                raise ValidationError(sirene.CLOSED_MESSAGE)
            self.establishment = answer
        return value

    def clean(self):
        data = super().clean()
        siret, commune = data.get("siret"), data.get("commune")
        if siret and commune and sirene.is_ridet(siret) and commune.departement_id != sirene.NEW_CALEDONIA:
            self.add_error("siret", sirene.RIDET_OUTSIDE_MESSAGE)
        return data

    def save(self, commit=True):
        from cnfs.territories.geocoding import get_geocoder

        application = super().save(commit=False)
        commune = self.cleaned_data["commune"]
        application.commune = commune
        application.departement_id = commune.departement_id
        result = get_geocoder().geocode(application.address, commune)
        application.latitude = result.latitude if result else commune.latitude
        application.longitude = result.longitude if result else commune.longitude
        if commit:
            application.save()
        return application


class ContactFieldsForm(DsfrModelForm):
    """The structure's contact, every field required: also edited from "Ma structure" once activated."""

    contact_phone = PhoneField()

    class Meta:
        model = StructureApplication
        fields = [
            "contact_first_name",
            "contact_last_name",
            "contact_job_title",
            "contact_email",
            "contact_phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True


class ContactForm(ContactFieldsForm):
    """Step 2 of the application: the contact, whose address is confirmed before the application is sent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "contact_email"
        ].help_text = "Un lien de confirmation y sera envoyé avant la transmission."


ADVISORS_CHOICES = [("", "Pas encore décidé")] + [(str(n), str(n)) for n in range(1, 31)]


INSEE = re.compile(r"[0-9A-Z]{5}")


class ProjectForm(DsfrModelForm):
    """Step 3: advisors wanted, start date, missions, places, priority policies."""

    fieldsets = [
        ("Lieux d'intervention", ["places", "add_place", "itinerant"]),
        (
            "Contexte des politiques publiques (cochez ce qui s'applique au territoire)",
            ["qpv", "petites_villes", "coeur_de_ville", "zrr", "france_services"],
        ),
    ]
    # The name of the secondary submit button: adds the commune typed in `add_place` and stays on the step.
    ADD_PLACE = "ajouter_commune"
    MAX_PLACES = 30

    advisors_wanted = forms.TypedChoiceField(
        label="Nombre de conseillers souhaités",
        choices=ADVISORS_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    missions = forms.MultipleChoiceField(
        label="Missions prévues pour le conseiller",
        choices=mission_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    places = forms.ModelMultipleChoiceField(
        label="Communes où le conseiller interviendra",
        help_text="Décochez une commune pour la retirer.",
        queryset=Commune.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    add_place = CommuneField(
        label="Ajouter une commune",
        help_text="Son nom ou son code postal, puis choisissez-la dans la liste ; le bouton « Ajouter la commune » "
        "l'ajoute sans quitter l'étape.",
        required=False,
    )

    class Meta:
        model = StructureApplication
        fields = [
            "advisors_wanted",
            "start_date",
            "missions",
            "itinerant",
            "qpv",
            "petites_villes",
            "coeur_de_ville",
            "zrr",
            "france_services",
        ]
        widgets = {"start_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].required = True
        # Only the communes already chosen are listed (ticked): a new one comes through the commune search.
        if self.is_bound:
            name = self.add_prefix("places")
            getlist = getattr(self.data, "getlist", None)
            chosen = getlist(name) if getlist else self.data.get(name) or []
            chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        else:
            chosen = (
                list(self.instance.place_communes.values_list("pk", flat=True)) if self.instance.pk else []
            )
            self.initial["places"] = chosen
        places = self.fields["places"]
        places.queryset = (
            # Only what looks like an INSEE code reaches the query (a NUL byte would make PostgreSQL fail).
            Commune.objects.filter(
                pk__in=[str(pk) for pk in chosen[: self.MAX_PLACES] if INSEE.fullmatch(str(pk))]
            )
            .select_related("departement")
            .order_by("name")
        )
        places.label_from_instance = lambda commune: f"{commune.name} ({commune.departement_id})"

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        if value < timezone.localdate():
            raise ValidationError("La date de démarrage doit être aujourd'hui ou plus tard.")
        return value

    def clean(self):
        data = super().clean()
        communes = list(data.get("places") or [])
        added = data.get("add_place")
        if added is not None and added not in communes:
            communes.append(added)
        if "places" not in self.errors and "add_place" not in self.errors:
            if not communes:
                self.add_error("add_place", "Indiquez au moins une commune où le conseiller interviendra.")
            elif len(communes) > self.MAX_PLACES:
                self.add_error("add_place", f"Indiquez au plus {self.MAX_PLACES} communes.")
        data["communes"] = communes
        return data

    def _save_m2m(self):
        """With the model's own many-to-many fields (save(), or save_m2m() after save(commit=False))."""
        super()._save_m2m()
        self.instance.place_communes.set(self.cleaned_data["communes"])


class MotivationForm(DsfrModelForm):
    """Step 4: shared recruitment, identified candidate, motivation."""

    candidate_identified = forms.BooleanField(label="Nous avons déjà identifié un candidat", required=False)
    required_when = {
        "partners": (
            "shared_recruitment",
            True,
            "Listez les structures partenaires du recrutement mutualisé.",
        ),
        "candidate_name": ("candidate_identified", True, "Indiquez le nom du candidat identifié."),
        "candidate_email": ("candidate_identified", True, "Indiquez l'adresse du candidat identifié."),
    }

    class Meta:
        model = StructureApplication
        fields = [
            "shared_recruitment",
            "partners",
            "candidate_identified",
            "candidate_name",
            "candidate_email",
            "motivation",
        ]
        widgets = {
            "partners": forms.Textarea(attrs={"rows": 3}),
            "motivation": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "shared_recruitment": "Seule la structure porteuse dépose la candidature et liste ses partenaires.",
            "candidate_email": "Cette personne sera invitée à s'inscrire comme candidat.",
            "motivation": "2 500 caractères au plus.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motivation"].required = True
        if not self.is_bound:
            self.initial["candidate_identified"] = bool(self.instance.candidate_email)

    def clean(self):
        data = super().clean()  # partners, candidate name and email: required_when above
        if not data.get("candidate_identified"):
            data["candidate_name"], data["candidate_email"] = "", ""
        return data


class CommitmentsForm(DsfrForm):
    """Step 5: the commitments of the structure (SPEC §3), each to accept."""

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        for name, label in COMMITMENTS:
            self.fields[name] = forms.BooleanField(
                label=label,
                error_messages={"required": "Cet engagement est nécessaire pour accueillir un conseiller."},
                initial=bool(instance and instance.commitments_accepted_at),
            )

    def save(self):
        if self.instance.commitments_accepted_at is None:
            self.instance.commitments_accepted_at = timezone.now()
        self.instance.save(update_fields=["commitments_accepted_at", "updated_at"])
        return self.instance


STEPS = [
    (1, "Votre structure", IdentityForm),
    (2, "Contact", ContactForm),
    (3, "Projet", ProjectForm),
    (4, "Recrutement et motivation", MotivationForm),
    (5, "Engagements", CommitmentsForm),
]


class OpinionForm(DsfrForm):
    value = forms.ChoiceField(label="Avis du préfet", choices=OpinionValue.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Commentaire",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Entre 10 et 1 000 caractères.",
        error_messages={
            "min_length": "Le commentaire doit compter au moins 10 caractères (actuellement %(show_value)d).",
            "max_length": "Le commentaire doit compter au plus 1 000 caractères (actuellement %(show_value)d).",
        },
    )
    suggested_posts = forms.IntegerField(
        label="Nombre de postes suggéré", min_value=0, max_value=30, required=False
    )
    policy_notes = forms.CharField(
        label="Liens avec les politiques prioritaires", max_length=500, required=False
    )


class DecisionForm(DsfrForm):
    outcome = forms.ChoiceField(label="Décision", choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    posts = forms.IntegerField(
        label="Nombre de postes accordés",
        min_value=0,
        required=False,
        help_text="Pour une décision positive.",
    )
    committee_date = forms.DateField(label="Date du comité", widget=DATE_WIDGET)
    comment = forms.CharField(
        label="Commentaire", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    without_opinion = forms.BooleanField(
        label="Décision sans avis du préfet",
        required=False,
        help_text="L'ANCT décide avant l'avis du préfet : indiquez pourquoi.",
    )
    without_opinion_reason = forms.CharField(
        label="Motif de la décision sans avis",
        min_length=10,
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Entre 10 et 1 000 caractères, par exemple : le préfet a été relancé deux fois sans réponse.",
        error_messages={
            "min_length": "Le motif doit compter au moins 10 caractères (actuellement %(show_value)d).",
            "max_length": "Le motif doit compter au plus 1 000 caractères (actuellement %(show_value)d).",
        },
    )

    requires_waiver = True  # one application without opinion: the waiver is required (not so for a batch)

    def __init__(self, *args, opinion_given=False, **kwargs):
        """`opinion_given`: the préfet has given their opinion, so "décision sans avis" is not offered."""
        super().__init__(*args, **kwargs)
        self.fields["posts"].validators.append(MaxValueValidator(conf.max_posts_per_decision()))
        self.fields["posts"].widget.attrs["max"] = conf.max_posts_per_decision()
        self.initial.setdefault("committee_date", timezone.localdate())
        if opinion_given:
            del self.fields["without_opinion"]
            del self.fields["without_opinion_reason"]
        self.opinion_given = opinion_given

    def clean(self):
        data = super().clean()
        if data.get("outcome") == DecisionOutcome.POSITIVE and not data.get("posts"):
            self.add_error(
                "posts", f"Une décision positive accorde de 1 à {conf.max_posts_per_decision()} postes."
            )
        if not self.opinion_given:
            checked, reason = data.get("without_opinion"), (data.get("without_opinion_reason") or "").strip()
            if not checked and not reason and self.requires_waiver:
                from .workflow import NO_OPINION

                self.add_error("without_opinion", NO_OPINION)
            elif checked and not reason and "without_opinion_reason" not in self.errors:
                self.add_error(
                    "without_opinion_reason", "Indiquez pourquoi l'ANCT décide sans l'avis du préfet."
                )
            elif reason and not checked:
                self.add_error(
                    "without_opinion", "Cochez « Décision sans avis du préfet » pour enregistrer ce motif."
                )
        return data

    def decision_data(self) -> dict:
        """The arguments of `workflow.decide`: the reason only when "décision sans avis" is checked."""
        data = dict(self.cleaned_data)
        checked = data.pop("without_opinion", False)
        reason = data.pop("without_opinion_reason", "")
        data["without_opinion_reason"] = reason if checked else ""
        return data


class BatchDecisionForm(DecisionForm):
    requires_waiver = (
        False  # some checked applications may have their opinion: the workflow tells which do not
    )
    applications = forms.ModelMultipleChoiceField(
        label="Candidatures", queryset=StructureApplication.objects.none(), widget=forms.MultipleHiddenInput
    )

    field_order = ["applications", "outcome", "posts", "committee_date", "comment"]

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset
        self.fields["applications"].error_messages["required"] = "Cochez au moins une candidature."
        self.fields[
            "without_opinion"
        ].help_text = (
            "Pour les candidatures cochées qui n'ont pas encore l'avis du préfet : indiquez pourquoi."
        )


class AbandonForm(DsfrForm):
    reason = forms.CharField(
        label="Motif",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Entre 10 et 1 000 caractères, par exemple : la structure ne répond plus depuis trois mois.",
        error_messages={
            "min_length": "Le motif doit faire au moins 10 caractères.",
            "max_length": "Le motif ne doit pas dépasser 1 000 caractères.",
        },
    )


class CancelForm(DsfrForm):
    reason = forms.CharField(
        label="Motif de l'annulation",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="500 caractères au plus. Il figure dans l'historique de la candidature, visible du préfet et de l'ANCT.",
        error_messages={"max_length": "Le motif ne doit pas dépasser 500 caractères."},
    )


class DuplicateForm(DsfrForm):
    original = forms.IntegerField(
        label="Numéro de la candidature d'origine", min_value=1, help_text="Le numéro affiché dans la liste."
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def clean_original(self):
        original = self.queryset.filter(pk=self.cleaned_data["original"]).first()
        if original is None:
            raise ValidationError("Aucune candidature ne porte ce numéro.")
        return original


class WaveForm(DsfrModelForm):
    class Meta:
        model = Wave
        fields = ["name", "opens_on", "closes_on", "target_posts"]
        widgets = {"opens_on": DATE_WIDGET, "closes_on": DATE_WIDGET}
        error_messages = {"name": {"unique": "Une vague porte déjà ce nom : choisissez-en un autre."}}

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "La clôture doit suivre l'ouverture.")
        elif opens_on and closes_on:
            from .waves import overlap_message

            overlapping = Wave.overlapping(opens_on, closes_on).first()
            if overlapping is not None:
                self.add_error("opens_on", overlap_message(overlapping))
        return data


YES_NO = [("", "Tous"), ("yes", "Oui"), ("no", "Non")]
POLICIES = [
    ("qpv", "QPV"),
    ("petites_villes", "Petites villes de demain"),
    ("coeur_de_ville", "Action cœur de ville"),
    ("zrr", "ZRR"),
    ("france_services", "France Services"),
]
SORTS = {
    "-submitted_at": "Plus récentes",
    "submitted_at": "Plus anciennes",
    "name": "Nom",
    "commune__name": "Commune",
    "status": "Statut",
    "-advisors_wanted": "Conseillers souhaités",
}


# Applications that have left every active list (SPEC §3): shown only when the filter asks for them.
CLOSED_STATUSES = (
    ApplicationStatus.REFUSED,
    ApplicationStatus.ABANDONED,
    ApplicationStatus.CANCELLED,
    ApplicationStatus.DUPLICATE,
)
ALL_STATUSES = "toutes"


class ApplicationFilterForm(DsfrForm):
    q = forms.CharField(label="Nom ou SIRET", required=False, max_length=100)
    wave = forms.ModelChoiceField(
        label="Vague", queryset=Wave.objects.all(), required=False, empty_label="Toutes"
    )
    status = forms.ChoiceField(
        label="Statut",
        choices=[
            ("", "En cours (par défaut)"),
            (ALL_STATUSES, "Toutes (y compris refusées, abandonnées, annulées, doublons)"),
        ]
        + ApplicationStatus.choices[1:],
        required=False,
    )
    type = forms.ChoiceField(
        label="Type de structure", choices=[("", "Tous")] + StructureType.choices, required=False
    )
    commune = forms.CharField(label="Commune", required=False, max_length=100)
    has_opinion = forms.ChoiceField(label="Avis du préfet donné", choices=YES_NO, required=False)
    policy = forms.ChoiceField(
        label="Politique prioritaire", choices=[("", "Toutes")] + POLICIES, required=False
    )
    departement = forms.ModelChoiceField(
        label="Département", queryset=Departement.objects.all(), required=False, empty_label="Tous"
    )
    region = forms.ModelChoiceField(
        label="Région", queryset=Region.objects.all(), required=False, empty_label="Toutes"
    )
    sort = forms.ChoiceField(label="Trier par", choices=list(SORTS.items()), required=False)

    def __init__(self, *args, national=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not national:
            del self.fields["departement"]
            del self.fields["region"]

    @property
    def hides_closed(self) -> bool:
        """The default: refused, abandoned, cancelled and duplicate applications are left out."""
        return not (self.is_valid() and self.cleaned_data.get("status"))

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.exclude(status__in=CLOSED_STATUSES).order_by("-submitted_at", "-id")
        data = self.cleaned_data
        if data.get("q"):
            term = re.sub(r"\s", "", data["q"])
            queryset = queryset.filter(
                Q(name__icontains=data["q"]) | Q(usual_name__icontains=data["q"]) | Q(siret=term)
            )
        if data.get("wave"):
            queryset = queryset.filter(wave=data["wave"])
        if not data.get("status"):
            queryset = queryset.exclude(status__in=CLOSED_STATUSES)
        elif data["status"] != ALL_STATUSES:
            queryset = queryset.filter(status=data["status"])
        if data.get("type"):
            queryset = queryset.filter(type=data["type"])
        if data.get("commune"):
            communes = Commune.objects.search(data["commune"], limit=None)
            queryset = queryset.filter(commune__in=communes.values("pk"))
        if data.get("has_opinion") == "yes":
            queryset = queryset.filter(opinion__isnull=False)
        elif data.get("has_opinion") == "no":
            queryset = queryset.filter(opinion__isnull=True)
        if data.get("policy"):
            queryset = queryset.filter(**{data["policy"]: True})
        if data.get("departement"):
            queryset = queryset.filter(departement=data["departement"])
        if data.get("region"):
            queryset = queryset.filter(departement__region=data["region"])
        return queryset.order_by(data.get("sort") or "-submitted_at", "-id")


class ChangeRequestForm(DsfrForm):
    kind = forms.ChoiceField(label="Votre demande", choices=ChangeKind.choices, widget=forms.RadioSelect)
    posts = forms.IntegerField(label="Nombre de postes", min_value=1, max_value=30)
    motive = forms.ChoiceField(label="Motif", choices=[("", "Choisissez un motif")] + ChangeMotive.choices)
    comment = forms.CharField(
        label="Précisions", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChangeOpinionForm(DsfrForm):
    value = OpinionForm.base_fields["value"]
    comment = OpinionForm.base_fields["comment"]


class ChangeDecisionForm(DsfrForm):
    accept = forms.TypedChoiceField(
        label="Décision",
        choices=[("yes", "Accepter"), ("no", "Refuser")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    committee_date = forms.DateField(label="Date du comité", widget=DATE_WIDGET, required=False)
    comment = forms.CharField(
        label="Commentaire", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
