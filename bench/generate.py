"""Fill the benchmark's database with N synthetic disclosures, fast.

    FOILOG_VAR_DIR=var/bench .venv/bin/python bench/generate.py --size 1000000

Rows go straight into PostgreSQL with COPY (psycopg 3, through Django's connection):
the disclosures, then their exemptions and their keywords in one COPY statement each, so
the statement-level triggers of the migrations run once per table: the vocabulary for
"did you mean" is collected once, and keywords_text is filled in one UPDATE. The stored
search vector is computed by PostgreSQL as rows arrive. The disclosure table's secondary
indexes (the GIN index of the search vector among them) are dropped first and made
again afterwards with their own definitions, all in one transaction, then VACUUM ANALYZE.

Idempotent: when the table already holds exactly the rows this version of the generator
makes for ``--size`` and ``--seed``, nothing is done; otherwise the log is emptied and
made again. Only ever run it against the benchmark's own database (run.py makes sure).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402

GENERATOR_VERSION = 2
SEED = 20240101
# The log spans 15 years, ending before the benchmark was written, so every published
# entry is in the past whenever it runs.
END_DATE = datetime.date(2026, 10, 30)
START_DATE = END_DATE - datetime.timedelta(days=15 * 365)
TABLE = "disclosures_disclosure"
CHUNK_ROWS = 5000

OUTCOMES = [
    ("granted-in-full", 40),
    ("granted-in-part", 20),
    ("not-held", 17),
    ("refused", 7),
    ("refused-cost-limit", 8),
    ("refused-vexatious", 1.5),
    ("neither-confirm-nor-deny", 6.5),
]
# Exemptions cited, most cited first (weights follow the rank).
PARTIAL_EXEMPTIONS = [
    "s40-2", "s31-1-a", "s43-2", "s38-1-a", "s30-1-a", "s21", "s41-1", "s24-1", "s22",
    "s31-1-b", "s30-2", "s42-1", "s36-2-c", "s44-1", "s40-1", "s23-1", "s31-1-g", "s38-1-b",
    "s36-2-b-i", "s35-1-a", "s27-1", "s26-1-b", "s32-1", "s33-2", "s29-1", "s22a", "s39-1",
    "eir-13", "eir-12-5-a", "eir-12-5-e", "eir-12-4-b", "eir-12-5-b",
]  # fmt: skip
NCND_EXEMPTIONS = [
    "s23-5", "s24-2", "s31-3", "s30-3", "s40-5", "s43-3", "s38-2",
]  # fmt: skip


def log(message: str, began: float | None = None) -> None:
    stamp = f" [{time.monotonic() - began:7.1f} s]" if began is not None else ""
    print(f"generate{stamp} {message}", flush=True)


# ---------------------------------------------------------------------------------------
# The rows


def _copy_text(value: str) -> str:
    """``value`` escaped for COPY's text format (the vocabulary holds no tab or CR)."""
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\r", "").replace("\n", "\\n")


def _draw(rng: random.Random, items: list, cumulative: list[float], k: int) -> list:
    return rng.choices(items, cum_weights=cumulative, k=k)


POOL_BITS = 16  # pools of 65,536 values drawn in advance: a draw is then one getrandbits


class _Slots(dict):
    """A template's values, each drawn the first time the template asks for it."""

    def __init__(self, maker: LogMaker, year: int, fixed: dict[str, str]):
        super().__init__(fixed)
        self.maker = maker
        self.row_year = year

    def __missing__(self, key: str) -> str:
        value = self.maker.slot(key, self)
        self[key] = value
        return value


