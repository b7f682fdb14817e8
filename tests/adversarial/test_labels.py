"""Issue 12, finding 7: formula and markup strings planted in raw labels must not reach anything
an analyst or a partner opens (marts.duckdb, the outbox's CSV and HTML)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipelines.constants import RELEASE_JOB
from pipelines.resources import ReleaseSettings
from runtime.paths import marts_path
from tests.pipelines import planted_releases
from tests.pipelines.conftest import build_defs, checks, run_main, write_table
from tests.pipelines.planted import ADULT

pytestmark = pytest.mark.adversarial

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)",
    "+cmd",
    "-2+3",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell a spreadsheet would run
DAY = "2026-11-22"
MEMBERS = [f"m_label_{i:02d}" for i in range(12)]  # above k = 10 in one cell
COOKIES = [f"ck_fake_{i:02d}" for i in range(25)]  # cookies never seen with a member


@pytest.fixture
def conn() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    yield c
    c.close()


def plant_hostile_labels(root: Path) -> None:
    """Twelve consenting adults of one cell buy, and answer, under every hostile string; 25
    fake non-member cookies see an ad of every hostile campaign."""
    members = [
        {**ADULT, "member_id": m, "email": f"{m}@example.com", "nickname": f"n{m}",
         "real_name": f"Name {m}", "mobile_phone": f"010-5{i:03d}-0000"}
        for i, m in enumerate(MEMBERS)
    ]  # fmt: skip
    orders, answers, ads, visits = [], [], [], []
    for h, hostile in enumerate(HOSTILE):
        for m in MEMBERS:
            orders.append({"order_id": f"o_{m}_{h}", "member_id": m, "ts": f"{DAY} 12:00:00",
                           "category": hostile, "amount_krw": 1000})  # fmt: skip
            for survey, choice in ((hostile, "yes"), ("s2026_11_app", hostile)):
                answers.append({"response_id": f"r_{m}_{h}_{len(answers)}", "survey_id": survey,
                                "member_id": m, "ts": f"{DAY} 13:00:00", "choice": choice,
                                "comment": None})  # fmt: skip
        for c in COOKIES:
            ads.append({"event_id": f"e_{c}_{h}", "campaign_id": hostile, "cookie_id": c,
                        "member_id": None, "ts": f"{DAY} 14:00:00", "kind": "impression"})  # fmt: skip
    for m in MEMBERS:
        visits.append({"cookie_id": f"ck_{m}", "member_id": m, "ts": f"{DAY} 10:00:00",
                       "section": "culture", "url": "https://nk.example/c/1", "referrer": "",
                       "ip": "10.1.1.1", "user_agent": "Mozilla/5.0"})  # fmt: skip
    write_table(root, "members", members)
    write_table(root, "visits", visits)
    write_table(root, "orders", orders)
    write_table(root, "survey_responses", answers)
    write_table(root, "ad_events", ads)
    write_table(root, "deletion_requests", [])


def mart_texts(root: Path) -> set[str]:
    """Every value of every text column of every table in marts.duckdb."""
    conn = duckdb.connect(str(marts_path(root)), read_only=True)
    try:
        text_columns = conn.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE data_type = 'VARCHAR' AND NOT internal"
        ).fetchall()
        return {
            v
            for t, c in text_columns
            for (v,) in conn.execute(f'SELECT DISTINCT "{c}" FROM "{t}"').fetchall()
            if v is not None
        }
    finally:
        conn.close()


def found(root: Path) -> dict[str, list[str]]:
    """Where the hostile strings are: mart values, marts.duckdb's bytes, outbox files; and
    any released CSV cell a spreadsheet would run."""
    texts = mart_texts(root)
    stored = marts_path(root).read_bytes()
    outbox = [p for p in (root / "outbox").rglob("*") if p.is_file()]
    csvs = [p for p in outbox if p.suffix == ".csv"]
    assert len(csvs) >= 2  # both consumers delivered
    return {
        "mart values": [h for h in HOSTILE if any(h in v for v in texts)],
        "marts file bytes": [h for h in HOSTILE if h.encode() in stored],
        "outbox": [f"{p.name}: {h}" for p in outbox for h in HOSTILE if h.encode() in p.read_bytes()],
        "outbox formula cells": [
            f"{p.name}: {c}" for p in csvs for row in csv_cells(p) for c in row
            if c.startswith(FORMULA_START) and not number(c)
        ],
    }  # fmt: skip


def csv_cells(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def run_all(root: Path, config: Path, **kwargs: Any) -> None:
    """The real main job, then every consumer's release for the month."""
    settings = ReleaseSettings(path=str(config))
    assert run_main(root, resources={"releases": settings}, **kwargs).success
    defs = build_defs(root, releases=settings)
    released = defs.resolve_job_def(RELEASE_JOB).execute_in_process(
        partition_key=planted_releases.MONTH, raise_on_error=False
    )
    assert released.success


