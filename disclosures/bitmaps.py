"""Exact counts from bitmaps, for searches and filtered lists that match too many entries
to count one by one: the log's one precomputed layer.

A snapshot (``FacetSnapshot``, taken by ``take_snapshot`` in the background worker)
numbers the public entries in order of response date and keeps a bitmap of the positions
holding each facet value (outcome, year, exemption, keyword), each common search term
(a stemmed word in at least ``min_documents`` public entries) and each common phrase of
two such words. The counts of a search of common words and phrases joined by AND, OR and
NOT, or of no search, under any filters, are then a few ANDs and bit counts over bitmaps
held in memory, however many entries match: a range of dates is a range of positions,
and each facet ANDs every filter but its own. Any other search is found in the database,
its matches' ids numbered, and counted the same way.

Entries changed since the snapshot (noted by a trigger, see ``SnapshotChange``) are left
out of the bits; the caller counts them over their rows (``counting``), so the counts
stay exact.
"""

from __future__ import annotations

import datetime
import itertools
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

from disclosures.models import FacetBitmap, FacetSnapshot

EPOCH = datetime.date(1970, 1, 1)
# The "day" of an entry with no response date: before every other, as the log's order
# has it (``models.NEWEST_FIRST``), and numpy's NaT, so no month is made of it.
UNDATED = np.iinfo(np.int64).min


def day_of(date: datetime.date | None) -> int:
    """A response date as a snapshot numbers it: days since 1970, or ``UNDATED``."""
    return UNDATED if date is None else (date - EPOCH).days


# The facet each kind of bitmap counts, as ``counting`` names them, and
# whether its values are ids.
FACETS = {
    FacetBitmap.Kind.OUTCOME: ("outcome", False),
    FacetBitmap.Kind.YEAR: ("year", False),
    FacetBitmap.Kind.EXEMPTION: ("exemption", True),
    FacetBitmap.Kind.KEYWORD: ("keyword", True),
}


