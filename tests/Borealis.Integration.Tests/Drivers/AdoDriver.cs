using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Borealis.Integration.Tests.Drivers;

/// <summary>
/// Runs the driver contract (type matrix, rollback, duplicate key) through an ADO.NET provider in-process and
/// writes the same report as the driver programs, so the .NET drivers are checked by the same assertions.
/// Values are passed as the provider's natural CLR types: long/ulong, bool, decimal (text when wider than
/// decimal), float, double, string, byte[], DateTime, TimeSpan.
/// </summary>
public sealed class AdoDriver(AdoProvider provider, bool prepare)
{
    static CancellationToken Token => TestContext.Current.CancellationToken;

    public async Task<string> RunAsync()
    {
        await using var connection = provider.Connect();
        await connection.OpenAsync(Token);
        await ExecuteAsync(connection, "CREATE DATABASE matrix");
        await connection.ChangeDatabaseAsync("matrix", Token);

        var types = new JsonObject();
        foreach (var column in TypeMatrix.Columns)
        {
            try
            {
                types[column.Name] = await RunColumnAsync(connection, column);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                types[column.Name] = new JsonObject { ["error"] = Describe(ex) };
            }
        }
        var report = new JsonObject
        {
            ["driver"] = $"{provider.Name} (prepared: {prepare})",
            ["types"] = types,
            ["transaction"] = await GuardedAsync(() => RollbackAsync(connection)),
            ["duplicate"] = await GuardedAsync(() => DuplicateKeyAsync(connection)),
        };
        return report.ToJsonString();
    }

    async Task<JsonObject> GuardedAsync(Func<Task<JsonObject>> part)
    {
        try
        {
            return await part();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new JsonObject { ["error"] = Describe(ex) };
        }
    }

    /// <summary>A server error as "code: message"; anything else the driver throws (a value it cannot parse) with its type.</summary>
    string Describe(Exception ex) => ex is DbException db ? $"{provider.Error(db).Code}: {db.Message}" : $"{ex.GetType().Name}: {ex.Message}";

    async Task<JsonObject> RunColumnAsync(DbConnection connection, TypeColumn column)
    {
        string table = "t_" + column.Name;
        await ExecuteAsync(connection, $"CREATE TABLE {table} (id INT PRIMARY KEY, v {column.Type})");
        for (int i = 0; i <= column.Values.Count; i++)
        {
            object? value = i < column.Values.Count ? ToParameter(column, column.Values[i]) : null;
            await ExecuteAsync(connection, $"INSERT INTO {table} (id, v) VALUES (@id, @v)", ("@id", i + 1), ("@v", value));
        }

        var values = new JsonArray();
        for (int i = 0; i <= column.Values.Count; i++)
        {
            await using var select = Command(connection, $"SELECT v FROM {table} WHERE id = @id", ("@id", i + 1));
            await using var reader = await select.ExecuteReaderAsync(Token);
            values.Add(await reader.ReadAsync(Token) ? Canonical(column, reader, 0) : "(no row)");
        }
        var result = new JsonObject { ["values"] = values };

        if (column.Lookup)
        {
            var lookup = new JsonArray();
            foreach (var text in column.Values)
            {
                await using var find = Command(connection, $"SELECT id FROM {table} WHERE v = @v ORDER BY id", ("@v", ToParameter(column, text)));
                await using var reader = await find.ExecuteReaderAsync(Token);
                var ids = new JsonArray();
                while (await reader.ReadAsync(Token))
                    ids.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
                lookup.Add(ids);
            }
            result["lookup"] = lookup;
        }

        if (column.Unsupported is { } unsupported)
        {
            try
            {
                await ExecuteAsync(connection, $"INSERT INTO {table} (id, v) VALUES (1000, @v)", ("@v", ToParameter(column, unsupported.Value)));
                await using var select = Command(connection, $"SELECT v FROM {table} WHERE id = 1000");
                await using var reader = await select.ExecuteReaderAsync(Token);
                result["unsupported"] = "stored, read back as " + (await reader.ReadAsync(Token) ? Canonical(column, reader, 0) : "(no row)");
            }
            catch (DbException ex)
            {
                result["unsupported"] = provider.Error(ex).Code;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result["unsupported"] = Describe(ex);
            }
        }
        return result;
    }

