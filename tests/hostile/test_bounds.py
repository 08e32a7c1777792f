"""Hostile requests against curata's bounds: regexes that would take gigabytes to
compile, patterns that backtrack for their whole time bound in parallel, numbers too
large for SQLite, and tags with control characters, lone surrogates or sheer size.
Each is refused with the field named, or answered, but never kills the process, starves
other requests or becomes a 500."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap
import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from sqlalchemy import event
from tests.search.conftest import add_assets
from tests.server.conftest import LiveServer

import curata.models
from curata import Curata
from curata.catalog import engine as catalog_engine
from curata.errors import Busy, InvalidRequest
from curata.models.common import MAX_TAG_LENGTH, StrictModel, scalar_fields
from curata.models.patterns import MAX_EXPANDED, MAX_REPEAT, check_pattern, compile_pattern
from curata.search import regexes
from curata.server import create_app

SRC = Path(__file__).resolve().parents[2] / "src"

# Each compiles to gigabytes (or forever) with the regex module: never compiled.
HOSTILE_PATTERNS = [
    ("x{1000000000}", "above 1000"),
    ("((x{1000}){1000}){1000}", f"more than {MAX_EXPANDED}"),
    ("(x{1000}){1000}", f"more than {MAX_EXPANDED}"),
    ("x{1000}" * 11, f"more than {MAX_EXPANDED}"),
    ("(?:a{,1000}){11}", f"more than {MAX_EXPANDED}"),
    ("x{99999999999999999999999}", "above 1000"),
    ("x{5,1000000}", "above 1000"),
    ("(" * 40 + "a" + ")" * 40, "nested more than 32"),
    ("(?:abc){e<=100000}", "counted repetition"),
    ("(?x)x{1 0 0 0 0 0 0 0 0 0}", "inline flag 'x'"),
    ("(?V1)[]x{100000}]", "inline flag 'V1'"),
    ("(a(?1)?){1000}", "recursion"),
    ("a" * 257, "at most 256"),
]


@pytest.fixture
def cur(tmp_path: Path) -> Iterator[Curata]:
    with Curata(database=tmp_path / "catalog.db") as opened:
        yield opened


def _error(call: Any) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as caught:
        call()
    return caught.value


# --- regexes: bounded before compiling -------------------------------------------------


@pytest.mark.parametrize(("pattern", "reason"), HOSTILE_PATTERNS)
def test_hostile_pattern_is_refused_naming_field_and_limit(
    cur: Curata, pattern: str, reason: str
) -> None:
    err = _error(lambda: cur.search_assets({"filters": {"filename_pattern": pattern}}))
    assert err.field == "filters.filename_pattern"
    assert reason in err.message
    err = _error(lambda: cur.search_assets({"filters": {"tag_patterns": {"Palette": pattern}}}))
    assert err.field == "filters.tag_patterns.Palette"
    assert reason in err.message


def test_hostile_patterns_are_refused_without_compiling_them() -> None:
    """In a process limited to 1 GB of address space (so a regression fails this test
    instead of the machine): every hostile pattern, through the request model and the
    MCP-facing ``matching_ids`` path alike, is refused, and nothing ran out of memory."""
    script = textwrap.dedent(
        """
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from pydantic import ValidationError
        from curata.models.search import SearchFilters
        refused = 0
        for pattern in json.loads(sys.argv[1]):
            for filters in ({"filename_pattern": pattern}, {"tag_patterns": {"k": pattern}}):
                try:
                    SearchFilters.model_validate(filters)
                except ValidationError:
                    refused += 1
        print(refused)
        """
    )
    corpus = [p for p, _ in HOSTILE_PATTERNS]
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(corpus)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) == 2 * len(corpus)


# Patterns at the limits that are accepted: each must compile, in bounded memory.
LARGEST_ACCEPTED = [
    "x{1000}" * 10,
    "(x{100}){100}",
    "((x{10}){10}){100}",
    "[\\p{L}\\p{N}\\p{S}]{1000}" * 10,
    "(?:a|b|c|d|e|f|g|h|i|j){1000}",
    "(?i)(?:\\w+\\s?){1000}" * 3,
    "(" * 32 + "a" + ")" * 32,
]


def test_largest_accepted_patterns_compile_in_bounded_memory() -> None:
    """The patterns at the limits compile within 1 GB of address space (the whole
    process: interpreter, pydantic and regex included)."""
    script = textwrap.dedent(
        """
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from curata.models.patterns import compile_pattern
        for pattern in json.loads(sys.argv[1]):
            compile_pattern(pattern, ignore_case=True)
        print("compiled")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(LARGEST_ACCEPTED)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "compiled"


