from django import template

register = template.Library()


@register.filter
def phone(value):
    """A stored phone number for reading: "04 72 00 00 00" for a French number, "+49 30 1234567" otherwise."""
    from cnfs.core.phones import format_phone

    return format_phone(value or "")


@register.filter(needs_autoescape=True)
def de(name, autoescape=True):
    """ "de" and the name, elided before a vowel or a mute h: {{ candidate|de }} → "d'Apolline", "de Bruno".
    The name is escaped, the apostrophe is not (it reads the same in HTML and in a text email)."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from cnfs.core.text import elide_de

    name = str(name or "").strip()
    prefix = elide_de(name)[: -len(name) or None]
    return mark_safe(prefix + (conditional_escape(name) if autoescape else name))


@register.filter
def euros(amount):
    """{{ tranche.amount|euros }} → "10 000,00" (see cnfs.core.text.euros); the template writes the "€"."""
    from cnfs.core.text import euros as format_euros

    return format_euros(amount)
