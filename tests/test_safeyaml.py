"""safeyaml: plain values only, duplicate keys refused, every key's line remembered."""

import datetime

from newsarchive import safeyaml


def test_values_and_lines_counted_in_the_file():
    text = "title: A\npeople:\n  - x\n  - y\nclaims:\n  - id: c\n    quote: q\n"
    data, lines, problems = safeyaml.parse(text, "a.md", first_line=2)
    assert problems == []
    assert data == {"title": "A", "people": ["x", "y"], "claims": [{"id": "c", "quote": "q"}]}
    assert lines.of("title") == 2
    assert lines.of("people", 1) == 5
    assert lines.of("claims", 0, "quote") == 8
    # An unknown sub-path falls back to its nearest known parent.
    assert lines.of("claims", 0, "missing") == 7


def test_dates_are_plain_dates():
    data, _, problems = safeyaml.parse("date: 2018-02-20\n", "a.md")
    assert problems == [] and data["date"] == datetime.date(2018, 2, 20)


def test_duplicate_key_is_reported_with_both_lines():
    data, _, problems = safeyaml.parse("title: A\nurl: x\ntitle: B\n", "a.md", first_line=2)
    assert len(problems) == 1
    assert problems[0].line == 4 and problems[0].field == "title"
    assert "duplicate key" in problems[0].message and "line 2" in problems[0].message
    assert data["title"] == "A"


def test_python_tags_never_construct_objects(tmp_path):
    marker = tmp_path / "pwned"
    text = f"title: !!python/object/apply:os.system ['touch {marker}']\n"
    data, _, problems = safeyaml.parse(text, "a.md")
    assert not marker.exists()
    assert problems and "not allowed" in problems[0].message
    assert data == {"title": None}


def test_alias_bomb_is_refused():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for n in range(1, 9):
        prev = chr(ord("a") + n - 1)
        cur = chr(ord("a") + n)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    data, _, problems = safeyaml.parse("\n".join(lines) + "\n", "bomb.yaml")
    assert data is None
    assert "expands to more than" in problems[0].message


def test_malformed_yaml_reports_the_file_line():
    text = "title: A\nurl: [unclosed\ndate: 2018-01-01\n"
    data, _, problems = safeyaml.parse(text, "a.md", first_line=2)
    assert data is None
    assert problems[0].message.startswith("malformed YAML")
    assert problems[0].line in (3, 4, 5)


def test_tags_on_plain_values_are_refused_too():
    data, _, problems = safeyaml.parse("title: !!python/name:os.system\nn: !!binary aGk=\n", "a.md")
    assert [p.field for p in problems] == ["title", "n"]
    assert all("is not allowed" in p.message for p in problems)
    assert data == {"title": None, "n": None}
