import pytest

from cnfs.core.french import de


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Apolline Martin", "d'Apolline Martin"),
        ("Émilie Roux", "d'Émilie Roux"),
        ("Yves Durand", "d'Yves Durand"),
        ("Œuvre sociale", "d'Œuvre sociale"),
        ("Jean Dupont", "de Jean Dupont"),
        ("Hugo Martin", "de Hugo Martin"),
        ("  Inès Bari ", "d'Inès Bari"),
        ("", "de "),
    ],
)
def test_de_is_elided_before_a_vowel(name, expected):
    assert de(name) == expected
