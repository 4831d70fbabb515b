"""Private uploads (CVs, grant file pieces): the type comes from the content's first bytes, never from the name or the
browser's declared type; the size is bounded; the file is stored under PRIVATE_ROOT/<directory> under a random name
and never served from a public URL. The user's file name is kept only for display, reduced to a clean basename.

    KINDS = {"pdf": PDF, "png": PNG}
    kind = validate(upload, kinds=(PDF, PNG), max_bytes=..., what="Le document")
    name = store(upload, "grant_files", kind.extension)
"""

import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileKind:
    label: str
    magic: tuple[bytes, ...]
    extension: str
    content_type: str

    def matches(self, head: bytes) -> bool:
        return any(head.startswith(magic) for magic in self.magic)


PDF = FileKind("PDF", (b"%PDF-",), "pdf", "application/pdf")
JPEG = FileKind("JPEG", (b"\xff\xd8\xff",), "jpg", "image/jpeg")
PNG = FileKind("PNG", (b"\x89PNG\r\n\x1a\n",), "png", "image/png")
KINDS_BY_EXTENSION = {kind.extension: kind for kind in (PDF, JPEG, PNG)}
HEAD_BYTES = 16


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",")


def validate(upload, *, kinds, max_bytes: int, too_large: str, wrong_type: str) -> FileKind:
    """The upload's kind, or a ValidationError: `too_large` and `wrong_type` are French messages, formatted with
    `size` (the upload's, in MB) and `max` (in MB)."""
    if upload.size > max_bytes:
        raise ValidationError(
            too_large.format(size=megabytes(upload.size), max=megabytes(max_bytes)), code="too_large"
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    for kind in kinds:
        if kind.matches(head):
            return kind
    raise ValidationError(wrong_type, code="wrong_type")


def clean_name(name: str, *, max_length: int = 200) -> str:
    """A user's file name made harmless for display: the basename only (no directory, Windows or POSIX), control and
    NUL characters removed, no leading dots; "document" when nothing is left."""
    name = PureWindowsPath(PurePosixPath(str(name or "")).name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".").strip()
    stem, dot, extension = name.rpartition(".")
    if len(name) > max_length and dot and len(extension) <= 10:
        name = stem[: max_length - len(extension) - 1] + dot + extension  # keep the extension
    return name[:max_length] or "document"


def root(directory: str) -> Path:
    return Path(settings.PRIVATE_ROOT) / directory


def path_of(directory: str, name: str) -> Path:
    # Stored names are generated here (random hex + extension); anything else is refused.
    if not name or "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise ValueError("nom de fichier invalide")
    return root(directory) / name


def store(upload, directory: str, extension: str) -> str:
    """Writes the upload under a random name in PRIVATE_ROOT/<directory> and returns that name."""
    folder = root(directory)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    with open(folder / name, "xb") as destination:
        for chunk in upload.chunks():
            destination.write(chunk)
    return name


def delete(directory: str, name: str) -> None:
    if name:
        path_of(directory, name).unlink(missing_ok=True)
