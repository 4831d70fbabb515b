"""Grant file test data through the real services: a file opened by "Valider cette candidature", completed by the
structure, transmitted."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from cnfs.accounts.roles import Role
from cnfs.core import uploads
from cnfs.funding import grant_files
from cnfs.funding.models import DocumentKind, GrantFile, OutfitSize
from tests.funding.factories import hire_requested_match
from tests.recruitment.factories import activate, activated_structure, structure_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32

IDENTITIES = {
    "president_first_name": "Martine",
    "president_last_name": "Durand",
    "president_birth_date": date(1962, 4, 12),
    "dgs_first_name": "Olivier",
    "dgs_last_name": "Lefèvre",
    "dgs_birth_date": date(1971, 9, 3),
    "outfit_size": OutfitSize.M,
}


def pdf(name="piece.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, "application/pdf")


def open_file(structure=None, *, user=None, **kwargs):
    """A file in DRAFT, opened by a real hire request (on `structure`, activated here if it has no post yet), and
    the structure member who asked."""
    if structure is None:
        structure = activated_structure(**kwargs)
    elif not structure.posts.exists():
        activate(structure)
    user = user or structure_user(structure)
    match = hire_requested_match(structure, by=user)
    return GrantFile.objects.live().get(match=match), user


def complete(grant_file, user):
    grant_files.save_identities(grant_file, IDENTITIES, by=user)
    for kind in DocumentKind:
        grant_files.upload_document(grant_file, kind, pdf(f"{kind.value}.pdf"), uploads.PDF, by=user)
    grant_file.refresh_from_db()
    return grant_file


def transmitted_file(structure=None, **kwargs):
    grant_file, user = open_file(structure, **kwargs)
    complete(grant_file, user)
    return grant_files.transmit(grant_file, by=user, role=Role.STRUCTURE), user
