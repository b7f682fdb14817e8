"""The four verdicts every mart must pass before analysts see it (predicates in transforms/)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from runtime.engine.duck import columns, scalar
from runtime.engine.interface import Engine
from runtime.marts.contributions import stage_contributions
from runtime.verdicts import Verdict
from transforms.gate.identifiers import identifier_named_columns
from transforms.marts import checks as mc
from transforms.marts.spec import MartSpec

K_THRESHOLD = "k_threshold_holds"
UNRECOVERABLE = "no_suppressed_cell_recoverable"
NO_IDENTIFIER_COLUMN = "no_identifier_column"
PLAUSIBLE = "row_counts_plausible"
LABELS = "labels_from_vocabulary"

DESCRIPTIONS = {
    K_THRESHOLD: "Every published row, recounted from the warehouse, stands for at least k "
    "distinct members (or cookies), and every shown measure's own count of people reaches k.",
    UNRECOVERABLE: "No published total row minus the published cells leaves 1 to k-1 people: a "
    "withheld cell cannot be recovered (no mart's numbers add up to another mart's).",
    NO_IDENTIFIER_COLUMN: "No column is named like an identifier (member, cookie, email, phone, "
    "name, IP, user agent, birth date, URL, free text, pseudonym).",
    PLAUSIBLE: "One row per key, no empty key, no negative count or sum, no more rows than the "
    "data can give, and not empty when enough people contribute.",
    LABELS: "Every label (category, campaign, survey, choice, section, region, ...) is a value "
    "of the policy's vocabulary or the contract, or one of the mart's own labels ('Other ...', "
    "'(none)', 'unknown', 'all'): no string from raw data reaches analysts as it was sent.",
}


def verify_mart(
    conn: Engine,
    spec: MartSpec,
    k: int,
    table: str,
    labels: Mapping[str, str],
    kept: Path | None = None,
) -> list[Verdict]:
    """Recount `table` (a published or staged mart) against its contributions: `kept` when its
    build left them, else the warehouse on `conn`. `labels` holds what each label column may
    publish (transforms/marts/labels.py, label_rules)."""
    stage_contributions(conn, spec, "_verify_contrib", kept)
    small = int(scalar(conn, mc.k_violations_sql(spec, "_verify_contrib", table, k)))
    residual = int(scalar(conn, mc.residual_violations_sql(spec, "_verify_contrib", table, k)))
    catalog, _, name = table.rpartition(".")
    names = list(columns(conn, name, database=catalog or None))
    flagged = identifier_named_columns(names)
    row = conn.execute(mc.shape_sql(spec, "_verify_contrib", table)).fetchall()[0]
    shape = mc.MartShape(*(int(v) for v in row))
    problems = mc.plausibility_problems(shape, k)
    unruled = mc.unlabelled_dimensions(spec, labels)
    mislabelled = int(scalar(conn, mc.label_violations_sql(spec, table, labels)))
    return [
        Verdict(
            K_THRESHOLD, small == 0, f"{small} row(s) below k={k}", {"rows_below_k": small, "k": k}
        ),
        Verdict(
            UNRECOVERABLE,
            residual == 0,
            f"{residual} known total(s) would reveal fewer than k={k} people",
            {"revealing_totals": residual},
        ),
        Verdict(
            NO_IDENTIFIER_COLUMN,
            not flagged,
            f"identifier-named columns: {flagged}" if flagged else f"{len(names)} columns clean",
            {"columns": len(names), "identifier_named": len(flagged)},
        ),
        Verdict(
            PLAUSIBLE,
            not problems,
            "; ".join(problems) or f"{shape.rows} rows from {shape.units} people",
            {
                "rows": shape.rows,
                "units": shape.units,
                "cell_bound": shape.cell_bound,
                "largest_group": shape.largest_group,
            },
        ),
        Verdict(
            LABELS,
            mislabelled == 0 and not unruled,
            f"{mislabelled} row(s) with a label outside the vocabulary"
            + (f"; no label rule for {unruled}" if unruled else ""),
            {"rows_with_unknown_label": mislabelled, "unruled_columns": len(unruled)},
        ),
    ]
