using SQLitePCL;

namespace Borealis.Engine.Tests;

/// <summary>Small helpers to run SQL on a <see cref="DatabaseConnection"/> through SQLitePCLRaw's raw API.</summary>
internal static class Sql
{
    /// <summary>Runs <paramref name="sql"/> and returns SQLite's result code.</summary>
    public static int TryExec(DatabaseConnection connection, string sql) => raw.sqlite3_exec(connection.Handle, sql);

    /// <summary>Runs <paramref name="sql"/>, failing the test on an error.</summary>
    public static void Exec(DatabaseConnection connection, string sql)
    {
        int rc = raw.sqlite3_exec(connection.Handle, sql);
        Assert.True(rc == raw.SQLITE_OK, $"'{sql}' failed with {rc}: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}");
    }

    /// <summary>Takes the write lock, runs <paramref name="sql"/> and ends the statement.</summary>
    public static async Task WriteAsync(DatabaseConnection connection, string sql, CancellationToken cancellationToken)
    {
        await connection.AcquireWriteLockAsync(cancellationToken);
        try
        {
            Exec(connection, sql);
        }
        finally
        {
            connection.EndStatement();
        }
    }

    public static long Long(DatabaseConnection connection, string sql)
    {
        int rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        Assert.True(rc == raw.SQLITE_OK, $"prepare '{sql}' failed: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}");
        using (statement)
        {
            rc = raw.sqlite3_step(statement);
            Assert.True(rc == raw.SQLITE_ROW, $"'{sql}' returned {rc}: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}");
            return raw.sqlite3_column_int64(statement, 0);
        }
    }

    public static string Text(DatabaseConnection connection, string sql)
    {
        int rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        Assert.True(rc == raw.SQLITE_OK, $"prepare '{sql}' failed: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}");
        using (statement)
        {
            rc = raw.sqlite3_step(statement);
            Assert.True(rc == raw.SQLITE_ROW, $"'{sql}' returned {rc}: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}");
            return raw.sqlite3_column_text(statement, 0).utf8_to_string();
        }
    }

    public static string ErrorMessage(DatabaseConnection connection) => raw.sqlite3_errmsg(connection.Handle).utf8_to_string();
}
