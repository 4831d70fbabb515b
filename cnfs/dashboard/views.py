from django.shortcuts import render

from cnfs.accounts.permissions import any_role
from cnfs.accounts.roles import Role

from .navigation import navigation_for
from .work import work_for

WELCOME = {
    Role.ANCT: "Pilotez le dispositif au niveau national : candidatures, comités de sélection, recrutements.",
    Role.PREFECTURE: "Suivez les candidatures et les conseillers de votre territoire et donnez l'avis du préfet.",
    Role.BDT: "Examinez les dossiers de subvention, établissez les conventions et enregistrez les versements.",
    Role.STRUCTURE: "Suivez la candidature de votre structure, recrutez et accompagnez vos conseillers numériques.",
    Role.TRAINING_PROVIDER: "Organisez la formation des conseillers numériques qui vous sont confiés.",
    Role.HUB: "Suivez les conseillers numériques et l'activité de vos départements.",
    Role.COORDINATOR: "Animez votre équipe de conseillers numériques et suivez son activité.",
    Role.ADVISOR: "Saisissez vos comptes rendus d'activité et gérez vos lieux d'accueil.",
    Role.CANDIDATE: "Tenez votre candidature à jour : les structures proches de chez vous la consultent.",
}


@any_role
def home(request):
    context = request.role_context
    role = context.role
    return render(
        request,
        "dashboard/home.html",
        {
            "title": "Mon espace",
            "role": role,
            "assignment": context.current,
            "welcome": WELCOME.get(role, ""),
            "sections": navigation_for(role)[1:],
            "work": work_for(context),
        },
    )
