"""Trino's static rules that DuckDB does not enforce, checked on a saved query
before saved_queries.py runs it. DuckDB coerces text to numbers and back,
takes any value as a truth value, resolves select-list aliases in WHERE,
GROUP BY and HAVING, accepts reserved words as names and reads '2026/12/02'
as a date; Athena (Trino) refuses every one of these, so a query that leans on
them would pass here and fail for the auditor. Each rule raises Refused with
one line naming the expression and the rule.

Types come from sqlglot's annotate_types over the qualified query, with the
Glue table's declared column types; an operand whose type sqlglot cannot tell
(UNKNOWN, NULL) is not judged, except in division, which must know.
"""
import re

from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types

# Trino's reserved keywords, "Keywords and identifiers",
# https://trino.io/docs/current/language/reserved.html (source:
# trinodb/trino docs/src/main/sphinx/language/reserved.md): "These reserved
# keywords must be quoted (using double quotes) in order to be used as an
# identifier." EXECUTE is no longer on that page but is on earlier releases'
# (and Presto's), which Athena's engine may follow, so it stays refused.
RESERVED = frozenset("""
    ALTER AND AS AUTO BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE
    CURRENT_CATALOG CURRENT_DATE CURRENT_PATH CURRENT_ROLE CURRENT_SCHEMA
    CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEALLOCATE DELETE DESCRIBE
    DISTINCT DROP ELSE END ESCAPE EXCEPT EXECUTE EXISTS EXTRACT FALSE FOR FROM
    FULL GROUP GROUPING HAVING IN INNER INSERT INTERSECT INTO IS JOIN JSON_ARRAY
    JSON_EXISTS JSON_OBJECT JSON_QUERY JSON_TABLE JSON_VALUE LEFT LIKE LISTAGG
    LOCALTIME LOCALTIMESTAMP NATURAL NORMALIZE NOT NULL ON OR ORDER OUTER
    PREPARE PRIMARY RECURSIVE RIGHT ROLLUP SELECT SKIP TABLE THEN TRIM TRUE
    UESCAPE UNION UNNEST USING VALUES WHEN WHERE WITH""".split())

ID = "trino_types.id"  # meta key: ties a node of the qualified copy to the query as written
COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.NullSafeEQ, exp.NullSafeNEQ)
# Trino's cast from varchar to date (and so date(varchar)) reads ISO dates.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?")


class Refused(Exception):
    pass


def stamp(tree):
    """Number every node; the numbers survive copy() and qualify()."""
    for i, node in enumerate(tree.walk()):
        node.meta[ID] = i
    return tree


def kind(node):
    """(class, Trino type name) of an annotated node, or None when unknown.
    Trino converts implicitly only within a class (integer to bigint, ...)."""
    t = node.type
    if t is None or t.this in (exp.DType.UNKNOWN, exp.DType.NULL) or isinstance(node, exp.Null):
        return None
    name = t.sql("trino").lower()
    for cls, types in (("text", exp.DataType.TEXT_TYPES), ("number", exp.DataType.NUMERIC_TYPES),
                       ("temporal", exp.DataType.TEMPORAL_TYPES), ("array", exp.DataType.ARRAY_TYPES)):
        if t.this in types:
            return cls, name
    return ("boolean" if t.this == exp.DType.BOOLEAN else name), name


def numbers_unquoted(node):
    """The expression with its numeric string literals unquoted."""
    return node.copy().transform(lambda n: exp.Literal.number(n.this) if isinstance(n, exp.Literal)
                                 and n.is_string and NUMBER_TEXT.fullmatch(n.this) else n)


class Query:
    def __init__(self, tree, qualified, schema, params):
        self.written = {n.meta.get(ID): n for n in tree.walk()}
        annotate_types(qualified, schema=schema, dialect="trino")
        # A partition key under date projection holds values in the projection's format.
        self.date_formats = {m[1]: params.get(f"projection.{m[1]}.format") for k, v in params.items()
                             if v == "date" and (m := re.fullmatch(r"projection\.(.+)\.type", k))}

    def sql(self, node):
        """The node as the query wrote it (unqualified), for messages."""
        return self.written.get(node.meta.get(ID), node).sql("trino")

    def mixed(self, node, operands, what):
        """Refuse operands of different classes: Trino has no implicit
        conversion between them (text and numbers above all)."""
        kinds = [kind(o) for o in operands]
        known = [k for k in kinds if k]
        if len({k[0] for k in known}) < 2:
            return
        texts = [o for o, k in zip(operands, kinds) if k and k[0] == "text"]
        hint = "cast explicitly"
        if {k[0] for k in known} == {"text", "number"} and all(
                isinstance(o, exp.Literal) and NUMBER_TEXT.fullmatch(o.this) for o in texts):
            hint = "write " + numbers_unquoted(self.written.get(node.meta.get(ID), node)).sql("trino")
        names = " with ".join(dict.fromkeys(k[1] for k in known))
        raise Refused(f"{self.sql(node)} {what} {names}; Trino does not coerce implicitly — {hint}")


