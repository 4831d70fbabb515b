import string

from django.core.exceptions import ValidationError


def character_classes(password: str) -> int:
    classes = (
        any(c in string.ascii_lowercase for c in password) or any(c.islower() for c in password),
        any(c in string.ascii_uppercase for c in password) or any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    return sum(classes)


class CnilPasswordValidator:
    """CNIL recommendation: at least 12 characters with the 4 classes (lower, upper, digit, special),
    or at least 14 characters with 3 of them."""

    def validate(self, password, user=None):
        classes = character_classes(password)
        if (len(password) >= 12 and classes == 4) or (len(password) >= 14 and classes >= 3):
            return
        raise ValidationError(self.get_help_text(), code="password_cnil")

    def get_help_text(self):
        return (
            "Le mot de passe doit contenir au moins 12 caractères mêlant minuscules, majuscules, chiffres et "
            "caractères spéciaux, ou au moins 14 caractères avec trois de ces quatre types."
        )
