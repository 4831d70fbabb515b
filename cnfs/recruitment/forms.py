from django import forms
from django.db.models import Q

from cnfs.candidates.forms import DateInput
from cnfs.candidates.models import DISTANCE_CLASSES
from cnfs.core.forms import DsfrForm

from .models import SCORE_CHOICES, Criterion


class CandidateFilterForm(DsfrForm):
    q = forms.CharField(label="Rechercher par nom", required=False, max_length=100)
    pix_level = forms.TypedChoiceField(
        label="Palier Pix",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Tous"), (1, "Palier 1"), (2, "Palier 2"), (3, "Palier 3")],
    )
    distance = forms.TypedChoiceField(
        label="Distance maximale de la structure",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Toutes"), *[(km, f"{km} km") for km in DISTANCE_CLASSES]],
    )
    has_cv = forms.BooleanField(label="Avec un CV", required=False)
    has_diploma = forms.BooleanField(label="Diplômé(e) de la médiation numérique", required=False)
    was_advisor = forms.BooleanField(label="Déjà conseiller numérique", required=False)
    available_now = forms.BooleanField(label="Disponible dès maintenant", required=False)
    sort = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[("distance", "Distance"), ("availability", "Date de disponibilité")],
    )

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class EvaluationForm(DsfrForm):
    interview_date = forms.DateField(label="Date de l'entretien", required=False, widget=DateInput())
    interviewers = forms.CharField(label="Personnes présentes à l'entretien", max_length=300, required=False)
    conclusion = forms.CharField(
        label="Appréciation générale",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, evaluation=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if evaluation is not None:
            initial.update(
                interview_date=evaluation.interview_date,
                interviewers=evaluation.interviewers,
                conclusion=evaluation.conclusion,
            )
            for criterion in Criterion:
                initial[f"score_{criterion.value}"] = evaluation.scores.get(criterion.value)
                initial[f"comment_{criterion.value}"] = evaluation.comments.get(criterion.value, "")
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in Criterion:
            self.fields[f"score_{criterion.value}"] = forms.TypedChoiceField(
                label=f"{criterion.label} : note",
                choices=[("", "Non noté"), *SCORE_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": "Choisissez une note de 1 à 4."},
            )
            self.fields[f"comment_{criterion.value}"] = forms.CharField(
                label=f"{criterion.label} : commentaire",
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(["interview_date", "interviewers"])

    def criteria_fields(self):
        return [(c, self[f"score_{c.value}"], self[f"comment_{c.value}"]) for c in Criterion]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "interview_date": data["interview_date"],
            "interviewers": data["interviewers"],
            "conclusion": data["conclusion"],
            "scores": {c.value: data[f"score_{c.value}"] for c in Criterion if data[f"score_{c.value}"]},
            "comments": {
                c.value: data[f"comment_{c.value}"] for c in Criterion if data[f"comment_{c.value}"]
            },
        }


class InviteCandidateForm(DsfrForm):
    email = forms.EmailField(
        label="Adresse électronique du candidat", help_text="Format attendu : nom@domaine.fr"
    )


class RefuseHireForm(DsfrForm):
    reason = forms.CharField(
        label="Motif du refus",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Indiquez le motif du refus.",
            "min_length": "Précisez le motif (10 caractères au moins).",
        },
    )


class HireSearchForm(DsfrForm):
    """ANCT "Recrutements en cours": a GET search over the candidate's and the structure's names."""

    q = forms.CharField(
        label="Rechercher un candidat ou une structure",
        help_text="Nom, prénom ou nom de la structure.",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        for term in self.cleaned_data["q"].split()[:5]:
            queryset = queryset.filter(
                Q(candidate__user__first_name__icontains=term)
                | Q(candidate__user__last_name__icontains=term)
                | Q(structure__name__icontains=term)
                | Q(structure__usual_name__icontains=term)
            )
        return queryset