class LogMaker:
    """Makes the rows of the log, in date order, from one seeded random generator."""

    def __init__(
        self,
        size: int,
        seed: int,
        keyword_ids: dict[str, int],
        keyword_order: dict[int, tuple[int, str]],
        exemptions: set[str],
    ):
        self.size = size
        self.keyword_order = keyword_order
        self.rng = rng = random.Random(seed)
        self.bits = rng.getrandbits
        self.keyword_ids = keyword_ids
        places, streets, operations, specialist = corpus.rare_terms(rng)
        requests, responses = corpus.mined_sentences()
        rng.shuffle(requests)
        rng.shuffle(responses)
        partial = [slug for slug in PARTIAL_EXEMPTIONS if slug in exemptions]
        ncnd = [slug for slug in NCND_EXEMPTIONS if slug in exemptions]

        def pool(items, exponent=1.0):
            """Zipf-like: a few items are everywhere, most are rare."""
            weights = corpus.zipf_cumulative(len(items), exponent)
            return rng.choices(items, cum_weights=weights, k=1 << POOL_BITS)

        def numbers(make):
            return [make() for _ in range(1 << POOL_BITS)]

        self.pools = {
            "place": pool(places),
            "street": pool(streets),
            "operation": pool(operations),
            "rare": pool(specialist),
            # Counts: mostly small, a few large.
            "n": numbers(lambda: str(int(rng.expovariate(1 / 180)))),
            "n2": numbers(lambda: str(int(rng.expovariate(1 / 40)))),
            "n3": numbers(lambda: str(rng.randint(0, 400))),
            "pct": numbers(lambda: str(rng.randint(-40, 60))),
            "money": numbers(lambda: f"{int(rng.lognormvariate(10, 1.6)) + 100:,}"),
            "money2": numbers(lambda: f"{int(rng.lognormvariate(10, 1.6)) + 100:,}"),
            "day": numbers(lambda: f"{rng.randint(1, 28)} {rng.choice(MONTHS)}"),
        }
        self.requests = pool(requests, 1.1)
        self.responses = pool(responses, 1.1)
        self.questions = pool(corpus.QUESTION_TEMPLATES, 0.7)
        self.answers = pool(corpus.ANSWER_TEMPLATES, 0.6)
        self.general_keywords = pool(corpus.GENERAL_KEYWORDS)
        self.partial = pool(partial, 1.2)
        self.ncnd = pool(ncnd, 0.8)
        # Short, usual and long entries: most are a few paragraphs, some run to pages.
        # (questions, mined request sentences, answers, mined response sentences)
        shapes = (
            ((1, 2), (0, 0), (0, 1), (0, 1)),
            ((2, 4), (0, 2), (1, 4), (1, 3)),
            ((3, 6), (1, 3), (3, 7), (2, 6)),
            ((5, 10), (2, 6), (6, 14), (5, 14)),
        )
        self.lengths = [
            tuple(rng.randint(*bounds) for bounds in shapes[kind])
            for kind in rng.choices(range(4), weights=(25, 50, 20, 5), k=1 << POOL_BITS)
        ]
        self.topic_cw = corpus.zipf_cumulative(len(corpus.TOPICS), 0.9)
        self.outcomes = [value for value, _weight in OUTCOMES]
        self.outcome_cw = list(itertools.accumulate(weight for _value, weight in OUTCOMES))

    def pick(self, items: list):
        return items[self.bits(POOL_BITS)]

    def slot(self, key: str, slots: _Slots) -> str:
        pool = self.pools.get(key)
        if pool is not None:
            return pool[self.bits(POOL_BITS)]
        year = slots.row_year
        if key == "year":
            return str(year - int(self.rng.random() * 7))
        if key == "year2":
            first = int(slots["year"])
            return str(first + int(self.rng.random() * (year - first + 1)))
        if key in ("fy1", "fy2"):
            first = int(slots["year" if key == "fy1" else "year2"])
            return f"{first}/{(first + 1) % 100:02d}"
        if key == "date":
            return f"{slots['day']} {year}"
        raise KeyError(key)

    # -- dates and references ------------------------------------------------------------

    def response_days(self) -> list[int]:
        """Day offsets from START_DATE, sorted: the log grows by about 8 % a year."""
        days = (END_DATE - START_DATE).days
        weights = itertools.accumulate(1.08 ** (day / 365) for day in range(days + 1))
        return sorted(self.rng.choices(range(days + 1), cum_weights=list(weights), k=self.size))

    def references(self, dates: list[datetime.date]) -> list[str]:
        """References in the shapes the authority used over time: plain numbers until 2020
        (16495), FOI/21/1234 in 2021-22, FOI-2024-0123 since 2023; a few typed with spaces
        (FOI 2021 0047). Numbered in order within each year."""
        rng = self.rng
        serial = itertools.count(10001)
        per_year: dict[int, itertools.count] = {}
        references = []
        for day in dates:
            year = day.year
            if year <= 2020:
                references.append(str(next(serial)))
                continue
            number = next(per_year.setdefault(year, itertools.count(1)))
            if rng.random() < 0.03:
                references.append(f"FOI {year} {number:04d}")
            elif year <= 2022:
                references.append(f"FOI/{year % 100:02d}/{number:04d}")
            else:
                references.append(f"FOI-{year}-{number:04d}")
        return references

    # -- texts ---------------------------------------------------------------------------

    def texts(self, topic: tuple, outcome: str, year: int, exemption_slugs: list[str]):
        """(title, request, response) for one disclosure."""
        rng, pick = self.rng, self.pick
        name, subject, _keywords = topic
        fixed = {"subject": subject, "title": name, "name": name, "authority": corpus.AUTHORITY}
        slots = _Slots(self, year, fixed)
        title = rng.choice(TITLE_SHAPES).format_map(slots)
        questions, mined_requests, answers, mined_responses = pick(self.lengths)

        request = [rng.choice(corpus.REQUEST_OPENINGS).format_map(slots)]
        for number in range(1, questions + 1):
            text = pick(self.questions).format_map(slots)
            request.append(f"{number}. {text}" if questions > 1 else text)
            slots = _Slots(self, year, fixed)
        request += [pick(self.requests) for _ in range(mined_requests)]
        request.append(rng.choice(corpus.REQUEST_CLOSINGS))
        request_text = "\n\n".join(part for part in request if part)
        if rng.random() < 0.05:  # requesters mistype
            request_text = self._with_typo(request_text)

        response = [rng.choice(corpus.RESPONSE_OPENINGS[outcome]).format_map(slots)]
        if outcome in ("granted-in-full", "granted-in-part"):
            for _ in range(answers):
                slots = _Slots(self, year, fixed)
                response.append(pick(self.answers).format_map(slots))
        response += [pick(self.responses) for _ in range(mined_responses)]
        response += [
            corpus.EXEMPTION_PARAGRAPHS[slug]
            for slug in exemption_slugs
            if slug in corpus.EXEMPTION_PARAGRAPHS
        ]
        return title, request_text, "\n\n".join(response)

    def _with_typo(self, text: str) -> str:
        words = text.split(" ")
        candidates = [i for i, word in enumerate(words) if word.isalpha() and len(word) > 4]
        if candidates:
            i = self.rng.choice(candidates)
            words[i] = corpus.typo(words[i], self.rng)
        return " ".join(words)

    # -- links ---------------------------------------------------------------------------

    def exemptions_for(self, outcome: str) -> list[str]:
        chance = self.rng.random()
        if outcome == "granted-in-part":
            count = 1 if chance < 0.7 else 2 if chance < 0.95 else 3
        elif outcome == "refused":
            count = 1 if chance < 0.5 else 2 if chance < 0.85 else 3
        elif outcome == "neither-confirm-nor-deny":
            count = 1 if chance < 0.6 else 2
            return list(dict.fromkeys(self.pick(self.ncnd) for _ in range(count)))
        elif outcome == "not-held" and chance < 0.04:
            return ["eir-12-4-a"]
        else:
            return []
        return list(dict.fromkeys(self.pick(self.partial) for _ in range(count)))

    def keywords_for(self, topic: tuple) -> list[int]:
        chance = self.rng.random()
        names = list(topic[2]) if chance < 0.95 else []
        extra = int(chance * 100) % 20  # independent enough of the 5 % above
        names += [
            self.pick(self.general_keywords)
            for _ in range(0 if extra < 10 else 1 if extra < 17 else 2)
        ]
        if self.rng.random() < 0.03:
            names.append(self.rng.choice(corpus.RARE_KEYWORDS))
        return list(dict.fromkeys(self.keyword_ids[name.lower()] for name in names))

    def keywords_text(self, keywords: list[int]) -> str:
        """What the keyword links' trigger (migration 0003) stores: the names in the
        database's order, space-separated."""
        if not self.keyword_order:
            return ""
        return " ".join(name for _rank, name in sorted(self.keyword_order[k] for k in keywords))

    # -- all of it -----------------------------------------------------------------------

    def entries(self) -> Iterator[Entry]:
        """Yield the log's entries in id order (the first is 1)."""
        rng = self.rng
        offsets = self.response_days()
        days = (END_DATE - START_DATE).days + 2
        iso = [(START_DATE + datetime.timedelta(days=d - 21)).isoformat() for d in range(days + 21)]
        dates = [START_DATE + datetime.timedelta(days=offset) for offset in offsets]
        references = self.references(dates)
        topics = _draw(rng, corpus.TOPICS, self.topic_cw, self.size)
        outcomes = _draw(rng, self.outcomes, self.outcome_cw, self.size)
        random_ = rng.random
        for index in range(self.size):
            offset = offsets[index]
            outcome = outcomes[index]
            exemption_slugs = self.exemptions_for(outcome)
            title, request, response = self.texts(
                topics[index], outcome, dates[index].year, exemption_slugs
            )
            # iso[offset + 21] is the response date; published the next morning.
            published = f"{iso[offset + 22]} 09:{int(random_() * 12) * 5:02d}:00+00"
            created = (
                f"{iso[offset + 21 - int(random_() * 21)]} "
                f"{8 + int(random_() * 10):02d}:{int(random_() * 60):02d}:17+00"
            )
            state = random_()
            if state < 0.02:
                status, published_at, reason, updated = "draft", "\\N", "", created
            elif state < 0.025:
                status, reason = "withdrawn", rng.choice(corpus.WITHDRAWN_REASONS)
                published_at = published
                later = min(len(iso) - 1, offset + 22 + int(random_() * 20))
                updated = f"{iso[later]} 11:30:00+00"
            else:
                status, reason, updated, published_at = "published", "", published, published
            yield Entry(
                id=index + 1,
                reference=references[index],
                title=title,
                request=request,
                outcome=outcome,
                response_date=iso[offset + 21],
                response=response,
                status=status,
                published_at=published_at,
                withdrawn_reason=reason,
                created_at=created,
                updated_at=updated,
                exemption_slugs=exemption_slugs,
                keywords=self.keywords_for(topics[index]),
            )

    def rows(self) -> Iterator[tuple[str, list[str], list[int]]]:
        """Yield (disclosure TSV line, exemption slugs, keyword ids) in id order."""
        for entry in self.entries():
            line = "\t".join(
                (
                    str(entry.id),
                    entry.reference,
                    _copy_text(entry.title),
                    _copy_text(entry.request),
                    entry.outcome,
                    entry.response_date,
                    _copy_text(entry.response),
                    entry.status,
                    entry.published_at,
                    _copy_text(entry.withdrawn_reason),
                    entry.created_at,
                    entry.updated_at,
                    self.keywords_text(entry.keywords),
                )
            )
            yield line, entry.exemption_slugs, entry.keywords


