using System.Text;
using Borealis.Sql.Errors;
using SQLitePCL;

namespace Borealis.Sql.Execution;

/// <summary>Small helpers over SQLitePCLRaw's raw API: binding, one-off statements, and error translation.</summary>
internal static class SqliteUtil
{
    /// <summary>Binds a value as the SQL layer stores it (null, long, double, string, byte[]; others converted).</summary>
    public static void Bind(sqlite3_stmt stmt, int index, object? value)
    {
        switch (value)
        {
            case null:
                raw.sqlite3_bind_null(stmt, index);
                break;
            case long l:
                raw.sqlite3_bind_int64(stmt, index, l);
                break;
            case int i:
                raw.sqlite3_bind_int64(stmt, index, i);
                break;
            case ulong u:
                if (u <= long.MaxValue)
                    raw.sqlite3_bind_int64(stmt, index, (long)u);
                else
                    raw.sqlite3_bind_double(stmt, index, u);
                break;
            case double d:
                raw.sqlite3_bind_double(stmt, index, d);
                break;
            case float f:
                raw.sqlite3_bind_double(stmt, index, f);
                break;
            case decimal m:
                if (m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue)
                    raw.sqlite3_bind_int64(stmt, index, (long)m);
                else
                    raw.sqlite3_bind_double(stmt, index, (double)m);
                break;
            case Syntax.ExactDecimal e:
                raw.sqlite3_bind_double(stmt, index, e.Approximate);
                break;
            case bool b:
                raw.sqlite3_bind_int64(stmt, index, b ? 1 : 0);
                break;
            case string s:
                raw.sqlite3_bind_text(stmt, index, s);
                break;
            case byte[] bytes:
                raw.sqlite3_bind_blob(stmt, index, bytes);
                break;
            case DateTime dt:
                raw.sqlite3_bind_text(stmt, index, ValueCoercion.FormatDateTime(dt));
                break;
            case TimeSpan ts:
                raw.sqlite3_bind_text(stmt, index, ValueCoercion.FormatTime(ts));
                break;
            default:
                raw.sqlite3_bind_text(stmt, index, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    public static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        int rc = raw.sqlite3_prepare_v2(db, sql, out var stmt);
        if (rc != raw.SQLITE_OK)
        {
            var ex = Translate(db, rc, null);
            stmt?.Dispose();
            throw ex;
        }
        return stmt;
    }

    /// <summary>Runs a statement to completion (no rows expected).</summary>
    public static void Exec(sqlite3 db, string sql, params object?[] args)
    {
        using var stmt = Prepare(db, sql);
        for (int i = 0; i < args.Length; i++)
            Bind(stmt, i + 1, args[i]);
        int rc;
        while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
        {
        }
        if (rc != raw.SQLITE_DONE)
            throw Translate(db, rc, null);
    }

    /// <summary>
    /// Steps a write to its end: a RETURNING clause (the view checks of a write through a view) yields a row per
    /// written row, all written by the first step.
    /// </summary>
    public static int StepPastRows(sqlite3_stmt stmt)
    {
        int rc;
        while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
        {
        }
        return rc;
    }

    /// <summary>Runs a query and returns all rows as object arrays (long, double, string, byte[] or null).</summary>
    public static List<object?[]> Query(sqlite3 db, string sql, params object?[] args)
    {
        using var stmt = Prepare(db, sql);
        for (int i = 0; i < args.Length; i++)
            Bind(stmt, i + 1, args[i]);
        var rows = new List<object?[]>();
        int rc;
        while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            rows.Add(ReadRow(stmt));
        if (rc != raw.SQLITE_DONE)
            throw Translate(db, rc, null);
        return rows;
    }

    public static object?[] ReadRow(sqlite3_stmt stmt)
    {
        int n = raw.sqlite3_column_count(stmt);
        var row = new object?[n];
        for (int i = 0; i < n; i++)
            row[i] = ReadValue(stmt, i);
        return row;
    }

    public static object? ReadValue(sqlite3_stmt stmt, int i) => raw.sqlite3_column_type(stmt, i) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(stmt, i),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(stmt, i),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(stmt, i).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(stmt, i).ToArray(),
        _ => null,
    };

    public static object? ReadValue(sqlite3_value v) => raw.sqlite3_value_type(v) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_value_int64(v),
        raw.SQLITE_FLOAT => raw.sqlite3_value_double(v),
        raw.SQLITE_TEXT => raw.sqlite3_value_text(v).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_value_blob(v).ToArray(),
        _ => null,
    };