CLEAN = {"mart values": [], "marts file bytes": [], "outbox": [], "outbox formula cells": []}
LABELLED_MARTS = ("shopping_monthly", "survey_results", "ad_campaign_daily")


def test_hostile_raw_labels_reach_no_mart_and_no_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    root = tmp_path / "data"
    plant_hostile_labels(root)
    config = planted_releases.releases_config(tmp_path / "releases.yaml")
    run_all(root, config)
    assert found(root) == CLEAN
    others = {v for v in mart_texts(root) if v.startswith("Other ")}
    assert {"Other categories", "Other campaigns", "Other surveys", "Other choices"} <= others

    # the vocabulary off: the marts' blocking label check fails them, nothing is published
    from transforms.marts import checks as mart_checks
    from transforms.person import tables as person_tables

    monkeypatch.setattr(person_tables, "label_sql", lambda column, raw, v: raw(column))
    published = marts_path(root).read_bytes()
    result = run_main(root, raise_on_error=False)
    assert not result.success
    verdicts = checks(result)
    assert [m for m in LABELLED_MARTS if verdicts[f"{m}:labels_from_vocabulary"]] == []
    assert verdicts["audience_overview:labels_from_vocabulary"] is True
    assert marts_path(root).read_bytes() == published

    # and the check off too: the attack succeeds, so this test can see it
    monkeypatch.setattr(mart_checks, "label_violations_sql", lambda *a: "SELECT 0")
    assert run_main(root).success
    assert found(root)["mart values"] == list(HOSTILE)


# --- names in config ------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://x","y")'


def shipped_releases() -> dict[str, Any]:
    from runtime.config.releases import DEFAULT_RELEASES_PATH

    return yaml.safe_load(DEFAULT_RELEASES_PATH.read_text(encoding="utf-8"))


def with_formula_campaign(c: dict[str, Any]) -> None:
    c["public_domains"]["campaigns"].append(FORMULA)
    c["segments"]["clickers"] = {"description": "x", "behaviour": [{"clicked": FORMULA}]}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (with_formula_campaign, "public_domains.campaigns.5"),
        (lambda c: c["public_domains"]["categories"].append("@SUM(1+1)"), "public_domains.categories.8"),
        (lambda c: c["segments"].update({"+cmd": c["segments"]["men_30s"]}), "segments.+cmd.[key]"),
        (lambda c: c["consumers"].update({"-2+3": c["consumers"]["research"]}), "consumers.-2+3.[key]"),
    ],
)  # fmt: skip
def test_a_formula_name_in_releases_yaml_is_refused_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any, where: str
) -> None:
    from runtime.config import releases as release_config

    config = shipped_releases()
    change(config)
    path = tmp_path / "releases.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(release_config.ReleaseConfigError) as refused:
        release_config.load_releases(path)
    assert f"{where}: Value error, a name is lowercase letters, digits and '_'" in str(
        refused.value
    )

    monkeypatch.setattr(release_config, "PLAIN_NAME", re.compile(r".+"))  # protection off
    release_config.load_releases(path)  # ... and the hostile name is accepted


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda v: v["categories"].append("=cmd"), "vocabulary.categories.8"),
        (lambda v: v["surveys"].update({"<script>": ["yes"]}), "vocabulary.surveys.<script>.[key]"),
        (
            lambda v: v["surveys"]["s2026_11_app"].append("-2+3"),
            "vocabulary.surveys.s2026_11_app.2",
        ),
    ],
)
def test_a_formula_label_in_the_policy_vocabulary_is_refused_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any, where: str
) -> None:
    from runtime.config.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy
    from transforms.marts import vocabulary

    policy = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    change(policy["vocabulary"])
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy), encoding="utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policy(path)
    assert f"{where}: Value error, a label is lowercase letters, digits and '_'" in str(
        refused.value
    )

    monkeypatch.setattr(vocabulary, "SAFE_LABEL", re.compile(r".+"))  # protection off
    load_policy(path)  # ... and the hostile label is accepted


# --- files a user opens -----------------------------------------------------------------------


def test_every_release_csv_cell_is_safe_to_open_in_a_spreadsheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runtime.releases import files as release_files

    rows: list[tuple[object, ...]] = [(h, 120, None) for h in HOSTILE]
    rows += [("\tcmd", -3, 0.25), ("\r=1+1", 7, -1.5), ("books", 99, 2.0)]
    path = tmp_path / "segment_counts.csv"
    release_files.write_csv(path, ("segment_id", "audience_size", "ratio"), rows)
    header, cells = release_files.read_csv(path)
    assert header == ["segment_id", "audience_size", "ratio"]
    assert not [c for row in cells for c in row if c.startswith(FORMULA_START) and not number(c)]
    assert [row[1:] for row in cells[-3:]] == [["-3", "0.25"], ["7", "-1.5"], ["99", "2.0"]]
    assert [row[0] for row in cells[:2]] == [f"'{HOSTILE[0]}", f"'{HOSTILE[1]}"]  # still legible

    monkeypatch.setattr(release_files, "spreadsheet_safe", lambda value: value)  # protection off
    release_files.write_csv(path, ("segment_id", "audience_size", "ratio"), rows)
    _, cells = release_files.read_csv(path)
    assert [c for row in cells for c in row if c.startswith(FORMULA_START) and not number(c)]


