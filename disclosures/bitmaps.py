"""Exact counts from bitmaps, for searches and filtered lists that match too many entries
to count one by one: the log's one precomputed layer.

A snapshot (``FacetSnapshot``, taken by ``take_snapshot`` in the background worker)
numbers the public entries in order of response date and keeps a bitmap of the positions
holding each facet value (outcome, year, exemption, keyword), each common search term
(a stemmed word in at least ``min_documents`` public entries) and each common phrase of
two or three such words. The counts of a search of common words and phrases joined by
AND, OR and NOT, or of no search, under any filters, are then a few ANDs and bit counts
over bitmaps held in memory, however many entries match: a range of dates is a range of
positions, and each facet ANDs every filter but its own. Any other search is found in
the database, its matches' ids numbered, and counted the same way.

Entries changed since the snapshot (noted by a trigger, see ``SnapshotChange``) are left
out of the bits; the caller counts them over their rows (``counting``), so the counts
stay exact.
"""

from __future__ import annotations

import datetime
import itertools
import mmap
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache, reduce
from pathlib import Path

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from disclosures.models import FacetBitmap, FacetSnapshot, SnapshotChange

EPOCH = datetime.date(1970, 1, 1)
# The "day" of an entry with no response date: before every other, as the log's order
# has it (``models.NEWEST_FIRST``), and numpy's NaT, so no month is made of it.
UNDATED = np.iinfo(np.int64).min


def day_of(date: datetime.date | None) -> int:
    """A response date as a snapshot numbers it: days since 1970, or ``UNDATED``."""
    return UNDATED if date is None else (date - EPOCH).days