def pack(positions: np.ndarray | slice, size: int) -> np.ndarray:
    """The bitmap of ``size`` positions with the bits at ``positions`` (an array of them,
    or a range as a slice) set: bit p is bit p % 64 of 64-bit word p // 64."""
    bools = np.zeros(-(-size // 64) * 64, dtype=bool)
    bools[positions] = True
    return np.packbits(bools, bitorder="little").view("<u8")


def bit_count(bits: np.ndarray) -> int:
    return int(np.bitwise_count(bits).sum(dtype=np.uint64))


@dataclass(frozen=True)
class Snapshot:
    """A snapshot as searches read it: the positions, and the bitmap of every facet
    value, one row per value."""

    size: int
    days: np.ndarray  # by position, so ascending: a response date as ``day_of`` has it
    ids: np.ndarray  # by position: ascending within each day
    ids_in_order: np.ndarray  # the disclosures' ids, ascending
    positions_in_order: np.ndarray  # and their positions
    # The position of each id (-1: not numbered), where ids run densely enough for an
    # array indexed by id to be small (see ``_numbered``); else None.
    position_by_id: np.ndarray | None
    facets: dict[str, tuple[list, np.ndarray]]
    # The bitmap id of each counted term, and of each common phrase of two counted words,
    # by the query that finds it, as PostgreSQL writes it ('polic', 'use' <2> 'forc').
    terms: dict[str, int]

    @cached_property
    def everything(self) -> np.ndarray:
        return pack(slice(0, self.size), self.size)

    def bits_of(self, term: str) -> np.ndarray | None:
        """The bits of a counted term or phrase (see ``terms``); None if not counted."""
        return _term_bits(self.terms[term]) if term in self.terms else None

    def positions_of(self, ids: list[int] | np.ndarray | None) -> np.ndarray:
        """The positions of these disclosures; ids not numbered are left out."""
        ids_array = np.asarray([] if ids is None else ids, dtype="<i8")
        if not len(ids_array) or not self.size:
            return np.zeros(0, dtype=np.int64)
        if self.position_by_id is not None:
            # One read per id, where a binary search takes twenty: 5 ms for the 24,000
            # matches of a phrase in a million entries, 0.2 ms so.
            known = ids_array[(ids_array >= 0) & (ids_array < len(self.position_by_id))]
            positions = self.position_by_id[known]
            return positions[positions >= 0].astype(np.int64)
        i = np.searchsorted(self.ids_in_order, ids_array).clip(max=self.size - 1)
        return self.positions_in_order[i[self.ids_in_order[i] == ids_array]]

    def positions_before(self, day: int, disclosure_id: int) -> int:
        """How many positions hold entries before (``day``, ``disclosure_id``) in the
        snapshot's order: response date (days since 1970), then id."""
        lo, hi = np.searchsorted(self.days, [day, day + 1])
        return int(lo + np.searchsorted(self.ids[lo:hi], disclosure_id))

    def without(self, bits: np.ndarray, ids: list[int]) -> np.ndarray:
        """``bits`` less the positions of these disclosures."""
        return bits & ~pack(self.positions_of(ids), self.size) if ids else bits

    def dated(self, first: datetime.date | None, last: datetime.date | None) -> np.ndarray:
        """The positions of the entries answered from ``first`` to ``last``, inclusive
        (undated entries, answered on no day, are never among them)."""
        lo = np.searchsorted(self.days, UNDATED + 1 if first is None else day_of(first), "left")
        hi = self.size
        if last is not None:
            hi = np.searchsorted(self.days, (last - EPOCH).days, "right")
        return pack(slice(lo, hi), self.size)

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
    writes it): its words' and two-word phrases' bits joined by its operators (& | !), or
    None if it has a word, or a phrase, not counted (a longer phrase has no bits of its
    own).
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
        # <-> and <N> bind tighter than &, looser than !; only phrases of two plain words
        # are counted.
        ahead = tokens[at : at + 3]
        if len(ahead) == 3 and ahead[0][0] == ahead[2][0] == "word" and is_distance(ahead[1]):
            (_, first), (_, operator), (_, second) = take(), take(), take()
            distance = 1 if operator == "<->" else int(operator[1:-1])
            bits = snapshot.bits_of(_as_phrase(first, second, distance))
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
    now, as (response date, id). Positions run in the log's
    order, response date then id, so the n-th result of the snapshot's is its n-th set
    bit, found from the bits' running counts, however deep: the date index would have
    to walk past every result before it. Each changed result goes in where its date
    and id fall.
    """
    snapshot, bits = results.snapshot, results.in_every_filter
    per_word = np.bitwise_count(bits).astype(np.int64)
    running = np.cumsum(per_word)  # the results up to and including each word

    def results_before(position: int) -> int:
        word, bit = divmod(position, 64)
        below = int(running[word - 1]) if word else 0
        if word < len(bits):
            below += int(np.bitwise_count(bits[word] & np.uint64((1 << bit) - 1)))
        return below

    # Each changed result's rank: the snapshot's results before it, and the changed
    # ones before it.
    later = sorted((day_of(day), pk) for day, pk in changed_found)
    changed_rank = {
        results_before(snapshot.positions_before(day, pk)) + n: pk
        for n, (day, pk) in enumerate(later)
    }
    ranks_of_changed = sorted(changed_rank)
    ids = []
    for rank in ranks:
        if rank in changed_rank:
            ids.append(changed_rank[rank])
            continue
        # The snapshot's result with this many of its own before it.
        nth = rank - int(np.searchsorted(ranks_of_changed, rank))
        word = int(np.searchsorted(running, nth, side="right"))
        if word >= len(bits):
            break  # past the last result
        within = nth - (int(running[word - 1]) if word else 0)
        set_bits = np.flatnonzero(
            np.unpackbits(bits[word : word + 1].view(np.uint8), bitorder="little")
        )
        ids.append(int(snapshot.ids[word * 64 + set_bits[within]]))
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
    size, ids, days = FacetSnapshot.objects.values_list("size", "ids", "days").get(pk=snapshot_id)
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
    # The terms' bits are read as searches need them (see _term_bits).
    terms = FacetBitmap.objects.filter(
        snapshot_id=snapshot_id, kind__in=[FacetBitmap.Kind.TERM, FacetBitmap.Kind.PHRASE]
    )
    return _numbered(
        np.frombuffer(ids, dtype="<i8"),
        np.frombuffer(days, dtype="<i8"),
        facets={
            facet: (values[facet], np.array(rows[facet], dtype="<u8").reshape(-1, words))
            for facet in values
        },
        terms=dict(terms.values_list("key", "pk")),
    )


# An array indexed by id is kept when it holds at most this many slots per entry
# numbered (4 bytes each): ids run densely, unless most entries were deleted.
DENSE_IDS = 8


def _numbered(ids: np.ndarray, days: np.ndarray, facets: dict, terms: dict[str, int]) -> Snapshot:
    """A snapshot of the disclosures ``ids``, in the order of their positions."""
    by_id = np.argsort(ids, kind="stable")
    position_by_id = None
    if len(ids) and ids.min() >= 0 and ids.max() < DENSE_IDS * len(ids) + 1024:
        position_by_id = np.full(int(ids.max()) + 1, -1, dtype=np.int32)
        position_by_id[ids] = np.arange(len(ids), dtype=np.int32)
    return Snapshot(
        size=len(ids),
        days=days,
        ids=ids,
        ids_in_order=ids[by_id],
        positions_in_order=by_id,
        position_by_id=position_by_id,
        facets=facets,
        terms=terms,
    )


# The commonest searches' bits, 120 kB each at a million entries.
@lru_cache(maxsize=64)
def _term_bits(bitmap_id: int) -> np.ndarray:
    bits = FacetBitmap.objects.values_list("bits", flat=True).get(pk=bitmap_id)
    return np.frombuffer(bits, dtype="<u8")


def _as_tsquery(lexeme: str) -> str:
    """A query of exactly this lexeme, as PostgreSQL's tsquery input reads it."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _as_phrase(first: str, second: str, distance: int) -> str:
    """A query of two lexemes ``distance`` positions apart, as PostgreSQL writes it."""
    operator = "<->" if distance == 1 else f"<{distance}>"
    return f"{_as_tsquery(first)} {operator} {_as_tsquery(second)}"


# Two-word phrases are kept with their words up to this many positions apart: stop words
# leave gaps ("use of force" is 'use' <2> 'forc', "use of the force" 'use' <3> 'forc').
PHRASE_DISTANCES = (1, 2, 3)
# Entries whose words are read at a time: about 100 common words' positions each, a few
# hundred megabytes of arrays at most, whatever the size of the log.
ENTRIES_AT_A_TIME = 25_000
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


class _WordsAndPhrases:
    """The bitmaps of the common words of the entries being numbered, and of the phrases
    of two of them found in at least ``min_documents`` entries, read from the entries'
    stored word positions (as PostgreSQL checks a phrase itself: 'use' <2> 'forc' holds
    where 'forc' is two positions after 'use') in one pass, ENTRIES_AT_A_TIME entries
    at a time.

    Memory stays bounded whatever the size of the log: the words' bits are kept (one
    bitmap each), the phrases' only counted during the pass; each batch's (phrase,
    entry) pairs go to a file, sorted, and each common phrase's entries are read back
    from the files' slices once the counts say which phrases are common.
    """

    def __init__(self, cursor, words: list[str], size: int, min_documents: int) -> None:
        self.cursor, self.words, self.size = cursor, words, size
        self.min_documents = min_documents
        self.entry_bits = max(size, 1).bit_length()
        self.phrase_codes = len(words) ** 2 * len(PHRASE_DISTANCES)
        self.word_bits = np.zeros((len(words), -(-size // 64)), dtype="<u8")
        self.phrase_counts = np.zeros(self.phrase_codes, dtype=np.int64)
        self.folder = tempfile.TemporaryDirectory(prefix="foilog-snapshot-")
        self.batches: list[Path] = []

    def read(self) -> None:
        """One pass over the entries' stored positions of the common words."""
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
            values = np.frombuffer(self.cursor.fetchone()[0], dtype=">i8").astype(np.int64)
            self._add_words(values)
            self._add_phrases(values)
        self.cursor.execute("DROP TABLE snapshot_word")

    def _add_words(self, values: np.ndarray) -> None:
        entry = values >> (_AT_BITS + _WORD_BITS)
        word = values & ((1 << _WORD_BITS) - 1)
        flat = np.unique(word * (self.word_bits.shape[1] * 64) + entry)
        word, entry = np.divmod(flat, self.word_bits.shape[1] * 64)
        bits = np.left_shift(np.uint64(1), (entry % 64).astype(np.uint64))
        np.bitwise_or.at(self.word_bits, (word, entry // 64), bits)

    def _add_phrases(self, values: np.ndarray) -> None:
        if not self.phrase_codes or (self.phrase_codes << self.entry_bits) >= 1 << 63:
            return  # far more words than any log has: no room for their numbers
        found = _pairs_in(values, len(self.words), self.entry_bits)
        self.phrase_counts += np.bincount(found >> self.entry_bits, minlength=self.phrase_codes)
        path = Path(self.folder.name) / f"{len(self.batches)}.npy"
        np.save(path, found)
        self.batches.append(path)

    def phrase_positions(self) -> Iterator[tuple[str, np.ndarray]]:
        """Each common phrase, as PostgreSQL writes it, and the positions of its entries."""
        batches = [np.load(path, mmap_mode="r") for path in self.batches]
        for code in np.flatnonzero(self.phrase_counts >= self.min_documents).tolist():
            first_and_second, distance = divmod(code, len(PHRASE_DISTANCES))
            first_word, second_word = divmod(first_and_second, len(self.words))
            held = []
            for found in batches:
                start, end = np.searchsorted(
                    found, [code << self.entry_bits, (code + 1) << self.entry_bits]
                )
                held.append(np.asarray(found[start:end]))
            yield (
                _as_phrase(
                    self.words[first_word], self.words[second_word], PHRASE_DISTANCES[distance]
                ),
                np.concatenate(held) & ((1 << self.entry_bits) - 1),
            )

    def close(self) -> None:
        self.folder.cleanup()


def _pairs_in(values: np.ndarray, word_count: int, entry_bits: int) -> np.ndarray:
    """The distinct (phrase, entry) pairs in the values read (see ``_WordsAndPhrases``),
    ascending, each as the phrase's code shifted left by ``entry_bits``, or'ed with the
    entry's position."""
    word = values & ((1 << _WORD_BITS) - 1)
    at = values >> _WORD_BITS  # the entry's position, then the word's
    order = np.argsort(at, kind="stable")
    at, word = at[order], word[order]
    found = []
    for index, distance in enumerate(PHRASE_DISTANCES):
        # Every word ``distance`` positions after each: usually one or none, more only
        # where several words share a position (PostgreSQL keeps none past 16383).
        lo = np.searchsorted(at, at + distance, "left")
        hi = np.searchsorted(at, at + distance, "right")
        many = hi - lo
        before = np.repeat(np.arange(len(at)), many)
        after = np.arange(many.sum()) - np.repeat(np.cumsum(many) - many, many)
        after += np.repeat(lo, many)
        code = (word[before] * word_count + word[after]) * len(PHRASE_DISTANCES) + index
        found.append((code << entry_bits) | (at[before] >> _AT_BITS))
    found = np.sort(np.concatenate(found))
    return found[np.diff(found, prepend=-1) != 0]


# A snapshot is worth taking from this many public entries: below it, any search counts
# its matches fast enough by itself (about 5 µs a match on two cores).
SNAPSHOT_FROM = 10_000


def take_snapshot(min_documents: int | None = None) -> FacetSnapshot | None:
    """Number the public log afresh and keep the bitmaps of its facet values, of each
    word in at least ``min_documents`` public entries, and of each phrase of two such
    words found as often; None, and no snapshot, when the public log has fewer entries
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
        cursor.execute(
            """
            CREATE TEMPORARY TABLE snapshot_position AS
            SELECT id, response_date,
                   (row_number() OVER (ORDER BY response_date NULLS FIRST, id) - 1)::int
                       AS position
              FROM disclosures_disclosure
             WHERE disclosures_is_public(status, published_at)
            """
        )
        size = cursor.rowcount
        if size < min_documents:
            cursor.execute("DROP TABLE snapshot_position")
            return None
        cursor.execute("CREATE INDEX ON snapshot_position (id)")
        cursor.execute("ANALYZE snapshot_position")
        cursor.execute(
            """
            INSERT INTO disclosures_snapshotchange (disclosure_id)
            SELECT id FROM disclosures_disclosure
             WHERE disclosures_is_scheduled(status, published_at)
            """
        )
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
        snapshot = FacetSnapshot.objects.create(
            taken_at=timezone.now(), size=size, ids=ids.tobytes(), days=days.tobytes()
        )

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

        found = _WordsAndPhrases(cursor, _common_words(cursor, min_documents), size, min_documents)
        try:
            found.read()

            def searched() -> Iterator[FacetBitmap]:
                for word, bits in zip(found.words, found.word_bits, strict=True):
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
    return snapshot
