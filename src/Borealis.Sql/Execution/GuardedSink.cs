using Borealis.Sql.Results;

namespace Borealis.Sql.Execution;

/// <summary>Passes results through and remembers whether the sink itself failed (its errors are not the SQL layer's).</summary>
internal sealed class GuardedSink(IResultSink inner) : IResultSink
{
    public bool Failed { get; private set; }

    /// <summary>True once a result (OK or a result set) was passed on: the client may have seen it.</summary>
    public bool Wrote { get; private set; }

    public async ValueTask WriteOkAsync(OkResult result, bool moreResults, CancellationToken cancellationToken)
    {
        Wrote = true;
        try
        {
            await inner.WriteOkAsync(result, moreResults, cancellationToken);
        }
        catch
        {
            Failed = true;
            throw;
        }
    }

    public async ValueTask WriteResultSetAsync(IReadOnlyList<ColumnDefinition> columns, IRowSource rows, bool moreResults, CancellationToken cancellationToken)
    {
        Wrote = true;
        try
        {
            await inner.WriteResultSetAsync(columns, rows, moreResults, cancellationToken);
        }
        catch (Errors.MySqlErrorException)
        {
            // A row failed to evaluate (IRowSource.Read): that is the statement's error.
            throw;
        }
        catch
        {
            Failed = true;
            throw;
        }
    }
}
