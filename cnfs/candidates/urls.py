from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("inscription/", views.register, name="register"),
    path("inscription/envoyee/", views.registered, name="registered"),
    path("mon-profil/", views.space, name="space"),
    path("mon-profil/modifier/", views.edit_profile, name="edit_profile"),
    path("mon-profil/cv/", views.upload_cv, name="upload_cv"),
    path("mon-profil/cv/supprimer/", views.remove_cv, name="remove_cv"),
    path("mon-profil/pix/", views.pix_sharing, name="pix_sharing"),
    path("mon-profil/indisponible/", views.withdraw, name="withdraw"),
    path("mon-profil/disponible/", views.available_again, name="available_again"),
    path("mon-profil/supprimer/", views.delete_account, name="delete_account"),
    path("structures-interessees/", views.structures, name="structures"),
    path("pix/import/", views.import_pix, name="import_pix"),
]