ATOMS = st.sampled_from(["a", "x", ".", "\\d", "\\w", "[a-z]", "[^/]", "\\.", "\\p{L}", "é"])
QUANTIFIERS = st.one_of(
    st.sampled_from(["", "*", "+", "?", "*?", "++", "{,}"]),
    st.builds("{{{}}}".format, st.integers(0, 2 * MAX_REPEAT)),
    st.builds("{{{},}}".format, st.integers(0, 2 * MAX_REPEAT)),
    st.builds("{{{},{}}}".format, st.integers(0, 50), st.integers(0, 2 * MAX_REPEAT)),
)


def _patterns() -> st.SearchStrategy[str]:
    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        group = st.tuples(
            st.sampled_from(["(", "(?:", "(?i:", "(?P<n>", "(?=", "(?>"]),
            st.lists(inner, min_size=1, max_size=3).map("|".join),
        ).map(lambda t: f"{t[0]}{t[1]})")
        return st.tuples(st.one_of(inner, group), QUANTIFIERS).map("".join)

    piece = st.tuples(ATOMS, QUANTIFIERS).map("".join)
    return st.lists(st.recursive(piece, grow, max_leaves=8), min_size=1, max_size=6).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=_patterns())
def test_any_accepted_pattern_compiles_in_bounded_memory(pattern: str) -> None:
    """Whatever the validator accepts compiles (or is refused by the compiler itself)
    with a bounded peak of memory: the expansion limit holds what compiling allocates."""
    try:
        check_pattern(pattern)
    except ValueError:
        return
    tracemalloc.start()
    try:
        compile_pattern(pattern, ignore_case=True)
    except ValueError as exc:
        assert "invalid regular expression" in str(exc)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        regex.purge()
    assert peak < 64 * 2**20, (pattern, peak)


# --- regexes: a shared concurrency limit -----------------------------------------------

HOSTILE_TAG = "palette:" + "a" * 150 + "!"  # within the tag limit; (a|a)+$ backtracks on it


def _hostile_search(cur: Curata) -> dict[str, Any]:
    return {"filters": {"tag_patterns": {"palette": "(a|a)+$"}}, "facets": False}


def _catalog_with_long_tag(cur: Curata) -> None:
    add_assets(cur, {f"img{i}": {"tags": [HOSTILE_TAG, "portrait"]} for i in range(20)})
    assert cur.search_assets({}).data.total_count == 20  # the index is loaded


def _start_hostile(cur: Curata, count: int) -> tuple[list[threading.Thread], list[Any]]:
    """``count`` hostile searches in threads; returns once the limiter's slots are all
    taken by them. Each thread appends its outcome (an exception or a response)."""
    outcomes: list[Any] = []

    def run() -> None:
        try:
            outcomes.append(cur.search_assets(_hostile_search(cur)))
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    with regexes.LIMITER._changed:
        regexes.LIMITER._changed.wait_for(
            lambda: regexes.LIMITER.running == regexes.LIMITER.slots, timeout=30
        )
    return threads, outcomes


