"""Values made from one frozen record each, kept for the same records in the next build.

A process that builds again and again (`serve`, pipeline.BuildMemory) gets the articles it did
not parse again, and the reprint relations that did not change, back as the very same objects.
What a stage makes from one such record alone (an article's list entry, its heading's words, a
relation's digest) is then made once, not once a build. Records are matched by identity, never
by value: comparing or hashing an article by value costs as much as making the value again. A
one-off build gains nothing here and pays a dictionary entry a record.
"""

from __future__ import annotations

import operator
import weakref
from typing import Callable, Generic, Iterable, NamedTuple, TypeVar

Record = TypeVar("Record")
Value = TypeVar("Value")

_MADE: weakref.WeakSet = weakref.WeakSet()  # every memo of the process, for forget_all


def forget_all() -> None:
    """Let go of everything every memo holds: a one-off build, once its site is in place, has
    no next build to keep it for (pipeline.py)."""
    for memo in _MADE:
        memo.forget()


class SameRecords(Generic[Record, Value]):
    """`make(record)` for each record, remembered from the last call for the very same objects.

    With `alike(record)`, a key such as an article's slug, a value made for a new record that
    equals the value the last call gave under the same key is given back as that very object:
    an article whose text alone was edited keeps its list entry, and what is made from the list
    entries (SameInputs) is kept too."""

    def __init__(self, make: Callable[[Record], Value], alike: Callable[[Record], object] | None = None):
        self.make, self.alike = make, alike
        self.forget()
        _MADE.add(self)

    def forget(self) -> None:
        self.held: dict[int, tuple[Record, Value]] = {}  # id -> (the record itself, so its id stays its own; value)
        self.by_key: dict[object, Value] = {}  # alike(record) -> value, of the last call

    def all(self, records: Iterable[Record]) -> list[Value]:
        """The value of each record, in order; only this call's records are kept for the next."""
        held, now, values, keyed, alike = self.held, {}, [], {}, self.alike
        for record in records:
            entry = held.get(id(record))
            if entry is None or entry[0] is not record:
                value = self.make(record)
                if alike is not None:
                    before = self.by_key.get(alike(record))
                    value = before if before is not None and before == value else value
                entry = (record, value)
            now[id(record)] = entry
            values.append(entry[1])
            if alike is not None:
                keyed[alike(record)] = entry[1]
        self.held, self.by_key = now, keyed
        return values


class SameInputs(Generic[Value]):
    """`make(*inputs)`, made again only when an input is not the very object it was in the last
    call; a tuple input is the same when each of its items is (the list entries of an archive
    whose articles' texts alone changed, SameRecords with `alike`). Inputs given as `Equal(x)`
    are compared by value instead: small keys made anew at each call."""

    def __init__(self, make: Callable[..., Value]):
        self.make = make
        self.last: tuple[tuple, Value] | None = None
        _MADE.add(self)

    def forget(self) -> None:
        self.last = None

    def __call__(self, *inputs) -> Value:
        if self.last is not None and len(self.last[0]) == len(inputs) and all(map(_same, self.last[0], inputs)):
            return self.last[1]
        value = self.make(*inputs)
        self.last = (inputs, value)
        return value


class Equal(NamedTuple):
    """An input of SameInputs compared by value (==), not by identity."""

    value: object


def _same(before, now) -> bool:
    if before is now:
        return True
    if type(before) is Equal:
        return type(now) is Equal and before.value == now.value
    return type(before) is tuple and type(now) is tuple and len(before) == len(now) \
        and all(map(operator.is_, before, now))
