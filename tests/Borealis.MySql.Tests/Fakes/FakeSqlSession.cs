using System.Globalization;
using Borealis.Sql;
using Borealis.Sql.Errors;
using Borealis.Sql.Results;

namespace Borealis.MySql.Tests.Fakes;

/// <summary>
/// A scripted <see cref="ISqlSession"/> (the SQL layer is tested elsewhere). It knows:
/// <c>SELECT 1</c>, <c>SELECT TYPED</c> (one row of each type), <c>SELECT NULLS</c>, <c>SELECT ROWS n</c>,
/// <c>SELECT BIG n</c> (one n-byte blob), <c>SELECT LENGTH_OF ...</c> (the statement's own length),
/// <c>SELECT ECHO ?...</c> (prepared: the parameters back), <c>SELECT FAILROW</c> (fails after one row),
/// <c>INSERT ...</c> (OK, 1 row, id 42), <c>FAIL</c> (1062), <c>CRASH</c> (InvalidOperationException),
/// <c>SELECT * FROM `t` LIMIT 0</c> (for COM_FIELD_LIST); anything else is a 1064.
/// </summary>
public sealed class FakeSqlSession(SessionInfo info, FakeServerState state) : ISqlSession
{
    static readonly string[] s_databases = ["demo", "test"];

    public static readonly IReadOnlyList<ColumnDefinition> TypedColumns =
    [
        new() { Name = "i", Type = MySqlColumnType.Long, Length = 11, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num },
        new() { Name = "u", Type = MySqlColumnType.LongLong, Length = 20, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num | ColumnFlags.Unsigned },
        new() { Name = "d", Type = MySqlColumnType.Double, Length = 22, Decimals = 31, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num },
        new() { Name = "dec", Type = MySqlColumnType.NewDecimal, Length = 12, Decimals = 2, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num },
        new() { Name = "s", Type = MySqlColumnType.VarString, Length = 80 },
        new() { Name = "dt", Type = MySqlColumnType.Date, Length = 10, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Binary },
        new() { Name = "ts", Type = MySqlColumnType.DateTime, Length = 26, Decimals = 6, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Binary },
        new() { Name = "b", Type = MySqlColumnType.Blob, Length = 65535, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Blob | ColumnFlags.Binary },
        new() { Name = "n", Type = MySqlColumnType.Long, Length = 11, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num },
        new() { Name = "t", Type = MySqlColumnType.Time, Length = 17, Decimals = 6, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Binary },
        new() { Name = "f", Type = MySqlColumnType.Float, Length = 12, Decimals = 31, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num },
        new() { Name = "tiny", Type = MySqlColumnType.Tiny, Length = 4, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num },
        new() { Name = "small", Type = MySqlColumnType.Short, Length = 6, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num },
        new() { Name = "big", Type = MySqlColumnType.LongLong, Length = 20, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Num },
    ];

    public static readonly object?[] TypedRow =
    [
        -42L, "18446744073709551615", 3.25, "12345.67", "héllo wörld", "2024-02-29", "2024-02-29 13:14:15.123456",
        new byte[] { 0, 1, 2, 255 }, null, "-01:02:03.500000", 1.5, 7L, -300L, long.MinValue,
    ];

    static readonly ColumnDefinition s_one = new() { Name = "1", Type = MySqlColumnType.LongLong, Length = 1, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.NotNull | ColumnFlags.Num };

    static readonly IReadOnlyList<ColumnDefinition> s_rowsColumns = [s_one with { Name = "id" }, new ColumnDefinition { Name = "name", Length = 80 }];

    public SessionInfo Info { get; } = info;

    public string? CurrentDatabase { get; private set; } = info.Database;

    public ServerStatus Status => ServerStatus.Autocommit;

    public int WarningCount => 0;

    public void UseDatabase(string name)
    {
        if (!s_databases.Contains(name))
            throw MySqlErrors.UnknownDatabase(name);
        CurrentDatabase = name;
    }

    public async ValueTask ExecuteAsync(string sql, bool allowMultipleStatements, IResultSink sink, CancellationToken cancellationToken)
    {
        state.Queries.Enqueue(sql);
        var statements = sql.StartsWith("SELECT LENGTH_OF", StringComparison.Ordinal) ? [sql]
            : sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (statements.Length == 0)
            throw MySqlErrors.EmptyQuery();
        if (statements.Length > 1 && !allowMultipleStatements)
            throw MySqlErrors.Syntax(statements[1], 1);
        for (var i = 0; i < statements.Length; i++)
        {
            if (statements[i] == "SELECT WAIT")
                await state.Gate.Task.WaitAsync(cancellationToken);
            await RunAsync(statements[i] == "SELECT WAIT" ? "SELECT 1" : statements[i], [], sink, i < statements.Length - 1, cancellationToken);
        }
    }