def order_keys(days: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each entry's place in the log's order as one number: its day, then its id (below
    2**32). Undated entries come first, as a day before any date has."""
    return (np.maximum(days, -(1 << 30)) << 32) | ids


# The facet each kind of bitmap counts, as ``counting`` names them, and
# whether its values are ids.
FACETS = {
    FacetBitmap.Kind.OUTCOME: ("outcome", False),
    FacetBitmap.Kind.YEAR: ("year", False),
    FacetBitmap.Kind.EXEMPTION: ("exemption", True),
    FacetBitmap.Kind.KEYWORD: ("keyword", True),
}


def pack(positions: np.ndarray | slice | list[slice], size: int) -> np.ndarray:
    """The bitmap of ``size`` positions with the bits at ``positions`` (an array of them,
    a range as a slice, or several ranges) set: bit p is bit p % 64 of 64-bit word
    p // 64."""
    bools = np.zeros(-(-size // 64) * 64, dtype=bool)
    for part in positions if isinstance(positions, list) else [positions]:
        bools[part] = True
    return np.packbits(bools, bitorder="little").view("<u8")


def bit_count(bits: np.ndarray) -> int:
    return int(np.bitwise_count(bits).sum(dtype=np.uint64))


@dataclass(frozen=True)
class Snapshot:
    """A snapshot as searches read it: the positions, and the bitmap of every facet
    value, one row per value.

    Its positions run in the log's order (response date, then id). A snapshot with a
    delta (see ``take_delta``) has two runs of them, each in that order: the full
    snapshot's, where the entries changed since it are holes (no bit is ever set
    there), then the delta's, the changed entries public when it was taken, from a word
    of their own. ``runs`` gives them as (first, end) positions."""

    size: int
    days: np.ndarray  # by position: a response date as ``day_of`` has it
    ids: np.ndarray  # by position: -1 where no entry is
    ids_in_order: np.ndarray  # the disclosures' ids, ascending
    positions_in_order: np.ndarray  # and their positions
    # The position of each id (-1: not numbered), where ids run densely enough for an
    # array indexed by id to be small (see ``_numbered``); else None.
    position_by_id: np.ndarray | None
    facets: dict[str, tuple[list, np.ndarray]]
    # The bitmap ids of each counted term, and of each common phrase of two or three
    # counted words, by the query that finds it, as PostgreSQL writes it ('polic',
    # 'use' <2> 'forc', 'bodi' <-> 'worn' <-> 'video'): the full snapshot's, and the
    # delta's (None: it has none set).
    terms: dict[str, tuple[int, int | None]]
    # The positions holding a public entry: the bits of the whole log.
    everything: np.ndarray
    runs: tuple[tuple[int, int], ...]

    def bits_of(self, term: str) -> np.ndarray | None:
        """The bits of a counted term or phrase (see ``terms``); None if not counted."""
        if term not in self.terms:
            return None
        full, delta = self.terms[term]
        bits = _term_bits(full)
        if len(self.runs) == 1:
            return bits
        # The full snapshot's bits less the entries changed since, then the delta's.
        words = len(bits)
        tail = np.zeros(len(self.everything) - words, dtype="<u8")
        if delta is not None:
            tail[: len(_term_bits(delta))] = _term_bits(delta)
        return np.concatenate([bits & self.everything[:words], tail])

    def positions_of(self, ids: list[int] | np.ndarray | None) -> np.ndarray:
        """The positions of these disclosures; ids not numbered are left out."""
        ids_array = np.asarray([] if ids is None else ids, dtype="<i8")
        if not len(ids_array) or not len(self.ids_in_order):
            return np.zeros(0, dtype=np.int64)
        if self.position_by_id is not None:
            # One read per id, where a binary search takes twenty: 5 ms for the 24,000
            # matches of a phrase in a million entries, 0.2 ms so.
            known = ids_array[(ids_array >= 0) & (ids_array < len(self.position_by_id))]
            positions = self.position_by_id[known]
            return positions[positions >= 0].astype(np.int64)
        last = len(self.ids_in_order) - 1
        i = np.searchsorted(self.ids_in_order, ids_array).clip(max=last)
        return self.positions_in_order[i[self.ids_in_order[i] == ids_array]]

    @cached_property
    def keys(self) -> np.ndarray:
        """Each position's place in the log's order as one number: its day, then its id
        (below 2**32)."""
        return order_keys(self.days, self.ids)

    def without(self, bits: np.ndarray, ids: list[int]) -> np.ndarray:
        """``bits`` less the positions of these disclosures."""
        return bits & ~pack(self.positions_of(ids), self.size) if ids else bits

    def dated(self, first: datetime.date | None, last: datetime.date | None) -> np.ndarray:
        """The positions of the entries answered from ``first`` to ``last``, inclusive:
        a range of positions in each run (undated entries, answered on no day, are never
        among them)."""
        ranges = []
        for start, end in self.runs:
            days = self.days[start:end]
            lo = np.searchsorted(days, UNDATED + 1 if first is None else day_of(first), "left")
            hi = end - start
            if last is not None:
                hi = np.searchsorted(days, (last - EPOCH).days, "right")
            ranges.append(slice(start + lo, start + hi))
        return pack(ranges, self.size)

    def any_of(self, facet: str, values: list) -> np.ndarray:
        """The positions holding any of these values of ``facet``."""
        known, stack = self.facets[facet]
        rows = [stack[known.index(v)] for v in values if v in known]
        return reduce(np.bitwise_or, rows, np.zeros(stack.shape[1], dtype="<u8"))

    def counts_in(self, facet: str, bits: np.ndarray) -> Counter:
        """How many positions of ``bits`` hold each value of ``facet``."""
        known, stack = self.facets[facet]
        words = np.flatnonzero(bits)
        if not len(words):
            return Counter()
        way = self.way_to_count(facet, words)
        if way == "gather":
            held = stack[:, words]
            np.bitwise_and(held, bits[words], out=held)
            counted = np.bitwise_count(held).sum(axis=1, dtype=np.int64)
            return +Counter({value: int(n) for value, n in zip(known, counted, strict=True)})
        if way == "own":
            present, starts, at, values = self.sparse[facet]
            held = bits.take(at)
            np.bitwise_and(held, values, out=held)
            counted = np.add.reduceat(np.bitwise_count(held), starts, dtype=np.int64)
            return +Counter({known[row]: int(n) for row, n in zip(present, counted, strict=True)})
        span = slice(words[0], words[-1] + 1)
        bits = bits[span]
        scratch = np.empty_like(bits)
        return +Counter(
            {
                value: bit_count(np.bitwise_and(row[span], bits, out=scratch))
                for value, row in zip(known, stack, strict=True)
            }
        )

    def way_to_count(self, facet: str, words: np.ndarray) -> str:
        """How ``counts_in`` counts ``facet`` over bits set in these words: whichever way
        reads least.

        Only the words set can count, all of them between the first and the last. So
        a count reads either those words alone, gathered from every row ("gather": a
        rare word's few matches), or the run of every row from the first to the last
        ("run": a range of dates is a run), or the facet's own set words ("own", see
        ``sparse``). As measured, a word gathered costs about four read in a run, and
        one of the facet's own three.
        """
        rows = len(self.facets[facet][0])
        costs = {
            "gather": 4 * len(words) * rows,
            "run": (int(words[-1]) - int(words[0]) + 1) * rows,
        }
        if facet in self.sparse:
            costs["own"] = 3 * len(self.sparse[facet][2])
        return min(costs, key=costs.__getitem__)

    @cached_property
    def sparse(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """The facets whose bitmaps are mostly empty words (most keywords are on few
        entries), each as the words that are not, row by row: the rows (values) with
        any, where each row's words start, and the words' places and bits. Counting
        reads these instead of every row whole: at a million entries, a fifth of the
        keywords' 42 MB, in about half the time."""
        sparse = {}
        for facet, (_, stack) in self.facets.items():
            rows, at = np.nonzero(stack)
            if len(rows) and len(rows) * 4 <= stack.size:
                starts = np.flatnonzero(np.diff(rows, prepend=-1))
                sparse[facet] = (rows[starts], starts, at, stack[rows, at])
        return sparse


# A tsquery as PostgreSQL writes it: quoted lexemes ('' and \\ escaped inside), the
# operators & | ! <-> <N> and parentheses. Anything else (a weight, a prefix) is not
# made of whole entries' words.
_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|''|\\.)*)'|([&|!()]|<(?:-|\d+)>)|(\S))")
_ESCAPED = re.compile(r"''|\\(.)")


def _tokens(query: str) -> list[tuple[str, str]] | None:
    """The query's tokens, ("word", lexeme) or ("op", operator); None if it holds
    anything else."""
    tokens = []
    for word, operator, other in _TOKEN.findall(query):
        if other:
            return None
        if operator:
            tokens.append(("op", operator))
        else:
            tokens.append(("word", _ESCAPED.sub(lambda m: m.group(1) or "'", word)))
    return tokens


def matching(snapshot: Snapshot, query: str) -> np.ndarray | None:
    """The positions of the entries a search finds (``query`` as websearch_to_tsquery
    writes it): its words' and phrases' bits joined by its operators (& | !), or None if
    it has a word, or a phrase, not counted (a phrase of four words or more has no bits
    of its own, unless it comes down to three: see ``_without_compound_parts``).
    """
    tokens = _tokens(query)
    if not tokens:
        return None
    at = 0

    def peek() -> tuple[str, str] | None:
        return tokens[at] if at < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal at
        at += 1
        return tokens[at - 1]

    # Precedence as PostgreSQL's: ! binds tightest, then <->, then &, then |.
    def either() -> np.ndarray | None:
        bits = both()
        while bits is not None and peek() == ("op", "|"):
            take()
            more = both()
            bits = None if more is None else bits | more
        return bits

    def both() -> np.ndarray | None:
        bits = phrase()
        while bits is not None and peek() == ("op", "&"):
            take()
            more = phrase()
            bits = None if more is None else bits & more
        return bits

    def is_distance(token: tuple[str, str] | None) -> bool:
        return token is not None and token[0] == "op" and token[1].startswith("<")

    def phrase() -> np.ndarray | None:
        # <-> and <N> bind tighter than &, looser than !; only a chain of plain words
        # that comes down to two or three (see _without_compound_parts) is counted.
        ahead = tokens[at : at + 3]
        if len(ahead) == 3 and ahead[0][0] == ahead[2][0] == "word" and is_distance(ahead[1]):
            chain = [(take()[1], 0)]
            while is_distance(peek()) and at + 1 < len(tokens) and tokens[at + 1][0] == "word":
                operator, word = take()[1], take()[1]
                distance = 1 if operator == "<->" else int(operator[1:-1])
                chain.append((word, chain[-1][1] + distance))
            chain = _without_compound_parts(chain)
            bits = snapshot.bits_of(_as_phrase(chain)) if 2 <= len(chain) <= 3 else None
        else:
            bits = one()
        return None if is_distance(peek()) else bits

    def one() -> np.ndarray | None:
        token = take() if peek() else None
        if token == ("op", "!"):
            bits = one()
            return None if bits is None else snapshot.everything & ~bits
        if token == ("op", "("):
            bits = either()
            return bits if peek() and take() == ("op", ")") else None
        if token and token[0] == "word":
            return snapshot.bits_of(token[1])
        return None

    bits = either()
    return bits if at == len(tokens) else None


# A word written with hyphens, as PostgreSQL's parser keeps it whole ('body-worn',
# 'up-to-d'): letters or digits joined by single hyphens.
_COMPOUND = re.compile(r"[^\W_]+(?:-[^\W_]+)+")


def _without_compound_parts(chain: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A phrase's words (lexeme, offset from the first) less those that say no more than
    a hyphenated word before them.

    PostgreSQL's parser keeps a hyphenated word whole, then each of its parts at the
    next positions: "body-worn" is 'body-worn' <-> 'bodi' <-> 'worn', in the query as
    in every entry. So where a word of the phrase follows the parts, they are implied
    by the whole word, and "body-worn video" ('body-worn' <-> 'bodi' <-> 'worn' <->
    'video', no bits of its own: 60,444 entries of a million, their ids found in 145 ms)
    is 'body-worn' <3> 'video', a pair with bits. Not when nothing follows them: past
    position 16383, where PostgreSQL puts every later word, a hyphenated word can be
    kept with its parts short of the positions after it.
    """
    kept: list[tuple[str, int]] = []
    index = 0
    while index < len(chain):
        word, offset = chain[index]
        kept.append((word, offset))
        index += 1
        if _COMPOUND.fullmatch(word):
            last_part = offset + word.count("-") + 1
            after = index
            while after < len(chain) and chain[after][1] <= last_part:
                after += 1
            if after < len(chain):
                index = after
    return kept


@dataclass(frozen=True)
class Results:
    """A search, or the filtered log, as the bitmaps of a snapshot read it (see
    ``select``): the snapshot, its entries unchanged since that match the search, and
    the entries each filter chooses (by facet). ``changed`` are the entries changed
    since the snapshot, left out of its bits; ``found_by_ids``, whether the matches
    were found from the ids of every entry the search finds (a search without bits of
    its own)."""

    snapshot: Snapshot
    matches: np.ndarray
    chosen: dict[str, np.ndarray]
    changed: list[int]
    found_by_ids: bool

    @cached_property
    def in_every_filter(self) -> np.ndarray:
        """The snapshot's results unchanged since: the entries that match the search and
        every filter."""
        return reduce(np.bitwise_and, self.chosen.values(), self.matches)


def select(
    snapshot_id: int,
    query: str | None,
    changed: list[int],
    filters: dict[str, list | tuple],
    fetch: Callable[[], np.ndarray],
) -> Results | None:
    """The results of a search as the bitmaps of a snapshot read it; None if the
    snapshot is gone (a new one was taken meanwhile).

    ``query`` is the search as websearch_to_tsquery writes it (None: every entry);
    ``changed``, the entries changed since the snapshot; ``filters`` maps a facet to the
    values chosen (``year``: the first and last dates). A search not made of counted
    terms (see ``matching``) is read by ``fetch``: the ids of every entry it finds,
    public or not (only the numbered ones count). Fetching them costs what finding the
    entries does, where counting over their rows cost about 5 µs more for each: 130 ms
    for a phrase of four words in 14,000 entries of a million, against 50 ms.
    """
    try:
        snapshot = _snapshot(snapshot_id)
        matches = snapshot.everything if query is None else matching(snapshot, query)
    except (FacetSnapshot.DoesNotExist, FacetBitmap.DoesNotExist):
        return None
    found_by_ids = matches is None
    if found_by_ids:
        matches = pack(snapshot.positions_of(fetch()), snapshot.size)
    chosen = {
        facet: snapshot.dated(*values) if facet == "year" else snapshot.any_of(facet, values)
        for facet, values in filters.items()
    }
    return Results(snapshot, snapshot.without(matches, changed), chosen, changed, found_by_ids)


def counts(results: Results) -> tuple[int, dict[str, Counter]]:
    """The total and the facet counts of the snapshot's results unchanged since; each
    facet's counts ignore its own filter."""
    snapshot, matches, chosen = results.snapshot, results.matches, results.chosen

    def all_filters_but(facet: str | None) -> np.ndarray:
        return reduce(np.bitwise_and, (b for f, b in chosen.items() if f != facet), matches)

    total = bit_count(all_filters_but(None))
    return total, {
        facet: snapshot.counts_in(facet, all_filters_but(facet)) for facet, _ in FACETS.values()
    }


def page_ids(
    results: Results, changed_found: list[tuple[datetime.date | None, int]], ranks: range
) -> list[int]:
    """The ids of the results at these ``ranks``, oldest first (rank 0: the oldest).

    The results are the snapshot's entries unchanged since that are results (see
    ``Results``), and ``changed_found``: the entries changed since that are results
    now, as (response date, id). Positions run in the log's order, response date then
    id, so the n-th result of the full snapshot's run is its n-th set bit, found from
    the bits' running counts, however deep: the date index would have to walk past
    every result before it. The others (the delta's results, and the changed ones) are
    few: each goes in where its date and id fall.
    """
    snapshot, bits = results.snapshot, results.in_every_filter
    (_start, end), *later_runs = snapshot.runs
    full = bits[: -(-end // 64)]
    running = np.cumsum(np.bitwise_count(full).astype(np.int64))  # up to each word

    def results_before(positions: np.ndarray) -> np.ndarray:
        """How many of the full run's results come before each of these positions."""
        word, bit = np.divmod(positions, 64)
        below = np.where(word > 0, running[np.maximum(word - 1, 0)], 0)
        inside = word < len(full)
        mask = (np.uint64(1) << bit[inside].astype(np.uint64)) - np.uint64(1)
        below[inside] += np.bitwise_count(full[word[inside]] & mask)
        return below

    # The other results in the log's order, and the rank of each: the full run's
    # results before it, and the others before it.
    others = np.zeros(0, dtype=np.int64)
    if later_runs:
        set_bits = np.flatnonzero(np.unpackbits(bits.view(np.uint8), bitorder="little")[end:])
        others = snapshot.keys[end + set_bits]
    changed = order_keys(
        np.array([day_of(day) for day, _pk in changed_found], dtype=np.int64),
        np.array([pk for _day, pk in changed_found], dtype=np.int64),
    )
    others = np.sort(np.concatenate([others, changed]))
    before = np.searchsorted(snapshot.keys[:end], others)  # the full run's positions
    ranks_of_others = results_before(before) + np.arange(len(others))
    ids = []
    for rank in ranks:
        other = int(np.searchsorted(ranks_of_others, rank))
        if other < len(others) and ranks_of_others[other] == rank:
            ids.append(int(others[other] & 0xFFFFFFFF))
            continue
        # The full run's result with this many of its own before it.
        nth = rank - other
        word = int(np.searchsorted(running, nth, side="right"))
        if word >= len(full):
            break  # past the last result
        within = nth - (int(running[word - 1]) if word else 0)
        in_word = np.flatnonzero(
            np.unpackbits(full[word : word + 1].view(np.uint8), bitorder="little")
        )
        ids.append(int(snapshot.ids[word * 64 + in_word[within]]))
    return ids


def ids(results: Results) -> np.ndarray:
    """The ids of the snapshot's results unchanged since (see ``Results``), in the
    log's order."""
    snapshot, bits = results.snapshot, results.in_every_filter
    return snapshot.ids[np.flatnonzero(np.unpackbits(bits.view(np.uint8), bitorder="little"))]


def tallies(results: Results) -> tuple[dict[str, np.ndarray], Counter, Counter]:
    """Of the snapshot's results unchanged since (see ``Results``): the response
    dates of those with each outcome (days since 1970), and how many cite each exemption
    and carry each keyword (by id)."""
    snapshot, bits = results.snapshot, results.in_every_filter
    known, stack = snapshot.facets["outcome"]
    days = {}
    for outcome, row in zip(known, stack, strict=True):
        held = np.unpackbits((row & bits).view(np.uint8), bitorder="little")
        days[outcome] = snapshot.days[np.flatnonzero(held)]
    return days, snapshot.counts_in("exemption", bits), snapshot.counts_in("keyword", bits)


# One snapshot at a time: a new one replaces the last in every process as it is first
# searched. Each holds about 50 MB at a million entries.
@lru_cache(maxsize=1)
def _snapshot(snapshot_id: int) -> Snapshot:
    """The snapshot ``snapshot_id`` as searches read it: a full one, or a delta joined to
    the full snapshot it was taken from (see ``take_delta``)."""
    fields = ("size", "ids", "days", "base_id", "covered")
    taken = FacetSnapshot.objects.values(*fields).get(pk=snapshot_id)
    if taken["base_id"] is None:
        ids, days = _arrays(taken)
        facets, terms = _bitmaps_of(snapshot_id, taken["size"])
        return _numbered(ids, days, facets, {key: (pk, None) for key, pk in terms.items()})
    full = FacetSnapshot.objects.values(*fields).get(pk=taken["base_id"])
    return _joined(
        full,
        _bitmaps_of(taken["base_id"], full["size"]),
        taken,
        _bitmaps_of(snapshot_id, taken["size"]),
    )


def _arrays(taken: dict) -> tuple[np.ndarray, np.ndarray]:
    """A snapshot's ids and days by position, as stored."""
    return np.frombuffer(taken["ids"], dtype="<i8"), np.frombuffer(taken["days"], dtype="<i8")


def _bitmaps_of(snapshot_id: int, size: int) -> tuple[dict, dict[str, int]]:
    """A snapshot's facets (each value's bits, one row a value) and its terms' bitmap
    ids, whose bits are read as searches need them (see _term_bits)."""
    values: dict[str, list] = {facet: [] for facet, _ in FACETS.values()}
    rows: dict[str, list] = {facet: [] for facet, _ in FACETS.values()}
    bitmaps = (
        FacetBitmap.objects.filter(snapshot_id=snapshot_id, kind__in=FACETS)
        .order_by("kind", "key")
        .values_list("kind", "key", "bits")
    )
    for kind, key, bits in bitmaps.iterator(chunk_size=100):
        facet, is_id = FACETS[kind]
        values[facet].append(int(key) if is_id else key)
        rows[facet].append(np.frombuffer(bits, dtype="<u8"))
    words = -(-size // 64)
    terms = FacetBitmap.objects.filter(
        snapshot_id=snapshot_id, kind__in=[FacetBitmap.Kind.TERM, FacetBitmap.Kind.PHRASE]
    )
    facets = {
        facet: (values[facet], np.array(rows[facet], dtype="<u8").reshape(len(rows[facet]), words))
        for facet in values
    }
    return facets, dict(terms.values_list("key", "pk"))


def _joined(full: dict, full_bitmaps: tuple, delta: dict, delta_bitmaps: tuple) -> Snapshot:
    """A full snapshot and a delta taken from it as one: the full snapshot's positions
    with holes where entries changed since it, then the delta's from the next word.

    Joining costs a copy of each facet's bitmaps, once a process, where putting the
    delta's entries in among the full snapshot's would move every bit after each one."""
    full_ids, full_days = _arrays(full)
    delta_ids, delta_days = _arrays(delta)
    changed = np.frombuffer(delta["covered"], dtype="<i8")
    size, words = len(full_ids), -(-len(full_ids) // 64)
    start = words * 64
    gap = start - size
    ids = np.concatenate([full_ids, np.full(gap, -1, dtype="<i8"), delta_ids])
    days = np.concatenate([full_days, np.zeros(gap, dtype="<i8"), delta_days])
    kept = pack(np.flatnonzero(~np.isin(full_ids, changed)), size)
    everything = np.concatenate([kept, pack(slice(0, len(delta_ids)), len(delta_ids))])
    (full_facets, full_terms), (delta_facets, delta_terms) = full_bitmaps, delta_bitmaps
    delta_words = len(everything) - words
    facets = {}
    for facet, (known, stack) in full_facets.items():
        more, more_stack = delta_facets[facet]
        values = known + [value for value in more if value not in known]
        joined = np.zeros((len(values), len(everything)), dtype="<u8")
        joined[: len(known), :words] = stack & kept
        for value, row in zip(more, more_stack, strict=True):
            joined[values.index(value), words:] = row[:delta_words]
        facets[facet] = (values, joined)
    return _numbered(
        ids,
        days,
        facets,
        {key: (pk, delta_terms.get(key)) for key, pk in full_terms.items()},
        everything=everything,
        runs=((0, size), (start, start + len(delta_ids))),
    )


# An array indexed by id is kept when it holds at most this many slots per entry
# numbered (4 bytes each): ids run densely, unless most entries were deleted.
DENSE_IDS = 8


def _numbered(
    ids: np.ndarray,
    days: np.ndarray,
    facets: dict,
    terms: dict[str, tuple[int, int | None]],
    everything: np.ndarray | None = None,
    runs: tuple[tuple[int, int], ...] | None = None,
) -> Snapshot:
    """A snapshot of the disclosures ``ids``, in the order of their positions; of those
    at the positions ``everything`` holds, if given (see ``_joined``)."""
    size = len(ids)
    if everything is None:
        everything = pack(slice(0, size), size)
    held = np.flatnonzero(np.unpackbits(everything.view(np.uint8), bitorder="little")[:size])
    held_ids = ids[held]
    by_id = np.argsort(held_ids, kind="stable")
    position_by_id = None
    if len(held) and held_ids.min() >= 0 and held_ids.max() < DENSE_IDS * len(held) + 1024:
        position_by_id = np.full(int(held_ids.max()) + 1, -1, dtype=np.int32)
        position_by_id[held_ids] = held.astype(np.int32)
    return Snapshot(
        size=size,
        days=days,
        ids=ids,
        ids_in_order=held_ids[by_id],
        positions_in_order=held[by_id],
        position_by_id=position_by_id,
        facets=facets,
        terms=terms,
        everything=everything,
        runs=runs or ((0, size),),
    )


# The commonest searches' bits, 120 kB each at a million entries.
@lru_cache(maxsize=64)
def _term_bits(bitmap_id: int) -> np.ndarray:
    bits = FacetBitmap.objects.values_list("bits", flat=True).get(pk=bitmap_id)
    return np.frombuffer(bits, dtype="<u8")


def _as_tsquery(lexeme: str) -> str:
    """A query of exactly this lexeme, as PostgreSQL's tsquery input reads it."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _as_phrase(chain: list[tuple[str, int]]) -> str:
    """A query of these lexemes at these offsets from the first, as PostgreSQL writes
    it: [('use', 0), ('forc', 2)] is 'use' <2> 'forc'."""
    query = _as_tsquery(chain[0][0])
    for (_, before), (lexeme, at) in itertools.pairwise(chain):
        operator = "<->" if at - before == 1 else f"<{at - before}>"
        query += f" {operator} {_as_tsquery(lexeme)}"
    return query


# A phrase's words are kept up to this many positions apart: stop words leave gaps
# ("use of force" is 'use' <2> 'forc', "use of the force" 'use' <3> 'forc').
PHRASE_DISTANCES = (1, 2, 3)
# Entries whose words are read at a time: about 100 common words' positions each, a few
# hundred megabytes of arrays at most, whatever the size of the log. A multiple of 64,
# so that each batch's words' bits start a 64-bit word of their own.
ENTRIES_AT_A_TIME = 25_600
# Each value read: the entry's position, its word's position in the entry, and the
# word's number; a position in the entry is at most 16383, so adding a distance never
# carries into the entry's position.
_WORD_BITS, _AT_BITS = 18, 15  # and 30 for the entry's position


def _common_words(cursor, min_documents: int) -> list[str]:
    """The stemmed words in at least ``min_documents`` of the entries being numbered
    (``snapshot_position``), in order."""
    cursor.execute(
        """
        SELECT word FROM ts_stat(
            'SELECT d.search_vector FROM snapshot_position AS p
               JOIN disclosures_disclosure AS d USING (id)')
         WHERE ndoc >= %s
         ORDER BY word
        """,
        [min_documents],
    )
    return [word for (word,) in cursor.fetchall()][: (1 << _WORD_BITS) - 1]


class _Found:
    """Phrases found in the entries batch by batch: how many entries hold each (by its
    code), and each batch's distinct (code, entry) pairs, ascending, in a file of its
    own (each as the code shifted left by ``entry_bits``, or'ed with the entry's
    position), so that a common phrase's entries are read back from the files' slices
    once the counts say which phrases are common."""

    def __init__(self, codes: int, entry_bits: int, folder: Path) -> None:
        self.entry_bits, self.folder = entry_bits, folder
        folder.mkdir()
        # No room for the codes beside an entry's position: far more words than any log
        # has, and nothing is counted.
        self.fits = codes > 0 and (codes << entry_bits) < 1 << 63
        self.counts = np.zeros(codes if self.fits else 0, dtype=np.int64)
        self.batches: list[Path] = []

    def add(self, found: np.ndarray) -> None:
        self.counts += np.bincount(found >> self.entry_bits, minlength=len(self.counts))
        path = self.folder / f"{len(self.batches)}.int64"
        found.tofile(path)
        self.batches.append(path)

    def positions(self, codes: list[int]) -> Iterator[tuple[int, np.ndarray]]:
        """Each of these codes, ascending, and the positions of the entries holding it."""
        files = [path.open("rb") for path in self.batches if path.stat().st_size]
        maps = [mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) for file in files]
        batches = [np.frombuffer(mapped, dtype=np.int64) for mapped in maps]
        try:
            for code in codes:
                bounds = [code << self.entry_bits, (code + 1) << self.entry_bits]
                positions = np.concatenate(
                    [found[slice(*np.searchsorted(found, bounds))] for found in batches]
                )
                # The pages read stay in the process while mapped: let them go, so that
                # it holds one phrase's, not every phrase's. With the words' bits packed
                # (see ``_WordsAndPhrases``), a million entries' refresh peaked at 0.8 GB,
                # not 1.6.
                for mapped in maps:
                    mapped.madvise(mmap.MADV_DONTNEED)
                yield code, positions & ((1 << self.entry_bits) - 1)
        finally:
            del batches
            for mapped, file in zip(maps, files, strict=True):
                mapped.close()
                file.close()


class _WordsAndPhrases:
    """The bitmaps of the common words of the entries being numbered, and of the phrases
    of two or three of them found in at least ``min_documents`` entries, read from the
    entries' stored word positions (as PostgreSQL checks a phrase itself: 'use' <2>
    'forc' holds where 'forc' is two positions after 'use').

    One pass reads the positions, ENTRIES_AT_A_TIME entries at a time: it sets the
    words' bits, counts the pairs of words, and keeps each batch's positions in a file.
    A second pass over those files counts the triples of words whose two pairs are both
    common (no triple is commoner than either of its pairs): two pairs' bits cannot say
    whether three words follow each other in one place, where a triple's can. Longer
    phrases have no bits.

    Memory stays bounded whatever the size of the log: the words' bits are kept (one
    bitmap each), the phrases' only counted during the passes (see ``_Found``).
    """

    def __init__(
        self,
        cursor,
        words: list[str],
        size: int,
        min_documents: int,
        phrases: set[str] | None = None,
    ) -> None:
        self.cursor, self.words, self.size = cursor, words, size
        self.min_documents = min_documents
        # Given: exactly these phrases are kept, however few entries hold them (a delta
        # keeps the phrases of the full snapshot it is taken from).
        self.phrases = phrases
        self.entry_bits = max(size, 1).bit_length()
        self.word_bits = np.zeros((len(words), -(-size // 64)), dtype="<u8")
        self.folder = tempfile.TemporaryDirectory(prefix="foilog-snapshot-")
        self.pairs = self._found("pairs", len(words) ** 2 * len(PHRASE_DISTANCES))
        self.pair_keys: dict[int, str] = {}
        # The kept pairs' codes, ascending: a triple's code holds its first pair's rank.
        self.pair_codes = np.zeros(0, dtype=np.int64)
        self.triples: _Found | None = None  # counted once the pairs are
        self.positions_read: list[Path] = []

    def _found(self, name: str, codes: int) -> _Found:
        return _Found(codes, self.entry_bits, Path(self.folder.name) / name)

    def read(self) -> None:
        """The two passes: over the entries' stored positions of the common words, then
        over the files of the positions read."""
        if not self.words:
            return
        self.cursor.execute(
            """
            CREATE TEMPORARY TABLE snapshot_word AS
            SELECT lexeme, (n - 1)::int AS n
              FROM unnest(%s::text[]) WITH ORDINALITY AS w(lexeme, n)
            """,
            [self.words],
        )
        self.cursor.execute("ANALYZE snapshot_word")
        self.cursor.execute("CREATE INDEX ON snapshot_position (position)")
        for first in range(0, self.size, ENTRIES_AT_A_TIME):
            # One value per row is too slow to read: all of a batch's come as one string.
            self.cursor.execute(
                f"""
                SELECT coalesce(string_agg(int8send(
                           (p.position::int8 << {_AT_BITS + _WORD_BITS})
                           | (at::int8 << {_WORD_BITS}) | w.n), ''), '')
                  FROM snapshot_position AS p JOIN disclosures_disclosure AS d USING (id)
                 CROSS JOIN LATERAL unnest(d.search_vector) AS v
                  JOIN snapshot_word AS w USING (lexeme)
                 CROSS JOIN LATERAL unnest(v.positions) AS at
                 WHERE p.position >= %s AND p.position < %s
                """,  # noqa: S608 -- only numbers are put in
                [first, first + ENTRIES_AT_A_TIME],
            )
            # In order of entry, then of position in the entry.
            values = np.sort(np.frombuffer(self.cursor.fetchone()[0], dtype=">i8").astype(np.int64))
            self._add_words(values, first)
            if self.pairs.fits:
                self.pairs.add(_pairs_in(values, len(self.words), self.entry_bits))
                path = Path(self.folder.name) / f"positions-{first}.int64"
                values.tofile(path)
                self.positions_read.append(path)
        self.cursor.execute("DROP TABLE snapshot_word")
        self.pair_keys = self._kept(self.pairs, self._pair)
        self._read_triples()

    def _add_words(self, values: np.ndarray, first: int) -> None:
        """Set the bits of the batch of entries from position ``first``."""
        entry = (values >> (_AT_BITS + _WORD_BITS)) - first
        word = values & ((1 << _WORD_BITS) - 1)
        # A flag for each word in each entry of the batch, set however often the word
        # is there, then packed: 31 ms a batch at a million entries, where finding each
        # (word, entry) once (np.unique) and setting its bit took 1.6 s (64 s of the
        # refresh's 250).
        held = np.zeros((len(self.words), ENTRIES_AT_A_TIME), dtype=bool)
        held[word, entry] = True
        packed = np.packbits(held, axis=1, bitorder="little").view("<u8")
        start = first // 64
        end = min(start + packed.shape[1], self.word_bits.shape[1])
        self.word_bits[:, start:end] = packed[:, : end - start]

    def _read_triples(self) -> None:
        """The second pass: count the triples whose pairs are both kept."""
        self.pair_codes = np.array(sorted(self.pair_keys), dtype=np.int64)
        rank = np.full(len(self.pairs.counts), -1, dtype=np.int64)
        rank[self.pair_codes] = np.arange(len(self.pair_codes))
        codes = len(self.pair_codes) * len(PHRASE_DISTANCES) * len(self.words)
        self.triples = self._found("triples", codes)
        for path in self.positions_read:
            if self.triples.fits:
                values = np.fromfile(path, dtype=np.int64)
                self.triples.add(_triples_in(values, len(self.words), self.entry_bits, rank))
            path.unlink()

    def _kept(self, found: _Found, chain_of: Callable[[int], list[tuple[str, int]]]) -> dict:
        """The codes of the phrases ``found`` to keep bits of, ascending, and each
        phrase as PostgreSQL writes it."""
        least = self.min_documents if self.phrases is None else 1
        kept = {}
        for code in np.flatnonzero(found.counts >= least).tolist():
            phrase = _as_phrase(chain_of(code))
            if self.phrases is None or phrase in self.phrases:
                kept[code] = phrase
        return kept

    def _pair(self, code: int) -> list[tuple[str, int]]:
        """The words of a pair (see ``_pairs_in``), each with its offset from the first."""
        first_and_second, distance = divmod(code, len(PHRASE_DISTANCES))
        first, second = divmod(first_and_second, len(self.words))
        return [(self.words[first], 0), (self.words[second], PHRASE_DISTANCES[distance])]

    def _triple(self, code: int) -> list[tuple[str, int]]:
        """The words of a triple (see ``_triples_in``), each with its offset."""
        rank_and_distance, third = divmod(code, len(self.words))
        rank, distance = divmod(rank_and_distance, len(PHRASE_DISTANCES))
        pair = self._pair(int(self.pair_codes[rank]))
        return [*pair, (self.words[third], pair[-1][1] + PHRASE_DISTANCES[distance])]

    def phrase_positions(self) -> Iterator[tuple[str, np.ndarray]]:
        """Each common phrase, as PostgreSQL writes it, and the positions of its entries."""
        for code, positions in self.pairs.positions(list(self.pair_keys)):
            yield self.pair_keys[code], positions
        if self.triples is None:
            return
        triple_keys = self._kept(self.triples, self._triple)
        for code, positions in self.triples.positions(list(triple_keys)):
            yield triple_keys[code], positions

    def close(self) -> None:
        self.folder.cleanup()


def _following(at: np.ndarray, of: np.ndarray, distance: int) -> tuple[np.ndarray, np.ndarray]:
    """Every word ``distance`` positions after each of the words ``of`` (indexes into
    ``at``, the entries' and words' positions, ascending): usually one or none, more only
    where several words share a position (PostgreSQL keeps none past 16383). As two
    arrays: the index into ``of`` of each word before, and the index of the word after."""
    after_at = at[of] + distance
    lo = np.searchsorted(at, after_at, "left")
    many = np.searchsorted(at, after_at, "right") - lo
    before = np.repeat(np.arange(len(of)), many)
    after = np.arange(many.sum()) - np.repeat(np.cumsum(many) - many, many)
    return before, after + np.repeat(lo, many)


def _distinct(found: list[np.ndarray]) -> np.ndarray:
    found = np.sort(np.concatenate(found))
    return found[np.diff(found, prepend=-1) != 0]


def _pair_code(first: np.ndarray, second: np.ndarray, index: int, word_count: int) -> np.ndarray:
    """The codes of pairs of these words (by number), ``PHRASE_DISTANCES[index]`` apart:
    the first word, the second, the distance (as ``_WordsAndPhrases._pair`` reads them)."""
    return (first * word_count + second) * len(PHRASE_DISTANCES) + index


def _pairs_in(values: np.ndarray, word_count: int, entry_bits: int) -> np.ndarray:
    """The distinct (pair, entry) pairs in the values read, ascending (see
    ``_WordsAndPhrases``; ``values`` ascending), each as the pair's code shifted left by
    ``entry_bits``, or'ed with the entry's position. A pair's code numbers its first
    word, its second word and their distance."""
    word = values & ((1 << _WORD_BITS) - 1)
    at = values >> _WORD_BITS  # the entry's position, then the word's
    every = np.arange(len(at))
    found = []
    for index, distance in enumerate(PHRASE_DISTANCES):
        before, after = _following(at, every, distance)
        code = _pair_code(word[before], word[after], index, word_count)
        found.append((code << entry_bits) | (at[before] >> _AT_BITS))
    return _distinct(found)


def _triples_in(
    values: np.ndarray, word_count: int, entry_bits: int, rank: np.ndarray
) -> np.ndarray:
    """The distinct (triple, entry) pairs in the values read whose two pairs are kept,
    as ``_pairs_in`` gives pairs. ``rank`` numbers the kept pairs by code (-1: not kept);
    a triple's code numbers its first pair's rank, the distance to its third word and
    that word."""
    word = values & ((1 << _WORD_BITS) - 1)
    at = values >> _WORD_BITS
    distances = len(PHRASE_DISTANCES)

    def kept_pairs(of: np.ndarray, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Of the words ``of``, those a kept pair starts, ``PHRASE_DISTANCES[index]``
        apart: (index into ``of``, index of the second word, the pair's rank)."""
        before, after = _following(at, of, PHRASE_DISTANCES[index])
        pair_rank = rank[_pair_code(word[of[before]], word[after], index, word_count)]
        kept = pair_rank >= 0
        return before[kept], after[kept], pair_rank[kept]

    every = np.arange(len(at))
    found = []
    for first_index in range(distances):
        first, second, first_rank = kept_pairs(every, first_index)
        for second_index in range(distances):
            of_second, third, _ = kept_pairs(second, second_index)
            code = (first_rank[of_second] * distances + second_index) * word_count + word[third]
            found.append((code << entry_bits) | (at[first[of_second]] >> _AT_BITS))
    return _distinct(found)


# A snapshot is worth taking from this many public entries: below it, any search counts
# its matches fast enough by itself (about 5 µs a match on two cores).
SNAPSHOT_FROM = 10_000


def take_snapshot(min_documents: int | None = None) -> FacetSnapshot | None:
    """Number the public log afresh and keep the bitmaps of its facet values, of each
    word in at least ``min_documents`` public entries, and of each phrase of two or three
    such words found as often; None, and no snapshot, when the public log has fewer entries
    than that (a small log counts its matches itself).

    Saves go on meanwhile: the snapshot is of the log as it stood when this began, and
    the notes of later changes stay, to be counted over their rows.
    """
    if min_documents is None:
        min_documents = SNAPSHOT_FROM
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # Only notes of changes this view of the log includes are deleted; Django's
        # cascade would read every bitmap first.
        cursor.execute("DELETE FROM disclosures_snapshotchange")
        cursor.execute("DELETE FROM disclosures_facetbitmap")
        cursor.execute("DELETE FROM disclosures_facetsnapshot")
        # Public as the log is when this began; entries due later are noted as changed,
        # and counted over their rows when they are due.
        size = _number(cursor, "TRUE", [])
        if size < min_documents:
            cursor.execute("DROP TABLE snapshot_position")
            return None
        cursor.execute(
            """
            INSERT INTO disclosures_snapshotchange (disclosure_id)
            SELECT id FROM disclosures_disclosure
             WHERE disclosures_is_scheduled(status, published_at)
            """
        )
        snapshot = _numbering(cursor, size)
        words = _common_words(cursor, min_documents)
        _keep_bitmaps(cursor, snapshot, _WordsAndPhrases(cursor, words, size, min_documents))
    return snapshot


def take_delta() -> FacetSnapshot | None:
    """Keep the entries changed since the last full snapshot apart, in a delta of it:
    the changed entries public now, numbered in the log's order, with the bitmaps of
    their facet values and of the full snapshot's words and phrases. Searches then read
    the full snapshot's bits, less the changed entries, and the delta's (see
    ``_joined``). None, and no delta, when there is no full snapshot to take it from.

    Its cost follows the entries changed since the full snapshot, not the size of the
    log: a delta replaces the last delta, holding its entries as well. Words and
    phrases common only among the changed entries get no bits until the next full
    snapshot (``refresh``): their searches count from the ids they find, as exactly.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        full = FacetSnapshot.objects.filter(base=None).order_by("-pk").first()
        if full is None:
            return None
        last = FacetSnapshot.objects.filter(base=full).order_by("-pk").first()
        covered = np.frombuffer(last.covered, dtype="<i8") if last else np.zeros(0, "<i8")
        cursor.execute("SELECT DISTINCT disclosure_id FROM disclosures_snapshotchange")
        noted = np.array([pk for (pk,) in cursor.fetchall()], dtype="<i8")
        covered = np.union1d(covered, noted).astype("<i8")
        # As take_snapshot: the notes this view of the log holds go, later ones stay.
        cursor.execute("DELETE FROM disclosures_snapshotchange")
        cursor.execute(
            "DELETE FROM disclosures_facetbitmap WHERE snapshot_id IN "
            "(SELECT id FROM disclosures_facetsnapshot WHERE base_id = %s)",
            [full.pk],
        )
        cursor.execute("DELETE FROM disclosures_facetsnapshot WHERE base_id = %s", [full.pk])
        size = _number(cursor, "id = ANY(%s)", [covered.tolist()])
        # Changed entries not due yet stay noted, to be counted over their rows when due.
        cursor.execute(
            """
            INSERT INTO disclosures_snapshotchange (disclosure_id)
            SELECT id FROM disclosures_disclosure
             WHERE id = ANY(%s) AND disclosures_is_scheduled(status, published_at)
            """,
            [covered.tolist()],
        )
        delta = _numbering(cursor, size, base=full, covered=covered)
        kept = dict(
            full.bitmaps.filter(
                kind__in=[FacetBitmap.Kind.TERM, FacetBitmap.Kind.PHRASE]
            ).values_list("key", "kind")
        )
        words = sorted(key for key, kind in kept.items() if kind == FacetBitmap.Kind.TERM)
        phrases = {key for key, kind in kept.items() if kind == FacetBitmap.Kind.PHRASE}
        found = _WordsAndPhrases(cursor, words, size, min_documents=1, phrases=phrases)
        _keep_bitmaps(cursor, delta, found)
    return delta


# A delta is taken instead of a full snapshot while the entries changed since the full
# snapshot are at most this share of it. Searches read a delta's bits as fast as the
# full snapshot's, but its cost grows with the changes it holds, and words common only
# among them have no bits of their own until the next full snapshot.
DELTA_SHARE = 0.1


def refresh(min_documents: int | None = None) -> FacetSnapshot | None:
    """Bring the search data up to date at the least cost: a delta of the last full
    snapshot (``take_delta``) while the entries changed since it are few enough (see
    DELTA_SHARE), else a full snapshot (``take_snapshot``). The snapshot or delta taken;
    None for a log too small for one."""
    full = FacetSnapshot.objects.filter(base=None).order_by("-pk").first()
    if full is not None:
        last = FacetSnapshot.objects.filter(base=full).order_by("-pk").first()
        covered = len(last.covered) // 8 if last else 0
        noted = SnapshotChange.objects.values("disclosure_id").distinct().count()
        if covered + noted <= DELTA_SHARE * full.size:
            return take_delta()
    return take_snapshot(min_documents)


def _number(cursor, where: str, params: list) -> int:
    """Number the public entries ``where`` holds in the log's order, in a temporary
    table ``snapshot_position`` (id, response_date, position); how many."""
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE snapshot_position AS
        SELECT id, response_date,
               (row_number() OVER (ORDER BY response_date NULLS FIRST, id) - 1)::int
                   AS position
          FROM disclosures_disclosure
         WHERE disclosures_is_public(status, published_at) AND {where}
        """,  # noqa: S608 -- the condition is this module's own
        params,
    )
    size = cursor.rowcount
    cursor.execute("CREATE INDEX ON snapshot_position (id)")
    cursor.execute("ANALYZE snapshot_position")
    return size


def _numbering(cursor, size: int, **fields) -> FacetSnapshot:
    """The snapshot (or delta: ``fields``) of the entries numbered, stored."""
    cursor.execute(
        """
        SELECT coalesce(array_agg(id ORDER BY position), '{}'),
               coalesce(array_agg(coalesce(response_date - DATE '1970-01-01', %s)
                                  ORDER BY position), '{}')
          FROM snapshot_position
        """,
        [UNDATED],
    )
    ids, days = (np.array(values, dtype="<i8") for values in cursor.fetchone())
    if "covered" in fields:
        fields["covered"] = fields["covered"].tobytes()
    return FacetSnapshot.objects.create(
        taken_at=timezone.now(), size=size, ids=ids.tobytes(), days=days.tobytes(), **fields
    )


def _keep_bitmaps(cursor, snapshot: FacetSnapshot, found: _WordsAndPhrases) -> None:
    """Store the bitmaps of the entries numbered: of their facet values, and of the
    words and phrases ``found`` reads. A delta keeps none that is empty: a term with no
    bitmap in a delta holds none of its entries."""
    size, delta = snapshot.size, snapshot.base_id is not None

    def bitmap(kind: str, key: str, positions: np.ndarray | list[int] | None = None):
        positions = np.asarray([] if positions is None else positions, dtype=np.int64)
        bits = pack(positions, size)
        return FacetBitmap(snapshot=snapshot, kind=kind, key=key, bits=bits.tobytes())

    cursor.execute(
        """
        SELECT f.facet, f.value, array_agg(p.position)
          FROM snapshot_position AS p JOIN disclosures_disclosure AS d USING (id)
         CROSS JOIN LATERAL disclosures_facet_values(
                d.outcome, d.response_date, d.exemption_ids, d.keyword_ids) AS f
         GROUP BY 1, 2
        """
    )
    FacetBitmap.objects.bulk_create(
        (bitmap(kind, key, positions) for kind, key, positions in cursor.fetchall()),
        batch_size=50,
    )
    try:
        found.read()

        def searched() -> Iterator[FacetBitmap]:
            for word, bits in zip(found.words, found.word_bits, strict=True):
                if not delta or bits.any():
                    yield FacetBitmap(
                        snapshot=snapshot, kind=FacetBitmap.Kind.TERM, key=word, bits=bits.tobytes()
                    )
            for phrase, positions in found.phrase_positions():
                yield bitmap(FacetBitmap.Kind.PHRASE, phrase, positions)

        # Fifty at a time: a million entries' bitmap is 120 kB.
        made = searched()
        while written := list(itertools.islice(made, 50)):
            FacetBitmap.objects.bulk_create(written)
    finally:
        found.close()
    cursor.execute("DROP TABLE snapshot_position")
