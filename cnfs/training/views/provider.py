"""The training provider's space: its advisors by state, one advisor's training (positioning, path, session,
attendance, dropout, completion), its sessions with their fill against 8, exports. Everything is fetched through the
provider's scope: another provider's advisor or session answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.exports import csv_response, dated_filename, xlsx_response
from cnfs.core.workflow import TransitionError

from .. import attendance, services, sessions
from ..forms import (
    AttendanceForm,
    BookPositioningForm,
    CompletionForm,
    ConfirmForm,
    DropForm,
    PathForm,
    PositioningResultForm,
    RegisterForm,
    SessionForm,
)
from ..models import (
    FACE_TO_FACE_MINIMUM,
    PROVIDER_STATES,
    PositioningTest,
    SessionRegistration,
    Training,
    TrainingSession,
    TrainingStatus,
)

P = Role.TRAINING_PROVIDER
EXPORT_FORMATS = ("csv", "xlsx")


def add_errors(form, error: ValidationError):
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def provider_of(request):
    return request.role_context.current.training_provider


def provider_trainings(request):
    return (
        Training.objects.visible_to(request.role_context)
        .live()
        .select_related("structure", "match__candidate__user", "positioning")
    )


@role_required(P)
def advisors(request):
    state = request.GET.get("etat") or TrainingStatus.TO_POSITION
    if state not in PROVIDER_STATES:
        state = TrainingStatus.TO_POSITION
    trainings = provider_trainings(request)
    counts = services.state_counts(trainings)
    context = {
        "title": "Conseillers à former",
        "provider": provider_of(request),
        "states": [(s, TrainingStatus(s).label, counts[s]) for s in PROVIDER_STATES],
        "state": state,
        "state_label": TrainingStatus(state).label,
        "trainings": list(trainings.filter(status=state).order_by("created_at", "pk")),
    }
    return render(request, "training/provider_advisors.html", context)


def _advisor_rows(trainings):
    yield [
        "Formation n°", "Statut", "Conseiller", "Courriel", "Téléphone", "Structure", "Département", "Parcours (h)",
        "Début", "Fin prévue", "Démarrage tardif", "Heures effectuées", "CCP1", "Pix (date)", "Pix (score)",
    ]  # fmt: skip
    for t in trainings:
        person = t.match.candidate.user
        yield [
            t.pk, t.get_status_display(), person.full_name, person.email, person.phone, t.structure.name,
            t.structure.departement_id, t.path or "", t.start_date or "", t.expected_end_date or "",
            "oui" if t.late_start else "non", t.hours_done, t.ccp1_on or "", t.pix_on or "", t.pix_score or "",
        ]  # fmt: skip


@role_required(P)
def advisors_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    trainings = provider_trainings(request).order_by("status", "pk")
    name = dated_filename("conseillers-a-former", fmt)
    rows = _advisor_rows(trainings)
    return csv_response(rows, name) if fmt == "csv" else xlsx_response(rows, name, sheet="Conseillers")


def _forms(training, data=None, action=None):
    """The forms of the actions the training's status allows, bound to `data` for the one posted."""
    provider = training.provider

    def bound(name):
        return data if action == name else None

    forms = {}
    status = training.status
    if status == TrainingStatus.TO_POSITION:
        forms["book_positioning"] = BookPositioningForm(bound("book_positioning"), prefix="book")
        if hasattr(training, "positioning"):
            forms["record_positioning"] = PositioningResultForm(bound("record_positioning"), prefix="result")
    if status == TrainingStatus.POSITIONED:
        forms["assign_path"] = PathForm(bound("assign_path"), prefix="path", initial={"path": training.path})
        if training.path:
            forms["register"] = RegisterForm(
                bound("register"), prefix="register", sessions=sessions.open_sessions(provider, training.path)
            )
    if status == TrainingStatus.IN_TRAINING:
        forms["attendance"] = AttendanceForm(bound("attendance"), prefix="attendance")
        forms["complete"] = CompletionForm(bound("complete"), prefix="complete")
    if status in (TrainingStatus.TO_POSITION, TrainingStatus.POSITIONED, TrainingStatus.IN_TRAINING):
        forms["drop"] = DropForm(bound("drop"), prefix="drop")
    return forms