@dataclass
class Entry:
    """One generated disclosure. Dates and times are as COPY reads them (\\N: none)."""

    id: int
    reference: str
    title: str
    request: str
    outcome: str
    response_date: str
    response: str
    status: str
    published_at: str
    withdrawn_reason: str
    created_at: str
    updated_at: str
    exemption_slugs: list[str]
    keywords: list[int]  # ids, as the keywords were given to LogMaker


MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]  # fmt: skip
TITLE_SHAPES = [
    "{name}", "{name}", "{name}", "{name} {year}", "{name} {fy1}", "{name} {year}-{year2}",
    "{name} in {place}", "Cost of {name}", "{name} – Follow-up Request",
    "{name} by Age and Ethnicity", "{name}: Policy and Guidance", "{name} (Corrected Response)",
    "{name} Since {year}", "{name} Involving Children", "{name} and {rare}",
]  # fmt: skip
DISCLOSURE_COLUMNS = [
    "id", "reference", "title", "request_text", "outcome", "response_date",
    "response_narrative", "status", "published_at", "withdrawn_reason", "created_at",
    "updated_at", "keywords_text",
]  # fmt: skip
# Written with each row, as the link tables' triggers (migration 0009) would write them.
ARRAY_COLUMNS = ["exemption_ids", "keyword_ids"]