    public static void Result(sqlite3_context ctx, object? value)
    {
        switch (value)
        {
            case null:
                raw.sqlite3_result_null(ctx);
                break;
            case long l:
                raw.sqlite3_result_int64(ctx, l);
                break;
            case double d:
                raw.sqlite3_result_double(ctx, d);
                break;
            case string s:
                raw.sqlite3_result_text(ctx, s);
                break;
            case byte[] { Length: 0 }:
                raw.sqlite3_result_zeroblob(ctx, 0); // an empty blob: sqlite3_result_blob of no bytes would be NULL
                break;
            case byte[] b:
                raw.sqlite3_result_blob(ctx, b);
                break;
            default:
                raw.sqlite3_result_text(ctx, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    /// <summary>
    /// Turns a SQLite failure into the MySQL error a client should see. Constraint failures that need the
    /// catalog (1062, 1048) are refined by the caller; this covers the generic cases.
    /// </summary>
    public static MySqlErrorException Translate(sqlite3 db, int rc, string? context)
    {
        string message = raw.sqlite3_errmsg(db).utf8_to_string() ?? "";
        int extended = raw.sqlite3_extended_errcode(db);
        if ((rc & 0xff) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED)
            return MySqlErrors.LockWaitTimeout();
        // A reader's engine refuses writes; if one gets that far, the client sees MySQL's read-only error.
        if ((rc & 0xff) == raw.SQLITE_READONLY)
            return MySqlErrors.ReadOnly();
        if (message.StartsWith("no such column: ", StringComparison.Ordinal))
        {
            string name = message["no such column: ".Length..];
            int hint = name.IndexOf(" - ", StringComparison.Ordinal);
            if (hint > 0)
                name = name[..hint];
            return MySqlErrors.UnknownColumn(name.Trim('"'), context ?? "field list");
        }
        if (message.StartsWith("ambiguous column name: ", StringComparison.Ordinal))
            return MySqlErrors.AmbiguousColumn(message["ambiguous column name: ".Length..], context ?? "field list");
        if (message.StartsWith("no such table: ", StringComparison.Ordinal))
        {
            string name = message["no such table: ".Length..];
            if (name.StartsWith("main.", StringComparison.Ordinal))
                name = name[5..];
            int slash = name.IndexOf('/', StringComparison.Ordinal);
            return slash > 0 ? MySqlErrors.NoSuchTable(name[..slash], name[(slash + 1)..]) : MySqlErrors.NoSuchTable("", name);
        }
        if (message.StartsWith("misuse of aggregate", StringComparison.Ordinal) || message.Contains("aggregate functions are not allowed", StringComparison.Ordinal))
            return MySqlErrors.InvalidGroupFunction();
        if (message.Contains("columns - expected 1", StringComparison.Ordinal) || message.Contains("row value misused", StringComparison.Ordinal))
            return MySqlErrors.OperandColumns(1);
        if (message.StartsWith("SELECTs to the left and right of UNION", StringComparison.Ordinal))
            return MySqlErrors.WrongNumberOfColumnsInSelect();
        if (message.StartsWith("wrong number of arguments to function ", StringComparison.Ordinal))
        {
            string fn = message["wrong number of arguments to function ".Length..];
            int paren = fn.IndexOf('(', StringComparison.Ordinal);
            fn = paren > 0 ? fn[..paren] : fn;
            // Our own functions are MySQL's of the same name: __bx_repeat is REPEAT.
            return MySqlErrors.WrongParameterCount(fn.StartsWith("__bx_", StringComparison.Ordinal) ? fn["__bx_".Length..].ToUpperInvariant() : fn);
        }
        if (message.StartsWith("no such function: ", StringComparison.Ordinal))
            return MySqlErrors.FunctionDoesNotExist(message["no such function: ".Length..]);
        if (message.StartsWith("bad JSON path: ", StringComparison.Ordinal))
        {
            string path = message["bad JSON path: ".Length..].Trim('\'');
            return path.Contains('*', StringComparison.Ordinal) || path.Contains(" to ", StringComparison.OrdinalIgnoreCase) ? MySqlErrors.JsonPathWildcard() : MySqlErrors.InvalidJsonPath(path, "json_extract");
        }
        if (message == "malformed JSON")
            return MySqlErrors.InvalidJsonArgument(1, "json_extract", "Invalid value");
        if (extended == raw.SQLITE_CONSTRAINT_TRIGGER && Catalog.ForeignKeyTriggers.ErrorFor(message) is { } foreignKey)
            return foreignKey;
        if (extended == raw.SQLITE_CONSTRAINT_CHECK && message.StartsWith("CHECK constraint failed: ", StringComparison.Ordinal))
            return MySqlErrors.CheckConstraintViolated(message["CHECK constraint failed: ".Length..]);
        if (extended == raw.SQLITE_CONSTRAINT_NOTNULL)
        {
            int dot = message.LastIndexOf('.');
            return MySqlErrors.ColumnCannotBeNull(dot >= 0 ? message[(dot + 1)..] : message);
        }
        if (rc == raw.SQLITE_TOOBIG)
            return MySqlErrors.PacketTooLarge();
        if (rc == raw.SQLITE_INTERRUPT)
            return MySqlErrors.QueryInterrupted();
        return MySqlErrors.Internal(message);
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string QuoteString(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
