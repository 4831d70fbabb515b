"""CVs: PDF only (checked from the content), at most 10 MB, stored under PRIVATE_ROOT and never under a public URL
(the shared rules of cnfs.core.uploads)."""

from pathlib import Path

from django.conf import settings

from cnfs.core import uploads

MAX_CV_BYTES = 10 * 1024 * 1024
PDF_MAGIC = uploads.PDF.magic[0]
CV_DIRECTORY = "cvs"


def max_cv_bytes() -> int:
    return getattr(settings, "CNFS_CV_MAX_BYTES", MAX_CV_BYTES)


def validate_cv(upload) -> None:
    """Refuses anything but a PDF of at most 10 MB. The type comes from the first bytes, not from the name."""
    uploads.validate(
        upload,
        kinds=(uploads.PDF,),
        max_bytes=max_cv_bytes(),
        too_large="Le fichier pèse {size} Mo : le CV ne doit pas dépasser {max} Mo.",
        wrong_type="Ce fichier n'est pas un PDF. Enregistrez votre CV au format PDF puis déposez-le à nouveau.",
    )


def cv_root() -> Path:
    return uploads.root(CV_DIRECTORY)


def path_of(name: str) -> Path:
    return uploads.path_of(CV_DIRECTORY, name)


def store(upload) -> str:
    """Writes the upload under a random name and returns that name."""
    return uploads.store(upload, CV_DIRECTORY, "pdf")


def delete(name: str) -> None:
    uploads.delete(CV_DIRECTORY, name)
