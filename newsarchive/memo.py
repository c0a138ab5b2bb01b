"""Values made from one frozen record each, kept for the same records in the next build.

A process that builds again and again (`serve`, pipeline.BuildMemory) gets the articles it did
not parse again, and the reprint relations that did not change, back as the very same objects.
What a stage makes from one such record alone (an article's list entry, its heading's words, a
relation's digest) is then made once, not once a build. Records are matched by identity, never
by value: comparing or hashing an article by value costs as much as making the value again. A
one-off build gains nothing here and pays a dictionary entry a record.
"""

from __future__ import annotations

from typing import Callable, Generic, Iterable, TypeVar

Record = TypeVar("Record")
Value = TypeVar("Value")


class SameRecords(Generic[Record, Value]):
    """`make(record)` for each record, remembered from the last call for the very same objects."""

    def __init__(self, make: Callable[[Record], Value]):
        self.make = make
        self.held: dict[int, tuple[Record, Value]] = {}  # id -> (the record itself, so its id stays its own; value)

    def all(self, records: Iterable[Record]) -> list[Value]:
        """The value of each record, in order; only this call's records are kept for the next."""
        held, now, values = self.held, {}, []
        for record in records:
            entry = held.get(id(record))
            if entry is None or entry[0] is not record:
                entry = (record, self.make(record))
            now[id(record)] = entry
            values.append(entry[1])
        self.held = now
        return values