def test_plain_search_does_not_wait_behind_hostile_patterns(
    cur: Curata, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight searches whose pattern runs to its time bound (the 19 s of issue 11 came
    from the GIL held while matching and the index lock held around it): a plain search
    started while they run returns before any of them has run out of time. Those beyond
    the limiter's slots are refused as Busy."""
    _catalog_with_long_tag(cur)
    monkeypatch.setattr(regexes, "REGEX_WAIT_SECONDS", 0.5)
    monkeypatch.setattr(regexes, "REGEX_SECONDS", 4.0)  # a wide margin on a loaded machine
    threads, outcomes = _start_hostile(cur, 8)
    plain = cur.search_assets({"filters": {"tags": ["portrait"]}})
    timed_out_before_plain = [o for o in outcomes if isinstance(o, InvalidRequest)]
    for thread in threads:
        thread.join(60)
    assert plain.data.total_count == 20
    assert timed_out_before_plain == []
    assert len(outcomes) == 8
    for outcome in outcomes:
        assert isinstance(outcome, InvalidRequest | Busy), outcome
        assert outcome.field == "filters.tag_patterns.palette"
    timed_out = [o for o in outcomes if isinstance(o, InvalidRequest)]
    assert len(timed_out) >= regexes.REGEX_SLOTS
    assert all("did not finish" in o.message for o in timed_out)


def test_pattern_searches_beyond_the_limit_get_busy(
    cur: Curata, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every slot taken, a search with a pattern waits its bounded time, then is
    Busy naming the pattern's field; a plain search still runs."""
    _catalog_with_long_tag(cur)
    monkeypatch.setattr(regexes, "REGEX_WAIT_SECONDS", 0.0)
    with ExitStack() as slots:
        for _ in range(regexes.REGEX_SLOTS):
            slots.enter_context(regexes.LIMITER.slot("held by the test", 0.0))
        with pytest.raises(Busy) as caught:
            cur.search_assets(_hostile_search(cur))
        assert caught.value.field == "filters.tag_patterns.palette"
        assert caught.value.http_status == 503
        with pytest.raises(Busy):
            cur.search_assets({"filters": {"filename_pattern": "^img"}})
        assert cur.search_assets({"filters": {"tags": ["portrait"]}}).data.total_count == 20
    assert cur.search_assets({"filters": {"filename_pattern": "^img"}}).data.total_count == 20


def test_pattern_searches_never_hold_more_connections_than_slots(
    cur: Curata, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty hostile searches at once (issue 11 exhausted the pool with them): they wait
    for a slot before taking a connection, so at most REGEX_SLOTS connections are ever
    checked out by them and none fails with a pool error."""
    _catalog_with_long_tag(cur)
    monkeypatch.setattr(regexes, "REGEX_SECONDS", 0.3)
    out: list[int] = [0, 0]  # now, most

    @event.listens_for(cur.catalog.engine, "checkout")
    def _checkout(*_args: Any) -> None:
        out[0] += 1
        out[1] = max(out[1], out[0])

    @event.listens_for(cur.catalog.engine, "checkin")
    def _checkin(*_args: Any) -> None:
        out[0] -= 1

    threads, outcomes = _start_hostile(cur, 40)
    for thread in threads:
        thread.join(120)
    assert len(outcomes) == 40
    assert all(isinstance(o, InvalidRequest | Busy) for o in outcomes), outcomes
    assert out[1] <= regexes.REGEX_SLOTS


def test_pool_timeout_is_busy_not_a_pool_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_engine, "POOL_TIMEOUT", 0.05)
    with Curata(database=tmp_path / "catalog.db") as cur:
        pool = cur.catalog.engine.pool
        held = [cur.catalog.engine.connect() for _ in range(pool.size() + pool._max_overflow)]
        try:
            with pytest.raises(Busy) as caught:
                cur.stats()
            assert caught.value.http_status == 503
            assert "too many requests at once" in caught.value.message
        finally:
            for conn in held:
                conn.close()
        assert cur.stats().data.assets == 0


# --- numbers --------------------------------------------------------------------------


def _request_models() -> list[type[BaseModel]]:
    found = {}
    for module in (
        getattr(curata.models, name) for name in dir(curata.models) if not name.startswith("_")
    ):
        if inspect.ismodule(module) and module.__name__.startswith("curata.models"):
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, StrictModel) and obj is not StrictModel:
                    found[obj.__qualname__] = obj
    return sorted(found.values(), key=lambda m: m.__qualname__)


def _numeric_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, kind in scalar_fields(model).items() if kind is not bool]


NUMERIC = [(m, f) for m in _request_models() for f in _numeric_fields(m)]


def test_every_request_model_with_numbers_is_covered() -> None:
    names = {m.__name__ for m, _ in NUMERIC}
    assert {"SearchRequest", "SelectionHistoryRequest", "RateRequest", "RangeFilter"} <= names


@pytest.mark.parametrize(("model", "name"), NUMERIC, ids=[f"{m.__name__}.{f}" for m, f in NUMERIC])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    huge=st.one_of(
        st.integers(min_value=2**63 - 1, max_value=10**400),
        st.integers(min_value=-(10**400), max_value=-(2**63)),
        st.sampled_from([10**20, 99999999999999999999, 2**64, -(2**63) - 1, 10**309]),
    )
)
def test_huge_numbers_are_invalid_never_an_overflow(
    model: type[BaseModel], name: str, huge: int
) -> None:
    """A number beyond int64 in any numeric field of any request model is a validation
    error at that field (or, for a float range bound, a finite float), never an
    OverflowError."""
    try:
        made = model.model_validate({name: huge})
    except ValidationError as exc:
        problems = {e["loc"][0] for e in exc.errors() if e["loc"]}
        assert name in problems, exc.errors()
        return
    value = getattr(made, name)
    assert isinstance(value, float) and value == value and abs(value) != float("inf")


def test_history_limit_beyond_int64_over_http_is_422(cur: Curata, tmp_path: Path) -> None:
    cur.create_project({"name": "Alpha"})
    cur.create_selection({"project_id": "alpha", "name": "Picks"})
    path = "/projects/alpha/selections/picks/history"
    with LiveServer(create_app(cur, cache_dir=tmp_path / "cache")) as live:
        for query in ("limit=99999999999999999999", "offset=99999999999999999999", "limit=10001"):
            answer = httpx.get(f"{live.url}{path}?{query}", timeout=30)
            assert answer.status_code == 422, (query, answer.text)
            assert answer.json()["error"]["field"] == query.partition("=")[0]
        assert httpx.get(f"{live.url}{path}?limit=10000", timeout=30).status_code == 200
    err = _error(lambda: cur.selection_history("alpha", "picks", limit=99999999999999999999))
    assert err.field == "limit"


# --- tags -----------------------------------------------------------------------------

BAD_TAGS = [
    ("\ud800", "unpaired surrogate"),
    ("cat\ud800dog", "unpaired surrogate"),
    ("a\x00b", "control character U+0000"),
    ("style:\x1bred", "control character U+001B"),
    ("a\x85\x9fb", "control character U+009F"),
    ("x" * (MAX_TAG_LENGTH + 1), f"at most {MAX_TAG_LENGTH}"),
    ("x" * 1_000_000, f"at most {MAX_TAG_LENGTH}"),
    ("style:", "key and a value"),
    ("   ", "cannot be empty"),
]


@pytest.mark.parametrize(("tag", "reason"), BAD_TAGS, ids=[r for _, r in BAD_TAGS])
def test_bad_tag_is_refused_at_its_index_everywhere(cur: Curata, tag: str, reason: str) -> None:
    hashes = list(add_assets(cur, {"one": {}}))
    cur.create_project({"name": "Alpha"})
    checks = [
        (lambda: cur.tag_assets({"assets": hashes, "tags": ["ok", "fine", "good", tag]}), "tags.3"),
        (lambda: cur.search_assets({"filters": {"any_tags": ["ok", tag]}}), "filters.any_tags.1"),
        (lambda: cur.search_assets({"filters": {"exclude_tags": [tag]}}), "filters.exclude_tags.0"),
        (
            lambda: cur.create_selection({"project_id": "alpha", "name": "S", "tags": [tag]}),
            "tags.0",
        ),
    ]
    for call, field in checks:
        err = _error(call)
        assert err.field == field
        assert reason in err.message
        assert len(err.message) < 300  # a 1 MB tag is not echoed back
    assert cur.get_asset(hashes[0]).data.tags == []


def test_bad_tag_keys_and_values_in_filters_are_refused(cur: Curata) -> None:
    for filters, field in [
        ({"tag_values": {"style": ["red", "a\x00"]}}, "filters.tag_values.style.1"),
        ({"tag_values": {"sty\ud800le": "red"}}, "filters.tag_values"),
        ({"tag_ranges": {"n\x00": {"min": 1}}}, "filters.tag_ranges"),
        ({"tag_patterns": {"x" * 300: "a"}}, "filters.tag_patterns"),
    ]:
        err = _error(lambda f=filters: cur.search_assets({"filters": f}))
        assert err.field == field, (filters, err)
        assert "\ud800" not in str(err) and "\x00" not in str(err)


def test_too_many_tags_or_assets_per_request(cur: Curata) -> None:
    hashes = list(add_assets(cur, {"one": {}}))
    many = [f"t{i}" for i in range(1001)]
    assert _error(lambda: cur.tag_assets({"assets": hashes, "tags": many})).field == "tags"
    assert _error(lambda: cur.search_assets({"filters": {"tags": many}})).field == "filters.tags"
    assert _error(lambda: cur.tag_assets({"assets": hashes * 1001, "tags": ["a"]})).field == (
        "assets"
    )
    assert _error(lambda: cur.rate_assets({"assets": hashes * 1001, "rating": 3})).field == (
        "assets"
    )
    done = cur.tag_assets({"assets": hashes, "tags": many[:1000]}).data
    assert done.added == 1000


def test_lone_surrogate_tag_over_http_is_422(cur: Curata, tmp_path: Path) -> None:
    """The JSON escape ``\\ud800`` decodes to a lone surrogate; it used to reach the
    catalog and come back as a 500."""
    hashes = list(add_assets(cur, {"one": {}}))
    body = json.dumps({"assets": hashes, "tags": ["ok", "\ud800"]})  # ASCII: "\\ud800"
    with LiveServer(create_app(cur, cache_dir=tmp_path / "cache")) as live:
        answer = httpx.post(
            f"{live.url}/assets/tags",
            content=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["field"] == "tags.1"
        search = httpx.post(
            f"{live.url}/search",
            content='{"filters": {"tags": ["a\\u0000b"]}}',
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert search.status_code == 422, search.text
        assert search.json()["error"]["field"] == "filters.tags.0"


def test_busy_pattern_search_over_http_is_503(cur: Curata, tmp_path: Path) -> None:
    _catalog_with_long_tag(cur)
    with LiveServer(create_app(cur, cache_dir=tmp_path / "cache")) as live, ExitStack() as slots:
        for _ in range(regexes.REGEX_SLOTS):
            slots.enter_context(regexes.LIMITER.slot("held by the test", 0.0))
        body = {"filters": {"filename_pattern": "^img"}}
        busy = httpx.post(f"{live.url}/search", json=body, timeout=60)
        assert busy.status_code == 503, busy.text
        error = busy.json()["error"]
        assert (error["code"], error["field"]) == ("busy", "filters.filename_pattern")
        assert "retry later" in error["message"]
        plain = httpx.post(f"{live.url}/search", json={"filters": {"tags": ["portrait"]}})
        assert plain.status_code == 200


# --- text that is not Unicode ------------------------------------------------------

SURROGATE_BODIES = [  # (path, JSON body with a "\ud800" escape, the field named)
    ("/projects", '{"name": "P", "description": "x\\udfff"}', "description"),
    (
        "/selections",
        '{"project_id": "p", "name": "S", "criteria": {"k\\ud800": 1}}',
        "criteria.k\ufffd",
    ),
    ("/saved-searches", '{"name": "n\\ud800", "query": {}}', "name"),
    ("/search", '{"filters": {"filename_pattern": "\\ud800"}}', "filename_pattern"),
    (
        "/selections",
        '{"project_id": "p", "name": "S", "criteria": {"a": ["\\udc80"]}}',
        "criteria.a.0",
    ),
]


@pytest.mark.parametrize(("path", "body", "field"), SURROGATE_BODIES)
def test_unpaired_surrogates_in_free_text_are_422_naming_the_field(
    cur: Curata, tmp_path: Path, path: str, body: str, field: str
) -> None:
    """A JSON ``"\\ud800"`` decodes to a lone surrogate, which SQLite and PostgreSQL
    refuse to store: it used to be a 500 (and an ``UnicodeEncodeError`` in Python)."""
    with LiveServer(create_app(cur, cache_dir=tmp_path / "cache")) as live:
        answer = httpx.post(
            live.url + path,
            content=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field


def test_unpaired_surrogates_are_invalid_in_python_but_paths_keep_theirs(cur: Curata) -> None:
    refused = _error(lambda: cur.create_project({"name": "P", "description": "x\udfff"}))
    assert refused.field == "description"
    # A path field names a file exactly: os.fsdecode's surrogates are its bytes.
    name = os.fsdecode(b"/no/such/caf\xe9.jpg")
    with pytest.raises(Exception) as missing:
        cur.find_similar({"target": name})
    assert not isinstance(missing.value, InvalidRequest) or missing.value.field != "target"


_json_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=5)
_json_like = st.recursive(
    _json_text | st.integers() | st.none(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_json_text, inner, max_size=4),
    max_leaves=20,
)


@given(value=_json_like, surrogate=st.integers(0xD800, 0xDFFF))
def test_an_unpaired_surrogate_is_found_wherever_it_is(value: Any, surrogate: int) -> None:
    from curata.models.common import unpaired_surrogate

    assert unpaired_surrogate(value) is None
    bad = "a" + chr(surrogate)
    assert unpaired_surrogate(bad) == ""
    assert unpaired_surrogate([value, {"k": [bad]}]) == ".1.k.0"
    assert unpaired_surrogate({bad: value}) == ".a\ufffd"


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"file_size": {"max": True}}, "filters.file_size.max"),  # a boolean is not a number
        ({"file_size": {"min": "5"}}, "filters.file_size.min"),  # nor is text
        ({"generation": {"steps": {"max": False}}}, "filters.generation.steps.max"),
        ({"has_metadata": ["prompt"], "missing": 1}, "filters.missing"),  # nor 1 a boolean
    ],
)
def test_numbers_and_booleans_are_json_types(filters: dict[str, Any], field: str) -> None:
    """pydantic alone reads ``true`` as 1 and ``"5"`` as 5; the schema says neither is a
    number, and a request the schema refuses is refused (schemathesis found these)."""
    from curata.models import SearchRequest

    with pytest.raises(ValidationError) as exc:
        SearchRequest.model_validate({"filters": filters})
    assert ".".join(map(str, exc.value.errors()[0]["loc"])) == field
    assert "must be" in str(exc.value)


def _tag_rules() -> tuple[Any, Any]:
    from curata.models import TagRequest

    schema = TagRequest.model_json_schema()["properties"]["tags"]["items"]
    pattern = regex.compile(schema["pattern"])

    def admitted(tag: str) -> bool:
        return len(tag) <= schema["maxLength"] and pattern.search(tag) is not None

    def accepted(tag: str) -> bool:
        try:
            TagRequest.model_validate({"assets": ["abcdef"], "tags": [tag]})
        except ValidationError:
            return False
        return True

    return admitted, accepted


@pytest.mark.parametrize(
    "tag",
    [
        *("portrait", "style:cyberpunk", " a b ", "k:v:w", "é", "a : b", "a\tb", "a\x85b"),
        *("", " ", "a:", ":b", "a\x00", "\x1f", "a\x9fb", "x" * 201),
    ],
)
def test_the_schema_states_the_rules_of_tags(tag: str) -> None:
    """A tag the schema admits is one the validator accepts, and the other way round
    (the edges of the rules: blank, control characters, half pairs, length)."""
    admitted, accepted = _tag_rules()
    assert admitted(tag) == accepted(tag)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20))
@settings(max_examples=300, deadline=None)
def test_schema_and_validator_agree_on_any_tag(tag: str) -> None:
    admitted, accepted = _tag_rules()
    assert admitted(tag) == accepted(tag)
