"""The gazetteer reads place names from apertium lexicons: here, small ones the test compiles with lt-comp, so
what is known and through which languages is fixed by the test, not by the installed pairs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from polywire.localize.gazetteer import Gazetteer
from tests.conftest import missing

_SYMBOLS = "".join(f'<sdef n="{tag}"/>' for tag in ("np", "top", "loc", "ant", "sg", "f", "m"))


def _tags(*names: str) -> str:
    return "".join(f'<s n="{name}"/>' for name in names)


def _compile(path: Path, entries: list[tuple[str, str]], *, alphabet: str) -> None:
    """Compile a lexicon whose entries map left to right (each side a lemma with its tags in <s/> elements)."""
    body = "".join(f"<e><p><l>{left}</l><r>{right}</r></p></e>" for left, right in entries)
    source = path.with_suffix(".dix")
    source.write_text(
        f"<dictionary><alphabet>{alphabet}</alphabet><sdefs>{_SYMBOLS}</sdefs>"
        f'<section id="main" type="standard">{body}</section></dictionary>',
        encoding="utf-8",
    )
    subprocess.run(["lt-comp", "lr", str(source), str(path)], check=True, capture_output=True)


@pytest.fixture
def lexicons(tmp_path: Path) -> Path:
    """English analyses three words; en→ca knows one place; ca→fr knows it too; es is reached from nowhere."""
    if shutil.which("lt-comp") is None or shutil.which("lt-proc") is None:
        missing("lttoolbox is not installed (apt-get install lttoolbox-dev)")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    eng_cat = tmp_path / "apertium-eng-cat"
    eng_cat.mkdir()
    _compile(
        eng_cat / "eng-cat.automorf.bin",
        [
            ("Bavaria", "Bavaria" + _tags("np", "top", "sg")),
            ("Florence", "Florence" + _tags("np", "ant", "sg")),
            ("Lagos", "Lagos" + _tags("np", "loc", "sg")),
        ],
        alphabet=letters,
    )
    _compile(
        eng_cat / "eng-cat.autobil.bin",
        [
            ("Bavaria" + _tags("np", "top"), "Baviera" + _tags("np", "top", "f")),
            ("Florence" + _tags("np", "ant"), "Florència" + _tags("np", "ant", "f")),
        ],
        alphabet="",
    )
    fra_cat = tmp_path / "apertium-fra-cat"
    fra_cat.mkdir()
    _compile(
        fra_cat / "cat-fra.autobil.bin",
        [("Baviera" + _tags("np", "top"), "Bavière" + _tags("np", "top", "f"))],
        alphabet="",
    )
    return tmp_path


def test_a_toponym_is_found_in_the_target_directly_and_through_a_middle_language(lexicons: Path) -> None:
    gazetteer = Gazetteer(datadirs=(lexicons,))
    assert gazetteer.places(["Bavaria", "Nowhere"], "en", "ca") == {"Bavaria": frozenset({"Baviera"})}
    # en→ca→fr: the French lexicon is reached through Catalan.
    assert gazetteer.places(["Bavaria"], "en", "fr") == {"Bavaria": frozenset({"Bavière"})}
    # No lexicon leads to Spanish.
    assert gazetteer.places(["Bavaria"], "en", "es") == {}


def test_a_person_or_a_word_the_bilingual_lexicon_lacks_is_no_place(lexicons: Path) -> None:
    """ "Florence" is analysed as a person (<ant>), "Lagos" as a place the en→ca lexicon has no entry for."""
    gazetteer = Gazetteer(datadirs=(lexicons,))
    assert gazetteer.places(["Florence", "Lagos"], "en", "ca") == {}


def test_answers_are_kept_per_word_and_pieces_of_words_are_not_asked(lexicons: Path) -> None:
    gazetteer = Gazetteer(datadirs=(lexicons,))
    gazetteer.places(["Bavaria"], "en", "ca")
    asked = len(gazetteer._answers)
    assert gazetteer.places(["Bavaria", "Saint-Aubin", "d'Alcúdia"], "en", "ca") == {"Bavaria": frozenset({"Baviera"})}
    assert len(gazetteer._answers) == asked


def test_without_lexicons_no_place_is_known(tmp_path: Path) -> None:
    assert Gazetteer(datadirs=(tmp_path / "none",)).places(["Bavaria"], "en", "ca") == {}