def reserved_words(tree):
    for ident in tree.find_all(exp.Identifier):
        if not ident.quoted and ident.name.upper() in RESERVED:
            raise Refused(f"{ident.parent.sql('trino')}: {ident.name} is a reserved word in Trino and must be "
                          f"double-quoted to be a name — write \"{ident.name}\"")


def alias_references(tree, qualified):
    """Trino resolves WHERE, GROUP BY and HAVING against the FROM clause's
    columns; DuckDB (and qualify, which then rewrites the reference away)
    also accepts the select list's aliases there."""
    resolved = {c.meta.get(ID) for c in qualified.find_all(exp.Column)}
    for select in tree.find_all(exp.Select):
        aliases = {p.alias.lower(): p.this for p in select.expressions if isinstance(p, exp.Alias)}
        for key, word in (("where", "WHERE"), ("group", "GROUP BY"), ("having", "HAVING")):
            clause = select.args.get(key)
            for col in clause.find_all(exp.Column) if clause else ():
                name = col.name.lower()
                if (not col.table and name in aliases and col.meta.get(ID) not in resolved
                        and col.find_ancestor(exp.Select) is select):
                    fixed = clause.copy().transform(lambda n: aliases[name].copy() if isinstance(n, exp.Column)
                                                    and not n.table and n.name.lower() == name else n)
                    raise Refused(f"{clause.sql('trino')}: {col.name} is an alias of the select list; Trino "
                                  f"resolves {word} against the table's columns, not output aliases — "
                                  f"repeat the expression: {fixed.sql('trino')}")


def pin_shadowed_columns(tree, qualified):
    """A name in WHERE / GROUP BY / HAVING that is both a column and a select
    alias is the column in Trino (and in qualify); DuckDB may take the alias
    (HAVING does). Qualify it in the tree that runs, so DuckDB reads the column."""
    columns = {c.meta.get(ID): c for c in qualified.find_all(exp.Column) if c.table}
    for select in tree.find_all(exp.Select):
        aliases = {p.alias.lower() for p in select.expressions if isinstance(p, exp.Alias)}
        for clause in filter(None, (select.args.get(k) for k in ("where", "group", "having"))):
            for col in clause.find_all(exp.Column):
                if not col.table and col.name.lower() in aliases and col.meta.get(ID) in columns:
                    col.set("table", exp.to_identifier(columns[col.meta.get(ID)].table))


def comparison(q, node):
    if isinstance(node, COMPARISONS):
        q.mixed(node, [node.this, node.expression], "compares")
    elif isinstance(node, exp.In) and not node.args.get("query"):
        q.mixed(node, [node.this, *node.expressions], "compares")
    elif isinstance(node, exp.Between):
        q.mixed(node, [node.this, node.args["low"], node.args["high"]], "compares")
    elif isinstance(node, exp.Case) and node.this:  # CASE x WHEN v: x = v
        for when in node.args.get("ifs") or ():
            q.mixed(node, [node.this, when.this], "compares")


def coalesce(q, node):
    if isinstance(node, exp.Coalesce):
        q.mixed(node, [node.this, *node.expressions], "mixes")


def text_operators(q, node):
    """|| and LIKE take varchar (|| also arrays), arithmetic takes numbers
    (and date/time with intervals); DuckDB converts the other operand."""
    if not isinstance(node, (exp.DPipe, exp.Like, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)):
        return
    known = [(o, k) for o in (node.this, node.expression) if (k := kind(o))]
    if isinstance(node, exp.DPipe):
        if any(k[0] == "array" for _, k in known):
            return
        what, bad, to = "|| joins varchar (or arrays)", [(o, k) for o, k in known if k[0] != "text"], "varchar"
    elif isinstance(node, exp.Like):
        what, bad, to = "LIKE matches varchar", [(o, k) for o, k in known if k[0] != "text"], "varchar"
    else:
        what, bad, to = "arithmetic takes numbers", [(o, k) for o, k in known if k[0] == "text"], "bigint"
    for operand, k in bad:
        raise Refused(f"{q.sql(node)}: {q.sql(operand)} is {k[1]}; Trino's {what} and does not convert "
                      f"{k[1]} — write CAST({q.sql(operand)} AS {to})")


