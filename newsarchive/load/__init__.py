"""The load stage: read the articles and the two registries, validate them, and collect every
problem.

Nothing is written until everything here has passed (see pipeline.build), so a bad article
never leaves half a site. One module per job: `files` (reading a file safely), `problems`
(diagnostics and hints), `registries` (actors.yaml, sources.yaml), `fields` (one parser per
front matter field), `article` (one article file), `reuse` (what the previous build parsed),
`archive` (all of it, in order).
"""

from .archive import PARALLEL_MIN, Archive, load_archive
from .fields import CAPTURES_DIR, FIELDS
from .files import check_links, read_text_file
from .registries import ACTORS_FILE, REVIEW, SOURCES_FILE
from .reuse import REGISTRY_KEY

__all__ = ["ACTORS_FILE", "CAPTURES_DIR", "FIELDS", "PARALLEL_MIN", "REGISTRY_KEY", "REVIEW", "SOURCES_FILE",
           "Archive", "check_links", "load_archive", "read_text_file"]
