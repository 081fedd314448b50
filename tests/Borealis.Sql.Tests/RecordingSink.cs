using System.Buffers;
using System.Text;
using Borealis.Sql.Results;

namespace Borealis.Sql.Tests;

/// <summary>An in-memory <see cref="IResultSink"/>: keeps every OK and result set, rows in their text-protocol form.</summary>
public sealed class RecordingSink : IResultSink
{
    public List<SqlResult> Results { get; } = [];

    public SqlResult Last => Results[^1];

    public ValueTask WriteOkAsync(OkResult result, bool moreResults, CancellationToken cancellationToken)
    {
        Results.Add(new SqlResult(result, null, []));
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteResultSetAsync(IReadOnlyList<ColumnDefinition> columns, IRowSource rows, bool moreResults, CancellationToken cancellationToken)
    {
        var list = new List<string?[]>();
        var buffer = new ArrayBufferWriter<byte>();
        while (rows.Read())
        {
            var row = new string?[columns.Count];
            for (int i = 0; i < columns.Count; i++)
            {
                if (rows.GetKind(i) == ValueKind.Null)
                    continue;
                buffer.Clear();
                MySqlValueFormatter.FormatText(columns[i], rows, i, buffer);
                row[i] = Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
            list.Add(row);
        }
        Results.Add(new SqlResult(null, columns, list));
        return ValueTask.CompletedTask;
    }
}

public sealed record SqlResult(OkResult? Ok, IReadOnlyList<ColumnDefinition>? Columns, List<string?[]> Rows);