def conditions(q, node):
    """Trino takes only a boolean as a truth value; DuckDB takes numbers and text too."""
    if isinstance(node, exp.CountIf):
        places = [(node.this, f"{q.sql(node)}: count_if")]
    elif isinstance(node, (exp.Where, exp.Having)):
        places = [(node.this, node.key.upper())]
    elif isinstance(node, (exp.And, exp.Or)):
        places = [(o, node.key.upper()) for o in (node.this, node.expression)]
    elif isinstance(node, exp.Not) or (isinstance(node, exp.If) and isinstance(node.parent, exp.Case)
                                       and not node.parent.this):
        places = [(node.this, "NOT" if isinstance(node, exp.Not) else "CASE WHEN")]
    else:
        return
    for operand, where in places:
        k = kind(operand)
        if k and k[0] != "boolean":
            raise Refused(f"{where} needs a boolean, and {q.sql(operand)} is {k[1]}; Trino does not take "
                          f"{k[1]} as a truth value — write a comparison, e.g. {q.sql(operand)} IS NOT NULL")


def dates(q, node):
    """date(varchar) is CAST(varchar AS date) in Trino, which reads only YYYY-MM-DD."""
    is_date = isinstance(node, exp.Date) or (isinstance(node, (exp.Cast, exp.TryCast))
                                              and node.to.this == exp.DType.DATE)
    arg = node.this if is_date else None
    if arg is None or (kind(arg) or ("",))[0] != "text":
        return
    if isinstance(arg, exp.Literal) and not ISO_DATE.fullmatch(arg.this):
        raise Refused(f"{q.sql(node)}: '{arg.this}' is not an ISO date (YYYY-MM-DD), the only text "
                      f"Trino's date(varchar) / CAST(... AS date) reads")
    fmt = q.date_formats.get(arg.name, "yyyy-MM-dd") if isinstance(arg, exp.Column) else "yyyy-MM-dd"
    if fmt != "yyyy-MM-dd":
        # Java date pattern -> date_parse's MySQL-style one, for the hint
        mysql = re.sub(r"yyyy|MM|dd", lambda m: {"yyyy": "%Y", "MM": "%m", "dd": "%d"}[m[0]], fmt or "")
        mysql = mysql if re.fullmatch(r"(%[Ymd]|[-/_.])+", mysql) else "..."
        raise Refused(f"{q.sql(node)}: {arg.name} holds partition values formatted {fmt} "
                      f"(projection.{arg.name}.format), and Trino's date(varchar) reads only YYYY-MM-DD — "
                      f"write date(date_parse({arg.name}, '{mysql}'))")


def divisions(q, node, integer_divisions):
    """Trino divides integer by integer into an integer (truncating); DuckDB's
    / gives a fraction. Decimal division keeps the operands' scale in Trino
    (bigint / 1024.0 is decimal(.., 1), rounded), DuckDB gives a double: refused
    as not emulated. sqlglot types 1024.0 as double, so decimals are spotted
    as literals written with a point and no exponent."""
    if not isinstance(node, exp.Div):
        return
    operands = (node.this, node.expression)
    if any(isinstance(o, exp.Null) for o in operands):
        return  # NULL either way
    decimal = [lit for o in operands for lit in o.find_all(exp.Literal)
               if not lit.is_string and "." in lit.this and "e" not in lit.this.lower()]
    if decimal:
        raise Refused(f"{q.sql(node)}: decimal division ({decimal[0].this} is a decimal literal in Trino, "
                      f"rounded to its scale) is not emulated — write {decimal[0].this}e0 for double division")
    kinds = [kind(o) for o in operands]
    if not all(kinds):
        raise Refused(f"{q.sql(node)}: the operands' types are unknown, so whether Trino divides "
                      f"integers (truncating) cannot be told — division is not emulated here")
    if all(o.is_type(*exp.DataType.INTEGER_TYPES) for o in operands):
        integer_divisions.add(node.meta.get(ID))


def check(tree, qualified, schema, params):
    """Refused(...) for the first rule the query breaks; otherwise the ids of
    its integer divisions (stamped nodes of tree), for the caller to rewrite.
    tree: the stamped query as written (shadowed columns get pinned in it);
    qualified: its qualify()'d copy."""
    reserved_words(tree)
    alias_references(tree, qualified)
    pin_shadowed_columns(tree, qualified)
    q = Query(tree, qualified, schema, params)
    integer_divisions = set()
    for node in qualified.walk():
        for rule in (comparison, coalesce, text_operators, conditions, dates):
            rule(q, node)
        divisions(q, node, integer_divisions)
    return integer_divisions
