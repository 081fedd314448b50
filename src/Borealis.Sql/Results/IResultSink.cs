namespace Borealis.Sql.Results;

/// <summary>
/// Where a session writes the results of a command, in order; implemented by the wire protocol. When a statement
/// of a multi-statement command fails, the results before it have been written and the error is thrown.
/// </summary>
public interface IResultSink
{
    /// <param name="moreResults">True when another result of the same command follows (SERVER_MORE_RESULTS_EXISTS).</param>
    ValueTask WriteOkAsync(OkResult result, bool moreResults, CancellationToken cancellationToken);

    /// <summary>Writes a result set, reading <paramref name="rows"/> to its end.</summary>
    ValueTask WriteResultSetAsync(IReadOnlyList<ColumnDefinition> columns, IRowSource rows, bool moreResults, CancellationToken cancellationToken);
}
