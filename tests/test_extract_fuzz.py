"""No capture ends in a traceback: random and adversarial text through the whole extraction.

Captures are whatever a reader pasted: any script, very long lines, quotation marks that never
close, names with apostrophes and hyphens, "said" anywhere. `extract()` must return fields for
all of them (an `add` refusal is a clear message elsewhere, never an exception from here).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import extract as ex
from newsarchive.model import Actor, Source

EMPTY = ex.Registry({}, {}, ())
REGISTRY = ex.Registry(
    {"dan-obrien": Actor("dan-obrien", "Dan O\u2019Brien", ("O'Brien",), "Mayor", "", "A mayor.")},
    {"wire": Source("wire", "Wire Agency", ("wire.example",), "agency")}, ())

# Pieces that have broken name and speaker matching before, or look as if they might.
PIECES = [
    "Dan O\u2019Brien", "O'Neil", "D\u2019Souza", "Jean-Pierre Dupont", "Tsai Ing-wen", "Kim Jong-un", "al-Tabbal",
    "Abu Bakr al-Baghdadi", "McDowell", "MacBook Pro", "Mary\u2028Smith", "Ali\u3000Hassan", "Ahmed\u00a0Ali",
    "Peeragarhi", "Delhi Banega Khalistan", "Kathmandu Valley", "World Health Organization", "USA TODAY",
    "said", "says", "told", "added", "according to", "said Mr.", "Mr.", "Dr.", "Gov.", "U.S.", "he", "she", "Another",
    "Some", "Wednesday", "\u201c", "\u201d", '"', "\u2018", "\u2019", "'", "\u00ab", "\u00bb", "(", ")", ",", ".",
    "?", "!", ":", ";", "\u2014", "-", "\u2026", "\n", "\n\n", "\r\n", "\t", " ", "2015", "April 25, 2015",
    "(AP) \u2014", "KATHMANDU, Nepal (AP) \u2014", "By", "Share", "Read more", "spokesman", "minister", "the",
    "in", "at", "a senior police officer", "was arrested", "resigned", "his", "her", "'s", "\u2019s", "Jr.",
    "\u0414\u043c\u0438\u0442\u0440\u0438\u0439", "\u6771\u4eac", "\u0645\u062d\u0645\u062f", "\U0001f600",
    "\u0301", "\u200b", "\ufeff", "\x00", "A" * 300, "word " * 200,
]
pieces_text = st.lists(st.sampled_from(PIECES), max_size=80).map(" ".join)
any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400)
addresses = st.sampled_from(["https://wire.example/2015/04/25/quake/", "https://new.example/a-b-c?title=x-y",
                             "http://h.example", "https://example.org/\u00e9t\u00e9/2023-08-28/x"])


def _lines(pieces: list[str], long_line: bool) -> str:
    return ("" if long_line else "\n").join(pieces)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(pieces_text, any_text), min_size=1, max_size=12), st.booleans(), addresses,
       st.sampled_from([EMPTY, REGISTRY]))
def test_any_text_extracts_without_raising(paragraphs, long_line, url, registry):
    result = ex.extract(ex.Page(_lines(paragraphs, long_line), url), registry)
    assert set(result.fields) == set(ex.EXTRACTORS)
    for actor in result.new_actors:
        assert actor.name.strip() and actor.id


ADVERSARIAL = [
    # A curly apostrophe inside a name beside a speech verb: once "substring not found".
    "The council met on Monday to discuss the budget for the coming year and the plans for the port.\n"
    "\u201cWe will not wait,\u201d said Dan O\u2019Brien, the mayor, after the vote in the town hall.\n"
    "O\u2019Brien later told reporters that the budget was final and would not change again.",
    # A line separator and an ideographic space between the words of a name.
    "Officials said the road would reopen. Mary\u2028Smith said it would not, and Ali\u3000Hassan agreed "
    "with her when the two spoke to reporters outside the ministry building on Tuesday afternoon.",
    # Quotation marks that never close, over several long lines.
    "\u201cThis is the end of it, said the minister, " + "and the talks went on " * 200 + "\n" + "\u201c" * 50,
    # "said" at odd places, possessives, initials and nothing else.
    "said said said. Said Said Said, said. 's \u2019s J. R. R. said Mr. Mr. Dr. said by by by.",
    # One very long line with no blank line.
    ("Kathmandu Valley residents said the quake was strong. " * 400).strip(),
]


def test_adversarial_captures_extract_without_raising():
    for text in ADVERSARIAL:
        for registry in (EMPTY, REGISTRY):
            result = ex.extract(ex.Page(text, "https://new.example/story"), registry)
            assert set(result.fields) == set(ex.EXTRACTORS)


def test_a_curly_apostrophe_name_is_proposed_as_printed():
    result = ex.extract(ex.Page(ADVERSARIAL[0], "https://new.example/story"), EMPTY)
    assert [a.name for a in result.new_actors] == ["Dan O\u2019Brien"]