    async Task<JsonObject> RollbackAsync(DbConnection connection)
    {
        await ExecuteAsync(connection, "CREATE TABLE tx (id INT PRIMARY KEY, v VARCHAR(20))");
        await ExecuteAsync(connection, "INSERT INTO tx (id, v) VALUES (@id, @v)", ("@id", 1), ("@v", "kept"));
        long inside;
        await using (var transaction = await connection.BeginTransactionAsync(Token))
        {
            foreach (var id in new[] { 2, 3 })
                await ExecuteAsync(connection, "INSERT INTO tx (id, v) VALUES (@id, @v)", transaction, ("@id", id), ("@v", "rolled back"));
            await using var count = Command(connection, "SELECT COUNT(*) FROM tx", transaction);
            inside = Convert.ToInt64(await count.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
            await transaction.RollbackAsync(Token);
        }
        var after = new JsonArray();
        await using (var select = Command(connection, "SELECT id FROM tx ORDER BY id"))
        await using (var reader = await select.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
                after.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }
        return new JsonObject { ["inside"] = inside, ["after"] = after };
    }

    async Task<JsonObject> DuplicateKeyAsync(DbConnection connection)
    {
        var result = new JsonObject();
        try
        {
            await ExecuteAsync(connection, "INSERT INTO tx (id, v) VALUES (@id, @v)", ("@id", 1), ("@v", "again"));
            result["error"] = "no error for a duplicate key";
        }
        catch (DbException ex)
        {
            (int code, string? sqlState) = provider.Error(ex);
            result["code"] = code;
            result["sqlstate"] = sqlState;
        }
        await using var select = Command(connection, "SELECT v FROM tx WHERE id = @id", ("@id", 1));
        result["after"] = (string?)await select.ExecuteScalarAsync(Token);
        return result;
    }

    Task ExecuteAsync(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        ExecuteAsync(connection, sql, null, parameters);

    async Task ExecuteAsync(DbConnection connection, string sql, DbTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, transaction, parameters);
        await command.ExecuteNonQueryAsync(Token);
    }

    DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Command(connection, sql, null, parameters);

    DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        if (prepare)
            command.Prepare();
        return command;
    }

    static object ToParameter(TypeColumn column, string text)
    {
        var inv = CultureInfo.InvariantCulture;
        return column.Kind switch
        {
            "int" => long.TryParse(text, inv, out var l) ? l : ulong.Parse(text, inv),
            "bool" => text == "1",
            // decimal holds 28 digits: DECIMAL(65,30) values go as text, as an application would send them.
            "decimal" => decimal.TryParse(text, NumberStyles.Number, inv, out var m) && m.ToString(inv) == text ? m : text,
            "float" => float.Parse(text, inv),
            "double" => double.Parse(text, inv),
            "bytes" => Convert.FromHexString(text),
            "date" => DateTime.ParseExact(text, "yyyy-MM-dd", inv),
            "datetime" => DateTime.Parse(text, inv),
            "time" => ParseTime(text),
            _ => text,
        };
    }

    string? Canonical(TypeColumn column, DbDataReader reader, int ordinal)
    {
        // More digits than decimal holds: the provider's own decimal type reads it exactly (MySql.Data's IsDBNull
        // and GetValue throw OverflowException on such a value, MySqlConnector's GetValue rounds or throws).
        if (column.Type.StartsWith("DECIMAL(65", StringComparison.Ordinal))
            return provider.ReadWideDecimal(reader, ordinal);
        if (reader.IsDBNull(ordinal))
            return null;
        var value = reader.GetValue(ordinal);
        var inv = CultureInfo.InvariantCulture;
        return value switch
        {
            bool b => b ? "1" : "0",
            float f => f.ToString("R", inv),
            double d => d.ToString("R", inv),
            byte[] bytes => Convert.ToHexStringLower(bytes),
            DateTime dt => dt.ToString(column.Kind == "date" ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.ffffff", inv),
            DateOnly d => d.ToString("yyyy-MM-dd", inv),
            TimeSpan ts => FormatTime(ts),
            IFormattable n => n.ToString(null, inv),
            _ => value.ToString(),
        };
    }

    static TimeSpan ParseTime(string text)
    {
        bool negative = text.StartsWith('-');
        var parts = text.TrimStart('-').Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var span = new TimeSpan(parts[0], parts[1], parts[2]);
        return negative ? -span : span;
    }

    static string FormatTime(TimeSpan ts)
    {
        var abs = ts.Duration();
        return (ts < TimeSpan.Zero ? "-" : "") + ((int)abs.TotalHours).ToString("00", CultureInfo.InvariantCulture) + abs.ToString(@"\:mm\:ss", CultureInfo.InvariantCulture);
    }
}
