"""Steps 3 to 5 of reprint detection for a list of pairs: align them, keep those sharing enough
text, and say which of each is the copy."""

from __future__ import annotations

from ..model import Article
from .alignment import align_pairs
from .direction import Credits, orient
from .fingerprinting import Fingerprint
from .witnesses import Relation


def relate(arts: list[Article], prints: list[Fingerprint], todo: list[tuple[int, int]], forced: set,
           min_shared_words: int, min_share: float, credits: Credits, alignments: dict | None,
           workers: int | None, parallel_min: int, prune: bool = True) -> list[Relation]:
    """The relation of each pair (x, y) of `todo` (x the earlier) that is a reprint, or forced
    by front matter; numbers are indices into `arts` and `prints`. See align_pairs for
    `alignments` and `prune`."""
    aligned = align_pairs(prints, todo, alignments, workers, parallel_min, prune)
    sizes = [len(fp.words) for fp in prints]
    relations = []
    for (x, y), pair in zip(todo, aligned):
        matches = pair.matches if pair else ()
        words_x = pair.words_x if pair else 0
        words_y = pair.words_y if pair else 0
        share_x, share_y = words_x / max(1, sizes[x]), words_y / max(1, sizes[y])
        is_forced = (x, y) in forced
        if not is_forced and (min(words_x, words_y) < min_shared_words or max(share_x, share_y) < min_share):
            continue
        copy, original, kind, basis = orient(arts[x], arts[y], share_x, share_y, credits)
        flip = copy is arts[y]
        spans = tuple((m.b, m.b_end, m.a, m.a_end, m.words_b) if flip else (m.a, m.a_end, m.b, m.b_end, m.words)
                      for m in matches)
        relations.append(Relation(
            copy=y if flip else x, original=x if flip else y, kind=kind, basis=basis,
            copy_words=words_y if flip else words_x, original_words=words_x if flip else words_y,
            spans=spans, forced=is_forced or basis == "front matter"))
    return relations
