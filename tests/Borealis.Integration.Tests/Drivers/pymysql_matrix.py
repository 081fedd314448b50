"""The driver contract through PyMySQL: type-matrix.json round trips, a rollback, a duplicate key.

Usage: python3 pymysql_matrix.py FIXTURE PORT PASSWORD. Prints the report TypeMatrix.cs checks. Values are passed
as PyMySQL's natural Python types: int, bool, Decimal, float, str, bytes, date, datetime, timedelta.
"""
import datetime
import decimal
import json
import sys

import pymysql


def to_param(kind, text):
    if kind == "int":
        return int(text)
    if kind == "bool":
        return text == "1"
    if kind == "decimal":
        return decimal.Decimal(text)
    if kind in ("float", "double"):
        return float(text)
    if kind == "bytes":
        return bytes.fromhex(text)
    if kind == "date":
        return datetime.date.fromisoformat(text)
    if kind == "datetime":
        return datetime.datetime.fromisoformat(text)
    if kind == "time":
        if text.startswith("-"):
            # PyMySQL 1.0 writes a negative timedelta wrongly (-838:59:59 as '-839:00:01', which MySQL refuses
            # too), so negative times go as text.
            return text
        h, m, s = (int(p) for p in text.split(":"))
        return datetime.timedelta(hours=h, minutes=m, seconds=s)
    return text


def canonical(kind, v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (bytes, bytearray)):
        # BIT(n) comes back as big-endian bytes.
        return str(int.from_bytes(v, "big")) if kind == "int" else bytes(v).hex()
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, datetime.timedelta):
        total = int(v.total_seconds())
        sign, total = ("-", -total) if total < 0 else ("", total)
        return "%s%02d:%02d:%02d" % (sign, total // 3600, total // 60 % 60, total % 60)
    return str(v)


def describe(e):
    if isinstance(e, pymysql.err.MySQLError) and e.args and isinstance(e.args[0], int):
        return "%d: %s" % (e.args[0], e.args[1] if len(e.args) > 1 else "")
    return "%s: %s" % (type(e).__name__, e)


def run_column(cur, column):
    table = "t_" + column["name"]
    values = column["values"]
    cur.execute("CREATE TABLE %s (id INT PRIMARY KEY, v %s)" % (table, column["type"]))
    for i, text in enumerate(values + [None]):
        value = None if text is None else to_param(column["kind"], text)
        cur.execute("INSERT INTO " + table + " (id, v) VALUES (%s, %s)", (i + 1, value))
    result = {"values": []}
    for i in range(len(values) + 1):
        cur.execute("SELECT v FROM " + table + " WHERE id = %s", (i + 1,))
        row = cur.fetchone()
        result["values"].append(canonical(column["kind"], row[0]) if row else "(no row)")
    if column["lookup"]:
        result["lookup"] = []
        for text in values:
            cur.execute("SELECT id FROM " + table + " WHERE v = %s ORDER BY id", (to_param(column["kind"], text),))
            result["lookup"].append([r[0] for r in cur.fetchall()])
    unsupported = column.get("unsupported")
    if unsupported:
        try:
            cur.execute("INSERT INTO " + table + " (id, v) VALUES (1000, %s)", (to_param(column["kind"], unsupported["value"]),))
            cur.execute("SELECT v FROM " + table + " WHERE id = 1000")
            result["unsupported"] = "stored, read back as %s" % canonical(column["kind"], cur.fetchone()[0])
        except pymysql.err.MySQLError as e:
            result["unsupported"] = e.args[0]
    return result


def rollback(conn, cur):
    cur.execute("CREATE TABLE tx (id INT PRIMARY KEY, v VARCHAR(20))")
    cur.execute("INSERT INTO tx (id, v) VALUES (%s, %s)", (1, "kept"))
    conn.begin()
    cur.executemany("INSERT INTO tx (id, v) VALUES (%s, %s)", [(2, "rolled back"), (3, "rolled back")])
    cur.execute("SELECT COUNT(*) FROM tx")
    inside = cur.fetchone()[0]
    conn.rollback()
    cur.execute("SELECT id FROM tx ORDER BY id")
    return {"inside": inside, "after": [r[0] for r in cur.fetchall()]}


def duplicate(cur):
    result = {}
    try:
        cur.execute("INSERT INTO tx (id, v) VALUES (%s, %s)", (1, "again"))
        result["error"] = "no error for a duplicate key"
    except pymysql.err.MySQLError as e:
        # PyMySQL keeps the error number, not the SQLSTATE; its exception class follows the SQLSTATE class.
        result["code"] = e.args[0]
        result["sqlstate"] = None
        result["class"] = type(e).__name__
    cur.execute("SELECT v FROM tx WHERE id = %s", (1,))
    result["after"] = cur.fetchone()[0]
    return result


def guarded(part, *args):
    try:
        return part(*args)
    except Exception as e:  # noqa: BLE001 - every failure goes into the report
        return {"error": describe(e)}


def main():
    fixture, port, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(fixture, encoding="utf-8") as f:
        columns = json.load(f)["columns"]
    conn = pymysql.connect(host="127.0.0.1", port=port, user="admin", password=password, charset="utf8mb4", autocommit=True)
    cur = conn.cursor()
    cur.execute("CREATE DATABASE matrix")
    conn.select_db("matrix")
    types = {c["name"]: guarded(run_column, cur, c) for c in columns}
    report = {
        "driver": "PyMySQL " + pymysql.__version__,
        "types": types,
        "transaction": guarded(rollback, conn, cur),
        "duplicate": guarded(duplicate, cur),
    }
    conn.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
