"""Claims: who says what. A speaker is a person, an organisation or a described source ("a
senior police officer"), never a place, a date, a word standing for someone named elsewhere
("Another", "Some") or a clause the sentence happens to start with."""

from __future__ import annotations

import pytest

from newsarchive import extract as ex

PROSE = ("The walls of at least five metro stations in the west of the city were found covered with slogans on "
         "Sunday morning. Commuters stopped to photograph the writing before workers arrived to paint over it.")
EMPTY = ex.Registry({}, {}, ())


def speakers(*paragraphs):
    result = ex.extract(ex.Page("\n".join((PROSE,) + paragraphs), "https://news.example/2023/08/27/slogans"), EMPTY)
    return [(claim.speaker, claim.speaker_label) for claim in result["claims"].value]


@pytest.mark.parametrize("paragraphs", [
    ("Slogans were also found in Peeragarhi. Peeragarhi said the walls had been cleaned by noon.",),
    ("\u201cThe walls were clean by noon,\u201d said Peeragarhi, where a school was also defaced.",),
    ("Slogans were found at Shivaji Park, Madipur, Nangloi and Peeragarhi, police said.",),
    ("Traffic was diverted at Mathura Road and Saleem Garh Bypass, police said.",),
    ("Researchers based in Greenbelt, Maryland, have confirmed the results, Maryland said.",),
])
def test_a_place_is_never_a_speaker(paragraphs):
    labels = [label for _, label in speakers(*paragraphs)]
    assert not any(place in label for label in labels
                   for place in ("Peeragarhi", "Nangloi", "Mathura Road", "Maryland"))


@pytest.mark.parametrize("sentence", [
    "Another said they had been there since Saturday night at least.",
    "Some said the police came far too late to stop it.",
    "Many said the slogans had been there for a week already.",
    "He said the slogans had been there for a week already.",
])
def test_a_pronoun_like_word_is_never_a_speaker(sentence):
    assert speakers(sentence) == []


def test_a_date_or_a_clause_is_never_a_speaker():
    assert speakers("Price and gas mileage were not announced by the company at the launch.",
                    "Three people have died since the protests began, officials said on Wednesday.") == \
        [("unnamed", "officials")]


@pytest.mark.parametrize("sentence, label", [
    ("A senior police officer said the footage was being examined by the special cell.", "A senior police officer"),
    ("In a statement, the home ministry spokesman said the culprits would be found soon.",
     "the home ministry spokesman"),
    ("The Delhi Police on Sunday said a case had been registered against unknown persons.", "The Delhi Police"),
    ("Slogans were found at five stations, police said, and more were found at a school.", "police"),
    ("One resident said the slogans had appeared overnight on all the pillars.", "One resident"),
])
def test_described_sources_and_organisations_speak_in_the_texts_words(sentence, label):
    assert speakers(sentence) == [("unnamed", label)]


def test_a_speaker_after_an_abbreviated_country_is_read_whole():
    result = ex.extract(ex.Page(PROSE + "\n\u201cJustice has been served,\u201d said U.S. Attorney Nealy Cox after "
                                "the hearing.", "https://news.example/2019/11/20/case"), EMPTY)
    (claim,) = result["claims"].value
    assert claim.speaker == "nealy-cox"


def test_a_speaker_inside_a_subordinate_clause_does_not_claim_the_sentence():
    """Officials said only what follows "said"; the sentence's first clause is the reporter's."""
    assert speakers("The death toll stood at 163 on Friday, but there was some relief as officials said they "
                    "expected the final tally to be lower.") == []


def statements(*paragraphs):
    result = ex.extract(ex.Page("\n".join((PROSE,) + paragraphs), "https://news.example/2023/08/27/slogans"), EMPTY)
    return [claim.statement for claim in result["claims"].value]


def test_the_statement_is_what_was_said_not_who_said_it():
    assert statements("The city's mayor, Bob Parker, said as many as 300 people might be missing by the evening.",
                      "The streets, he said, were \"littered with dead bodies\" after the quake.") == \
        ["As many as 300 people might be missing by the evening.",
         "The streets were \"littered with dead bodies\" after the quake."]
