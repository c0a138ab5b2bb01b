"""The two registries, articles/actors.yaml and articles/sources.yaml: read, validated, and
turned into Actor and Source records."""

from __future__ import annotations

from pathlib import Path

from .. import safeyaml
from ..model import SOURCE_KINDS, Actor, Diagnostic, Source
from ..paths import display_path
from ..text import SLUG, slugify
from .files import read_text_file
from .problems import Report, type_hint

ACTORS_FILE = "actors.yaml"
SOURCES_FILE = "sources.yaml"
REVIEW = "review"  # registry field marking an entry that `build.py add` proposed


def _text_field(report, entry, key, keypath, required=True) -> str:
    value = entry.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            report.error(key, "missing or empty", f"add '{key}: ...'", *keypath)
        return ""
    if not isinstance(value, str):
        report.error(key, f"expected text, got {value!r}", type_hint(value) or "put the value in quotes",
                     *(keypath + (key,)))
        return ""
    return value.strip()


def _text_list(report, entry, key, keypath) -> tuple[str, ...]:
    value = entry.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        report.error(key, "expected a list of text values", f"write '{key}: [a, b]'", *(keypath + (key,)))
        return ()
    return tuple(v.strip() for v in value)


def _review_note(report, entry, entry_id) -> None:
    """An entry proposed by `build.py add` carries `review:` until a person has checked it."""
    if REVIEW not in entry:
        return
    note = entry[REVIEW]
    if not isinstance(note, str):
        report.error(f"{entry_id}.{REVIEW}", "expected text saying why the entry was proposed", "",
                     entry_id, REVIEW)
        return
    report.warn(f"{entry_id}.{REVIEW}", f"proposed by 'add', not yet reviewed ({' '.join(note.split())})",
                "check the entry against the article, then delete its 'review:' line", entry_id, REVIEW)


def _read_registry(path: Path, project: Path, problems: list[Diagnostic]):
    shown = display_path(path, project)
    text = read_text_file(path, shown, problems, "registry file", project)
    if text is None:
        return {}, None, shown
    data, lines, found = safeyaml.parse(text, shown)
    problems.extend(found)
    if data is None:
        return {}, lines, shown
    if not isinstance(data, dict):
        problems.append(Diagnostic(shown, lines.of(), None, "expected a mapping of id: entry"))
        return {}, lines, shown
    return data, lines, shown


def _registry_entries(path: Path, project: Path, problems: list[Diagnostic], what: str, fields: tuple[str, ...]):
    """Each well-formed entry of a registry as (id, entry, report); bad ids and entries are reported."""
    data, lines, shown = _read_registry(path, project, problems)
    for entry_id, entry in data.items():
        report = Report(shown, lines, problems)
        if not isinstance(entry_id, str) or not SLUG.match(entry_id):
            report.error(str(entry_id), f"{what} id must be a slug (lowercase letters, digits, hyphens)",
                         f"try '{slugify(str(entry_id))}'", entry_id)
            continue
        if not isinstance(entry, dict):
            report.error(entry_id, "expected " + ", ".join(fields), "", entry_id)
            continue
        for unknown in sorted(set(entry) - set(fields) - {REVIEW}):
            report.warn(f"{entry_id}.{unknown}", "unknown field", "", entry_id, unknown)
        _review_note(report, entry, entry_id)
        yield entry_id, entry, report


def load_actors(path: Path, project: Path, problems: list[Diagnostic]) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    by_name_slug: dict[str, str] = {}
    fields = ("name", "aliases", "role", "affiliation", "description")
    for actor_id, entry, report in _registry_entries(path, project, problems, "actor", fields):
        keypath = (actor_id,)
        actor = Actor(
            id=actor_id,
            name=_text_field(report, entry, "name", keypath),
            aliases=_text_list(report, entry, "aliases", keypath),
            role=_text_field(report, entry, "role", keypath),
            affiliation=_text_field(report, entry, "affiliation", keypath, required=False),
            description=_text_field(report, entry, "description", keypath),
        )
        name_slug = slugify(actor.name)
        if name_slug and name_slug in by_name_slug:
            report.error(f"{actor_id}.name",
                         f"name '{actor.name}' gives the same slug as actor '{by_name_slug[name_slug]}'",
                         "merge the two actors or tell them apart in the name", actor_id, "name")
        by_name_slug.setdefault(name_slug, actor_id)
        actors[actor_id] = actor
    return actors


def load_sources(path: Path, project: Path, problems: list[Diagnostic]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    domain_owner: dict[str, str] = {}
    for source_id, entry, report in _registry_entries(path, project, problems, "source", ("name", "domains", "kind")):
        keypath = (source_id,)
        kind = _text_field(report, entry, "kind", keypath)
        if kind and kind not in SOURCE_KINDS:
            report.error(f"{source_id}.kind", f"unknown kind '{kind}'",
                         "use one of: " + ", ".join(SOURCE_KINDS), source_id, "kind")
        domains = tuple(d.lower() for d in _text_list(report, entry, "domains", keypath))
        for domain in domains:
            if domain in domain_owner:
                report.error(f"{source_id}.domains",
                             f"domain {domain} already belongs to '{domain_owner[domain]}'",
                             "a domain names one outlet", source_id, "domains")
            domain_owner.setdefault(domain, source_id)
        sources[source_id] = Source(id=source_id, name=_text_field(report, entry, "name", keypath),
                                    domains=domains, kind=kind)
    return sources