def number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_a_hostile_label_in_the_html_report_renders_inert(monkeypatch: pytest.MonkeyPatch) -> None:
    """If one ever got past the config and the vocabulary, the report shows it as text."""
    from runtime.releases import report as release_report
    from transforms.releases.catalog import Domains, Period
    from transforms.releases.plan import partner_plan
    from transforms.releases.segments import Segment

    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 22))
    segments = tuple(Segment(h, genders=("F",)) for h in HOSTILE)
    plan = partner_plan(HOSTILE[4], segments, period, Domains(("books",), ("c_x",), (10,)), None)
    answers = {key: {"": 120} for key in plan.queries}
    half = {"ci95_half_width": 3.0}
    manifest = {
        "release_id": HOSTILE[5], "consumer": HOSTILE[4], "kind": HOSTILE[5],
        "data_period": {"first": HOSTILE[4], "last": HOSTILE[5]}, "created_at": HOSTILE[4],
        "k": 50, "row_counts": {HOSTILE[5]: 1, "segment_counts.csv": len(HOSTILE)},
        "budget": {"month": HOSTILE[4], "monthly": 6.0, "spent_before": 1.0, "requested": 1.0,
                   "left_after": 4.0},
        "counts": [
            {"file": "segment_counts.csv", "left_out_below_k": 0,
             "noise": {"audience_size": dict.fromkeys(HOSTILE, half)}},
            {"file": HOSTILE[5], "left_out_below_k": 0, "noise": {HOSTILE[4]: {"x": half}}},
        ],
    }  # fmt: skip
    html = release_report.render_report(manifest, plan, answers, 50)
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text

    monkeypatch.setattr(release_report, "escape", lambda text: text)  # protection off
    html = release_report.render_report(manifest, plan, answers, 50)
    assert "<script>alert(1)</script>" in html and "<img src=x onerror=alert(1)>" in html


# --- the marts' blocking label check ----------------------------------------------------------


def test_the_label_predicate_finds_every_label_outside_the_vocabulary(conn: Any) -> None:
    from transforms.marts.catalog import AD_CAMPAIGNS, SHOPPING, SURVEY
    from transforms.marts.checks import label_violations_sql, unlabelled_dimensions
    from transforms.marts.labels import label_rules
    from transforms.marts.vocabulary import Vocabulary

    vocabulary = Vocabulary(
        categories=("books",), campaign_pattern=r"c_[a-z0-9_]{1,60}",
        surveys=(("s2026_11_app", ("yes", "no")),),
    )  # fmt: skip
    rules = label_rules(vocabulary)
    for spec in (SHOPPING, SURVEY, AD_CAMPAIGNS):
        assert unlabelled_dimensions(spec, rules) == []
    conn.execute(
        "CREATE TABLE shop AS SELECT * FROM (VALUES ('books', '20s', 'F'), "
        "('Other categories', 'Other ages', 'unknown'), ('(none)', '30s', 'M'), "
        "('=cmd', '20s', 'F'), ('Books', '20s', 'F'), ('books', '<b>', 'F')) "
        "t(category, age_band, gender)"
    )
    conn.execute(
        "CREATE TABLE survey AS SELECT * FROM (VALUES ('s2026_11_app', 'yes', '20s', 'F'), "
        "('Other surveys', 'Other choices', '20s', 'F'), ('(none)', '(no choice)', '20s', 'F'), "
        "('s2026_11_app', '+cmd', '20s', 'F'), ('Other surveys', 'yes', '20s', 'F'), "
        "('@SUM(1+1)', 'Other choices', '20s', 'F')) t(survey_id, choice, age_band, gender)"
    )
    conn.execute(
        "CREATE TABLE ads AS SELECT * FROM (VALUES ('c_fall_books'), ('Other campaigns'), "
        "('(none)'), ('<script>alert(1)</script>'), ('c_-2+3')) t(campaign_id)"
    )
    bad = {
        name: conn.execute(label_violations_sql(spec, name, rules)).fetchall()[0][0]
        for name, spec in (("shop", SHOPPING), ("survey", SURVEY), ("ads", AD_CAMPAIGNS))
    }
    assert bad == {"shop": 3, "survey": 3, "ads": 2}


def test_a_label_column_without_a_rule_is_reported() -> None:
    from transforms.marts.catalog import SHOPPING
    from transforms.marts.checks import unlabelled_dimensions
    from transforms.marts.labels import label_rules
    from transforms.marts.vocabulary import Vocabulary

    rules = {k: v for k, v in label_rules(Vocabulary()).items() if k != "category"}
    assert unlabelled_dimensions(SHOPPING, rules) == ["category"]
