"""Fuzzing: generated front matter and bodies always end in a clean build or a clean error.

`make fuzz` runs many more examples (HYPOTHESIS_PROFILE=nightly) than the test run.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import PROJECT, run_build
from newsarchive.load import FIELDS

FIELD_NAMES = sorted(FIELDS) + ["slug"]
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text,
                    st.sampled_from(["khalifa-haftar", "sputnik", "captures/a.txt", "2018-02-20", "2018-02",
                                     "day", "unknown", "asserts", "unnamed", "https://www.uawire.org/x",
                                     "../../etc/passwd", "a/b", "%2e%2e", "x" * 300_000]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), text), inner, max_size=4)),
    max_leaves=12)
VALID = {"title": "A title", "url": "https://www.uawire.org/a", "capture": "captures/a.txt", "date": "2017-05-01",
         "date_precision": "day", "date_evidence": "the address", "publisher": "uawire", "people": []}
front_matters = st.one_of(
    # Nearly valid: a good article with one field replaced, so builds often succeed too.
    st.tuples(st.sampled_from(sorted(VALID)), values).map(
        lambda change: yaml.safe_dump({**VALID, change[0]: change[1]}, allow_unicode=True)),
    # Structured: plausible field names with any values, dumped as valid YAML.
    st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), text), values, max_size=12).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)),
    # Raw: anything at all between the fences, malformed YAML included.
    text,
)
bodies = st.one_of(text, st.sampled_from(["", "# Title\n\nBody.", "Body of the article.", "<script>alert(1)</script>",
                                          "[x](javascript:alert(1))", "\x00\x01\x02", "a" * 2_100_000]))
captures = st.one_of(st.binary(max_size=50), text.map(lambda t: t.encode("utf-8")), st.just(b""),
                     st.just(b"Body of the article.\n"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    # Besides the output folder, a build writes only its lock files and its own cache folder.
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "_site" not in p.parts and ".cache" not in p.parts and not p.name.endswith(".lock")}


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(front=front_matters, body=bodies, capture=captures, name=st.sampled_from(["a", "b-2", "Bad Name"]))
def test_any_input_gives_a_clean_build_or_a_clean_error(front, body, capture, name):
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "project"
        (root / "articles" / "captures").mkdir(parents=True)
        for registry in ("actors.yaml", "sources.yaml"):
            shutil.copy(PROJECT / "articles" / registry, root / "articles" / registry)
        for folder in ("templates", "static"):
            shutil.copytree(PROJECT / folder, root / folder)
        (root / "config.yaml").write_text("title: Fuzz\n", encoding="utf-8")
        (root / "articles" / "captures" / "a.txt").write_bytes(capture)
        (root / "articles" / f"{name}.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8",
                                                       errors="surrogatepass")
        before = _snapshot(Path(temp))
        result = run_build(root)
        assert result.code in (0, 1), result.err
        assert "Traceback" not in result.err and "internal error" not in result.err
        event("built" if result.code == 0 else "refused")
        if result.code == 1:
            assert "error" in result.err and not (root / "_site").exists()
        else:
            assert (root / "_site" / "index.html").exists()
        assert _snapshot(Path(temp)) == before  # nothing outside the output folder touched