    public PreparedStatement Prepare(string sql)
    {
        var parameters = sql.Count(c => c == '?');
        IReadOnlyList<ColumnDefinition> columns = sql switch
        {
            "SELECT TYPED" => TypedColumns,
            "SELECT 1" => [s_one],
            _ when sql.StartsWith("SELECT ROWS", StringComparison.Ordinal) => s_rowsColumns,
            // Result columns must be known at prepare time: libmariadb clients (sysbench) decide from them whether to read a result.
            _ when sql.StartsWith("SELECT ECHO", StringComparison.Ordinal) => EchoColumns(parameters),
            _ when sql.StartsWith("INSERT", StringComparison.Ordinal) => [],
            "FAIL" => [],
            _ => throw MySqlErrors.Syntax(sql, 1),
        };
        return new FakePreparedStatement(sql, parameters, columns);
    }

    public ValueTask ExecutePreparedAsync(PreparedStatement statement, IReadOnlyList<object?> parameters, IResultSink sink, CancellationToken cancellationToken)
    {
        var fake = (FakePreparedStatement)statement;
        if (fake.Closed)
            throw new InvalidOperationException("Executing a closed statement.");
        state.Executions.Enqueue((fake.Sql, parameters));
        return RunAsync(fake.Sql, parameters, sink, false, cancellationToken);
    }

    public void ClosePrepared(PreparedStatement statement)
    {
        ((FakePreparedStatement)statement).Closed = true;
        state.OnClosed();
    }

    public void Reset()
    {
        CurrentDatabase = Info.Database;
        state.OnReset();
    }

    public void Dispose() => state.OnDisposed();

    static List<ColumnDefinition> EchoColumns(int count) =>
        Enumerable.Range(0, count).Select(i => new ColumnDefinition { Name = "p" + i, Type = MySqlColumnType.VarString, Length = 255 }).ToList();

    static async ValueTask RunAsync(string sql, IReadOnlyList<object?> parameters, IResultSink sink, bool more, CancellationToken cancellationToken)
    {
        var words = sql.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (words)
        {
            case ["SELECT", "1"]:
                await sink.WriteResultSetAsync([s_one], new FakeRowSource([[1L]]), more, cancellationToken);
                return;
            case ["SELECT", "TYPED"]:
                await sink.WriteResultSetAsync(TypedColumns, new FakeRowSource([TypedRow, TypedRow]), more, cancellationToken);
                return;
            case ["SELECT", "ROWS", var count]:
                {
                    // The fuzz tests mutate these commands: a count that is not a number is a client error, not a fault.
                    if (!int.TryParse(count, CultureInfo.InvariantCulture, out var n) || n < 0)
                        throw MySqlErrors.Syntax(count, 1);
                    var rows = Enumerable.Range(0, n).Select(i => new object?[] { (long)i, "row " + i }).ToList();
                    await sink.WriteResultSetAsync(s_rowsColumns, new FakeRowSource(rows), more, cancellationToken);
                    return;
                }
            case ["SELECT", "BIG", var size]:
                {
                    if (!int.TryParse(size, CultureInfo.InvariantCulture, out var length) || length < 0)
                        throw MySqlErrors.Syntax(size, 1);
                    var blob = new byte[length];
                    for (var i = 0; i < blob.Length; i++)
                        blob[i] = (byte)(i * 7);
                    ColumnDefinition column = new() { Name = "big", Type = MySqlColumnType.LongBlob, Length = uint.MaxValue, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Blob | ColumnFlags.Binary };
                    await sink.WriteResultSetAsync([column], new FakeRowSource([[blob]]), more, cancellationToken);
                    return;
                }
            case ["SELECT", "LENGTH_OF", ..]:
                await sink.WriteResultSetAsync([s_one with { Name = "length" }], new FakeRowSource([[(long)sql.Length]]), more, cancellationToken);
                return;
            case ["SELECT", "FAILROW"]:
                await sink.WriteResultSetAsync([s_one], new FakeRowSource([[1L], [2L]], failAtRow: 1), more, cancellationToken);
                return;
            case ["SELECT", "ECHO", ..]:
                {
                    var columns = EchoColumns(parameters.Count);
                    var row = parameters.Select(p => (object?)(p is null ? null : Convert.ToString(p, CultureInfo.InvariantCulture))).ToArray();
                    await sink.WriteResultSetAsync(columns, new FakeRowSource([row]), more, cancellationToken);
                    return;
                }
            case ["SELECT", "*", "FROM", var table, "LIMIT", "0"]:
                if (table != "`t`")
                    throw MySqlErrors.NoSuchTable("test", table.Trim('`'));
                await sink.WriteResultSetAsync(TypedColumns.Take(3).ToList(), new FakeRowSource([]), more, cancellationToken);
                return;
            case ["INSERT", ..]:
                await sink.WriteOkAsync(new OkResult(1, 42, "Records: 1  Duplicates: 0  Warnings: 0"), more, cancellationToken);
                return;
            case ["SET", ..]:
            case ["DO", ..]:
                await sink.WriteOkAsync(new OkResult(), more, cancellationToken);
                return;
            case ["FAIL"]:
                throw MySqlErrors.DuplicateEntry("1", "PRIMARY");
            case ["CRASH"]:
                throw new InvalidOperationException("boom");
            default:
                throw MySqlErrors.Syntax(sql.Length > 80 ? sql[..80] : sql, 1);
        }
    }
}
