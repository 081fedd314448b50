using Borealis.Engine;
using Borealis.Sql.Errors;
using Borealis.Testing;
using Borealis.Volume;

namespace Borealis.Sql.Tests;

/// <summary>A fresh in-memory database, a <see cref="SqlServer"/> and one session per test, with helpers.</summary>
public abstract class SqlTestBase : BorealisTest, IAsyncLifetime
{
    uint _nextConnection = 1;

    protected Database Database { get; private set; } = null!;

    protected SqlServer Server { get; private set; } = null!;

    protected ISqlSession Session { get; private set; } = null!;

    protected virtual SqlServerOptions Options => new() { ServerId = "test-instance", Hostname = "testhost" };

    public virtual ValueTask InitializeAsync()
    {
        Database = Database.Open(new InMemoryVolume());
        Server = new SqlServer(Database, Options);
        Session = OpenSession();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Session.Dispose();
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected ISqlSession OpenSession(string? database = null) =>
        Server.OpenSession(new SessionInfo(_nextConnection++, "admin", "127.0.0.1:5000", database));

    /// <summary>Runs one or more statements and returns every result.</summary>
    protected async Task<List<SqlResult>> RunAsync(string sql, ISqlSession? session = null)
    {
        var sink = new RecordingSink();
        await (session ?? Session).ExecuteAsync(sql, allowMultipleStatements: true, sink, TestToken);
        return sink.Results;
    }

    protected async Task<SqlResult> ExecAsync(string sql, ISqlSession? session = null) => (await RunAsync(sql, session))[^1];

    protected async Task<Results.OkResult> OkAsync(string sql, ISqlSession? session = null)
    {
        var r = await ExecAsync(sql, session);
        Assert.NotNull(r.Ok);
        return r.Ok.Value;
    }

    protected async Task<List<string?[]>> RowsAsync(string sql, ISqlSession? session = null)
    {
        var r = await ExecAsync(sql, session);
        Assert.Null(r.Ok);
        return r.Rows;
    }

    protected async Task<string?> ScalarAsync(string sql, ISqlSession? session = null)
    {
        var rows = await RowsAsync(sql, session);
        Assert.Single(rows);
        return rows[0][0];
    }

    protected async Task<MySqlErrorException> ErrorAsync(string sql, ISqlSession? session = null)
    {
        try
        {
            await RunAsync(sql, session);
        }
        catch (MySqlErrorException ex)
        {
            return ex;
        }
        Assert.Fail($"No error from: {sql}");
        return null!;
    }

    protected async Task AssertErrorAsync(MySqlErrorCode code, string sql, ISqlSession? session = null)
    {
        var ex = await ErrorAsync(sql, session);
        Assert.True(ex.Code == code, $"expected {code} ({(int)code}) but got {ex.Code} ({(int)ex.Code}): {ex.Message}");
    }
}
