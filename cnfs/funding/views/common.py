from django.core.exceptions import ValidationError
from django.http import HttpResponse

from cnfs.structures.models import Post, Structure

from ..documents import DOCX_CONTENT_TYPE

PAGE_SIZE = 50


def add_errors(form, error: ValidationError):
    """A service's ValidationError({field: message}) shown next to the form's fields."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def visible_posts(request):
    return Post.objects.filter(structure__in=Structure.objects.visible_to(request.role_context))


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
