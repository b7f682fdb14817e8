"""DuckDB statements as Spark runs them: one rule text, two engines (docs/decisions.md, D1).

The runtime writes DuckDB SQL. On Spark, queries are transpiled by sqlglot, and the few
statement kinds that keep state become DataFrame operations (runtime/engine/spark.py):
`CREATE [OR REPLACE] [TEMP] TABLE x AS q` a checkpointed temp view, `INSERT INTO x q` a union,
`DROP TABLE x` dropping the view. Anything else that is not a query (ATTACH, COPY, COMMENT) has
no place on Spark and is refused. Values stay `?` parameters: Spark binds them itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError


class Kind(Enum):
    QUERY = "query"
    CREATE = "create"  # a table from a query: a temp view on Spark
    INSERT = "insert"  # rows appended to a table made by CREATE
    DROP = "drop"


class UnsupportedStatementError(ValueError):
    """The statement has no Spark meaning here (its text is not quoted: it may hold values)."""


@dataclass(frozen=True)
class SparkStatement:
    kind: Kind
    query: str  # Spark SQL of the query part ("" for DROP)
    table: str = ""  # the table CREATE makes, INSERT fills or DROP removes


def _spark(expression: exp.Expr) -> str:
    return expression.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)


def _name(table: exp.Expr) -> str:
    if isinstance(table, exp.Schema):
        raise UnsupportedStatementError("a column list in CREATE or INSERT is not supported")
    if not isinstance(table, exp.Table) or table.args.get("db") or table.args.get("catalog"):
        raise UnsupportedStatementError("only a table of the session can be written on Spark")
    return table.name


def translate(duckdb_sql: str) -> SparkStatement:
    """The Spark form of one DuckDB statement; more than one statement is refused."""
    try:
        parsed = sqlglot.parse(duckdb_sql, read="duckdb")
        if len(parsed) != 1 or parsed[0] is None:
            raise UnsupportedStatementError("refused an SQL text holding more than one statement")
        stmt = parsed[0]
        if isinstance(stmt, exp.Create) and stmt.kind == "TABLE" and stmt.expression:
            return SparkStatement(Kind.CREATE, _spark(stmt.expression), _name(stmt.this))
        if isinstance(stmt, exp.Insert) and stmt.expression:
            return SparkStatement(Kind.INSERT, _spark(stmt.expression), _name(stmt.this))
        if isinstance(stmt, exp.Drop) and stmt.kind == "TABLE" and len(stmt.args["tables"]) == 1:
            return SparkStatement(Kind.DROP, "", _name(stmt.args["tables"][0]))
        if isinstance(stmt, exp.Query):
            return SparkStatement(Kind.QUERY, _spark(stmt))
    except SqlglotError:
        raise UnsupportedStatementError("the statement does not transpile to Spark") from None
    raise UnsupportedStatementError(f"a {type(stmt).__name__} statement does not run on Spark")