# ---------------------------------------------------------------------------------------
# The database


def _raw(connection):
    connection.ensure_connection()
    return connection.connection


def marker(size: int, seed: int) -> str:
    return f"foilog-bench generator={GENERATOR_VERSION} size={size} seed={seed}"


def current_marker(connection) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT obj_description('{TABLE}'::regclass, 'pg_class')")
        return cursor.fetchone()[0]


def is_generated(connection, size: int, seed: int) -> bool:
    if current_marker(connection) != marker(size, seed):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        return cursor.fetchone()[0] == size


def _extra_required_columns(cursor) -> list[tuple[str, str]]:
    """Columns added since this generator was written that need a value: NOT NULL, no
    default, not generated. Text gets '', numbers 0, booleans false."""
    cursor.execute(
        """
        SELECT column_name, data_type FROM information_schema.columns
         WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
           AND is_generated = 'NEVER' AND column_name <> ALL(%s)
        """,
        [TABLE, DISCLOSURE_COLUMNS + ARRAY_COLUMNS],
    )
    extra = []
    for name, kind in cursor.fetchall():
        if kind in ("text", "character varying"):
            extra.append((name, ""))
        elif kind in ("integer", "bigint", "smallint", "numeric"):
            extra.append((name, "0"))
        elif kind == "boolean":
            extra.append((name, "f"))
        elif kind == "jsonb":
            extra.append((name, "{}"))
        else:
            raise RuntimeError(f"bench/generate.py does not know how to fill {TABLE}.{name}")
    return extra


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, definition) of the disclosure table's indexes that back no constraint."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
         WHERE x.indrelid = %s::regclass
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
         ORDER BY i.relname
        """,
        [TABLE],
    )
    return cursor.fetchall()


KEYWORDS_TEXT_MISMATCHES = """
    SELECT count(*) FROM disclosures_disclosure AS d
     WHERE d.keywords_text <> coalesce((
            SELECT string_agg(k.name, ' ' ORDER BY k.name)
              FROM disclosures_disclosure_keywords AS dk
              JOIN disclosures_keyword AS k ON k.id = dk.keyword_id
             WHERE dk.disclosure_id = d.id), '')
