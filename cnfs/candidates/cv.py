"""CVs: PDF only (checked from the content), at most 10 MB, stored under PRIVATE_ROOT and never under a public URL."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_CV_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
CV_DIRECTORY = "cvs"


def max_cv_bytes() -> int:
    return getattr(settings, "CNFS_CV_MAX_BYTES", MAX_CV_BYTES)


def validate_cv(upload) -> None:
    """Refuses anything but a PDF of at most 10 MB. The type comes from the first bytes, not from the name."""
    if upload.size > max_cv_bytes():
        size_mb = upload.size / (1024 * 1024)
        raise ValidationError(
            f"Le fichier pèse {size_mb:.1f} Mo : le CV ne doit pas dépasser {max_cv_bytes() // (1024 * 1024)} Mo.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            "Ce fichier n'est pas un PDF. Enregistrez votre CV au format PDF puis déposez-le à nouveau.",
            code="not_pdf",
        )


def cv_root() -> Path:
    return Path(settings.PRIVATE_ROOT) / CV_DIRECTORY


def path_of(name: str) -> Path:
    # Stored names are generated here (random hex + .pdf); anything else is refused.
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError("nom de fichier invalide")
    return cv_root() / name


def store(upload) -> str:
    """Writes the upload under a random name and returns that name."""
    root = cv_root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    with open(root / name, "wb") as destination:
        for chunk in upload.chunks():
            destination.write(chunk)
    return name


def delete(name: str) -> None:
    if name:
        path_of(name).unlink(missing_ok=True)