def _act(request, training, action, form):
    by, cleaned = request.user, form.cleaned_data
    if action == "book_positioning":
        services.book_positioning(training, day=cleaned["scheduled_on"], by=by)
        return "Test de positionnement fixé : le conseiller et sa structure sont prévenus."
    if action == "record_positioning":
        services.record_positioning(training, result=cleaned["result"], score=cleaned.get("score"), by=by)
        return "Résultat du test enregistré : attribuez maintenant le parcours."
    if action == "assign_path":
        services.assign_path(training, path=cleaned["path"], by=by)
        return "Parcours attribué : inscrivez le conseiller à une session."
    if action == "register":
        sessions.register(training, cleaned["session"], by=by)
        return "Conseiller inscrit à la session."
    if action == "attendance":
        attendance.record_attendance(training, week=cleaned["week"], hours=cleaned["hours"], by=by)
        return "Assiduité enregistrée."
    if action == "drop":
        services.drop(training, day=cleaned["day"], reason=cleaned["reason"], by=by)
        return "Abandon enregistré."
    if action == "complete":
        services.complete(
            training,
            ccp1_on=cleaned["ccp1_on"],
            pix_on=cleaned["pix_on"],
            pix_score=cleaned["pix_score"],
            by=by,
        )
        return "Fin de formation enregistrée : CCP1 et certification Pix."
    raise Http404


@role_required(P)
def training_detail(request, pk):
    training = get_object_or_404(provider_trainings(request).select_related("structure__departement"), pk=pk)
    status = 200
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "withdraw":
        try:
            sessions.withdraw(training, by=request.user)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Conseiller désinscrit de la session.")
        return redirect("training:provider_training", pk=training.pk)
    forms = _forms(training, request.POST, action)
    if action is not None:
        form = forms.get(action)
        if form is None:
            messages.error(request, "Cette action n'est plus possible : la page a été mise à jour.")
            return redirect("training:provider_training", pk=training.pk)
        if form.is_valid():
            try:
                message = _act(request, training, action, form)
            except ValidationError as error:
                add_errors(form, error)
            except TransitionError as error:
                messages.error(request, str(error))
                return redirect("training:provider_training", pk=training.pk)
            else:
                messages.success(request, message)
                return redirect("training:provider_training", pk=training.pk)
        status = 400
    registration = (
        SessionRegistration.objects.filter(training=training, withdrawn_at__isnull=True)
        .select_related("session__commune")
        .first()
    )
    context = {
        "title": f"Formation de {training.match.candidate.user.full_name}",
        "training": training,
        "person": training.match.candidate.user,
        "structure": training.structure,
        "positioning": PositioningTest.objects.filter(training=training).first(),
        "registration": registration,
        "attendance": training.attendance.order_by("week"),
        "forms": forms,
    }
    return render(request, "training/provider_training.html", context, status=status)


def provider_sessions(request):
    return TrainingSession.objects.visible_to(request.role_context).select_related("commune")


@role_required(P)
def session_list(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = sessions.create_session(provider_of(request), by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Session créée.")
            return redirect("training:session_detail", pk=session.pk)
    context = {
        "title": "Sessions de formation",
        "sessions": provider_sessions(request).order_by("-start_date", "-pk"),
        "minimum": FACE_TO_FACE_MINIMUM,
        "form": form,
    }
    return render(request, "training/sessions.html", context, status=400 if form.errors else 200)


@role_required(P)
def sessions_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    rows = [
        [
            "Session n°",
            "Début",
            "Parcours (h)",
            "Centre",
            "Adresse",
            "Commune",
            "Modalité",
            "Statut",
            "Inscrits",
            "Manquants pour le présentiel",
        ]
    ]
    for s in provider_sessions(request).order_by("start_date", "pk"):
        rows.append(
            [s.pk, s.start_date, s.path, s.centre_name, s.address, str(s.commune), s.get_mode_display(),
             s.get_status_display(), s.registered_count, s.missing]
        )  # fmt: skip
    name = dated_filename("sessions-de-formation", fmt)
    return csv_response(rows, name) if fmt == "csv" else xlsx_response(rows, name, sheet="Sessions")


@role_required(P)
def session_detail(request, pk):
    session = get_object_or_404(provider_sessions(request), pk=pk)
    form = ConfirmForm(request.POST or None, initial={"mode": session.mode})
    if request.method == "POST" and form.is_valid():
        try:
            sessions.confirm(session, mode=form.cleaned_data["mode"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect("training:session_detail", pk=session.pk)
        else:
            messages.success(
                request, "Session confirmée : les conseillers inscrits et leurs structures sont prévenus."
            )
            return redirect("training:session_detail", pk=session.pk)
    registrations = (
        SessionRegistration.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("training__structure", "training__match__candidate__user")
        .order_by("registered_at", "pk")
    )
    context = {
        "title": str(session),
        "session": session,
        "registrations": registrations,
        "minimum": FACE_TO_FACE_MINIMUM,
        "form": form,
        "back": reverse("training:sessions"),
    }
    return render(request, "training/session_detail.html", context, status=400 if form.errors else 200)