"""


ID_ARRAY_MISMATCHES = """
    SELECT count(*) FROM disclosures_disclosure AS d
     WHERE d.exemption_ids <> coalesce((
            SELECT array_agg(exemption_id ORDER BY exemption_id)
              FROM disclosures_disclosure_exemptions WHERE disclosure_id = d.id), '{}')
        OR d.keyword_ids <> coalesce((
            SELECT array_agg(keyword_id ORDER BY keyword_id)
              FROM disclosures_disclosure_keywords WHERE disclosure_id = d.id), '{}')
"""


def empty_log(cursor) -> None:
    """Delete every disclosure and keyword, and what was made of them."""
    cursor.execute(
        f"TRUNCATE {TABLE}, disclosures_keyword, disclosures_searchword, "
        "disclosures_facetsnapshot, disclosures_facetbitmap, disclosures_snapshotchange, "
        "disclosures_vocabularypending, disclosures_wholelogfile RESTART IDENTITY CASCADE"
    )


def generate(size: int, seed: int = SEED, force: bool = False, triggers: bool = False) -> dict:
    """Bring the log to exactly ``size`` generated disclosures. Returns what was done.

    Two of the migrations' triggers are off while rows are copied, because they would
    parse every text again (PostgreSQL's text parser, not Python, is what takes the time):

    - keywords_text is written with each row, exactly as the keyword links' trigger
      would write it, and checked afterwards with the trigger's own query. Letting the
      trigger do it UPDATEs every row, which computes every search vector and the
      vocabulary a second time and leaves half the table dead.
    - the "did you mean" vocabulary (the words of public entries, counted) is made once
      from the loaded rows by ``disclosures_rebuild_vocabulary()``, the SQL the
      migrations load, instead of once per chunk of rows.

    ``triggers=True`` leaves both triggers on instead (slower; same rows).
    """
    from django.db import connection, transaction

    from disclosures.models import FacetSnapshot

    if not force and is_generated(connection, size, seed):
        log(f"{size:,} generated disclosures already there (seed {seed})")
        timings = {}
        if not FacetSnapshot.objects.exists():
            timings["refresh_search_data"] = refresh_search_data()
        return {"generated": False, "timings": timings}
    assert datetime.date.today() > END_DATE, "END_DATE must be in the past"
    began = time.monotonic()
    timings: dict[str, float] = {}
    log(f"making {size:,} disclosures (seed {seed})")
    raw = _raw(connection)
    with transaction.atomic(), raw.cursor() as cursor:
        for setting in (
            "SET LOCAL maintenance_work_mem = '1GB'",
            "SET LOCAL work_mem = '256MB'",
            "SET LOCAL synchronous_commit = off",
            # Foreign keys checked row by row as links arrive, not queued to the end
            # (where they would block CREATE INDEX).
            "SET CONSTRAINTS ALL IMMEDIATE",
        ):
            cursor.execute(setting)
        empty_log(cursor)
        indexes = _secondary_indexes(cursor)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        log(f"emptied the log; dropped indexes {', '.join(n for n, _ in indexes)}", began)

        keyword_ids = _load_keywords(cursor)
        cursor.execute("SELECT id, name FROM disclosures_keyword ORDER BY name")
        keyword_order = {pk: (rank, name) for rank, (pk, name) in enumerate(cursor.fetchall())}
        if triggers:
            keyword_order = {}  # keywords_text '' until the trigger fills it
        cursor.execute("SELECT slug, id FROM disclosures_exemption")
        exemption_ids = dict(cursor.fetchall())
        maker = LogMaker(size, seed, keyword_ids, keyword_order, set(exemption_ids))
        extra = _extra_required_columns(cursor)
        columns = DISCLOSURE_COLUMNS + ARRAY_COLUMNS + [name for name, _value in extra]
        suffix = "".join("\t" + value for _name, value in extra)

        exemption_links: list[str] = []
        keyword_links: list[str] = []
        words_trigger = f"ALTER TABLE {TABLE} {{}} TRIGGER disclosure_words_inserted"
        if not triggers:
            cursor.execute(words_trigger.format("DISABLE"))
        step = time.monotonic()
        with cursor.copy(f"COPY {TABLE} ({', '.join(columns)}) FROM STDIN") as copy:
            buffer = []
            for index, (line, slugs, keywords) in enumerate(maker.rows(), 1):
                if triggers:
                    arrays = "\t{}\t{}"  # the triggers fill them
                else:
                    cited = ",".join(str(i) for i in sorted(exemption_ids[s] for s in slugs))
                    tagged = ",".join(str(i) for i in sorted(keywords))
                    arrays = f"\t{{{cited}}}\t{{{tagged}}}"
                buffer.append(line + arrays + suffix)
                exemption_links.extend(f"{index}\t{exemption_ids[slug]}" for slug in slugs)
                keyword_links.extend(f"{index}\t{keyword}" for keyword in keywords)
                if index % CHUNK_ROWS == 0:
                    copy.write("\n".join(buffer) + "\n")
                    buffer = []
                if index % max(1, size // 10) == 0:
                    log(f"  {index:,} rows sent", began)
            if buffer:
                copy.write("\n".join(buffer) + "\n")
        timings["copy_disclosures"] = time.monotonic() - step
        log(f"{size:,} disclosures copied", began)
        if not triggers:
            cursor.execute(words_trigger.format("ENABLE"))

        step = time.monotonic()
        exemption_trigger = (
            "ALTER TABLE disclosures_disclosure_exemptions {} "
            "TRIGGER disclosure_exemptions_inserted"
        )
        if not triggers:
            cursor.execute(exemption_trigger.format("DISABLE"))
        with cursor.copy(
            "COPY disclosures_disclosure_exemptions (disclosure_id, exemption_id) FROM STDIN"
        ) as copy:
            copy.write("\n".join(exemption_links) + "\n")
        if not triggers:
            cursor.execute(exemption_trigger.format("ENABLE"))
        timings["copy_exemption_links"] = time.monotonic() - step
        log(f"{len(exemption_links):,} exemption links copied", began)

        step = time.monotonic()
        trigger = (
            "ALTER TABLE disclosures_disclosure_keywords {} TRIGGER disclosure_keywords_inserted"
        )
        if not triggers:
            cursor.execute(trigger.format("DISABLE"))
        with cursor.copy(
            "COPY disclosures_disclosure_keywords (disclosure_id, keyword_id) FROM STDIN"
        ) as copy:
            copy.write("\n".join(keyword_links) + "\n")
        if not triggers:
            cursor.execute(trigger.format("ENABLE"))
        timings["copy_keyword_links"] = time.monotonic() - step
        log(f"{len(keyword_links):,} keyword links copied", began)
        step = time.monotonic()
        cursor.execute(KEYWORDS_TEXT_MISMATCHES)
        mismatches = cursor.fetchone()[0]
        if mismatches:
            raise RuntimeError(
                f"{mismatches} rows have a keywords_text the trigger would not write"
            )
        timings["check_keywords_text"] = time.monotonic() - step
        log("keywords_text checked against the trigger's query: all rows agree", began)
        cursor.execute(ID_ARRAY_MISMATCHES)
        mismatches = cursor.fetchone()[0]
        if mismatches:
            raise RuntimeError(f"{mismatches} rows have ids the triggers would not write")
        log("exemption_ids and keyword_ids checked against the link tables: all agree", began)
        if not triggers:
            step = time.monotonic()
            cursor.execute("SELECT disclosures_rebuild_vocabulary()")
            timings["vocabulary"] = time.monotonic() - step
            log("vocabulary counted from the public rows", began)

        for table in (
            TABLE,
            "disclosures_disclosure_exemptions",
            "disclosures_disclosure_keywords",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"  # noqa: S608
            )

        step = time.monotonic()
        for name, definition in indexes:
            cursor.execute(definition)
            log(f"  index {name} made", began)
        timings["indexes"] = time.monotonic() - step
        cursor.execute(f"COMMENT ON TABLE {TABLE} IS %s", [marker(size, seed)])
    log("committed", began)

    step = time.monotonic()
    with connection.cursor() as cursor:
        for table in (
            TABLE,
            "disclosures_disclosure_exemptions",
            "disclosures_disclosure_keywords",
            "disclosures_keyword",
            "disclosures_searchword",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    timings["vacuum_analyze"] = time.monotonic() - step
    timings["refresh_search_data"] = refresh_search_data()
    timings["total"] = time.monotonic() - began
    log(f"done: {size:,} disclosures in {timings['total']:.1f} s", began)
    return {"generated": True, "timings": {k: round(v, 1) for k, v in timings.items()}}


# The references of disclosures added to a generated log by ``append``: none of the
# generator's own shapes starts so.
APPENDED = "ADDED-"


def append(count: int, seed: int) -> int:
    """Add ``count`` generated disclosures to the log in one transaction, as an import
    adds rows: every trigger on (the snapshot's change notes, the vocabulary, the link
    tables' arrays and keyword text), dates spread over the log's years like the rest.
    Their references start with APPENDED, so ``remove_appended`` can take them away
    again. Returns the id of the first."""
    from django.db import connection, transaction

    raw = _raw(connection)
    with transaction.atomic(), raw.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {TABLE}")  # noqa: S608
        first = cursor.fetchone()[0]
        cursor.execute("SELECT lower(name), id FROM disclosures_keyword")
        keyword_ids = dict(cursor.fetchall())
        cursor.execute("SELECT slug, id FROM disclosures_exemption")
        exemption_ids = dict(cursor.fetchall())
        maker = LogMaker(count, seed, keyword_ids, {}, set(exemption_ids))
        extra = _extra_required_columns(cursor)
        columns = DISCLOSURE_COLUMNS + ARRAY_COLUMNS + [name for name, _value in extra]
        suffix = "\t{}\t{}" + "".join("\t" + value for _name, value in extra)
        exemption_links, keyword_links = [], []
        with cursor.copy(f"COPY {TABLE} ({', '.join(columns)}) FROM STDIN") as copy:
            for index, (line, slugs, keywords) in enumerate(maker.rows()):
                pk = first + index
                _id, _reference, rest = line.split("\t", 2)
                copy.write(f"{pk}\t{APPENDED}{pk}\t{rest}{suffix}\n")
                exemption_links.extend(f"{pk}\t{exemption_ids[slug]}" for slug in slugs)
                keyword_links.extend(f"{pk}\t{keyword}" for keyword in keywords)
        for table, column, links in (
            ("disclosures_disclosure_exemptions", "exemption_id", exemption_links),
            ("disclosures_disclosure_keywords", "keyword_id", keyword_links),
        ):
            if links:
                with cursor.copy(f"COPY {table} (disclosure_id, {column}) FROM STDIN") as copy:
                    copy.write("\n".join(links) + "\n")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), %s)", [first + count]
        )
    return first


def remove_appended() -> int:
    """Delete the disclosures ``append`` added (triggers on); how many."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        appended = f"SELECT id FROM {TABLE} WHERE reference LIKE '{APPENDED}%%'"  # noqa: S608
        for table in ("disclosures_disclosure_exemptions", "disclosures_disclosure_keywords"):
            cursor.execute(f"DELETE FROM {table} WHERE disclosure_id IN ({appended})")  # noqa: S608
        cursor.execute(f"DELETE FROM {TABLE} WHERE id IN ({appended})")  # noqa: S608
        return cursor.rowcount


def refresh_search_data() -> float:
    """Take the snapshot searches are counted from, as the background worker does after
    an import (``manage.py refresh_search_data``); the seconds it took."""
    from django.core.management import call_command

    began = time.monotonic()
    call_command("refresh_search_data")
    return time.monotonic() - began


def _load_keywords(cursor) -> dict[str, int]:
    """The log's keywords: the topics', the general and the rare ones (a few hundred)."""
    from django.utils.text import slugify

    names = [name for topic in corpus.TOPICS for name in topic[2]]
    names += corpus.GENERAL_KEYWORDS + corpus.RARE_KEYWORDS
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.lower(), name)
    ids: dict[str, int] = {}
    slugs: set[str] = set()
    with cursor.copy("COPY disclosures_keyword (id, name, slug) FROM STDIN") as copy:
        for number, (lower, name) in enumerate(sorted(unique.items()), 1):
            slug = slugify(name)
            while slug in slugs:
                slug += "-2"
            slugs.add(slug)
            copy.write_row((number, name, slug))
            ids[lower] = number
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('disclosures_keyword', 'id'), %s)", [len(ids)]
    )
    return ids


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foilog.settings")
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="disclosures to make")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="make them again anyway")
    parser.add_argument(
        "--triggers",
        action="store_true",
        help="let the migrations' triggers fill keywords_text (one UPDATE of every row) and "
        "the vocabulary (slower, same rows)",
    )
    args = parser.parse_args()
    from bench.run import guard_database

    guard_database()
    setup_django()
    generate(args.size, args.seed, args.force, args.triggers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
