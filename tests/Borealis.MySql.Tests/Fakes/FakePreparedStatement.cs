using Borealis.Sql;
using Borealis.Sql.Results;

namespace Borealis.MySql.Tests.Fakes;

public sealed class FakePreparedStatement(string sql, int parameterCount, IReadOnlyList<ColumnDefinition> columns) : PreparedStatement
{
    public string Sql { get; } = sql;

    public override int ParameterCount { get; } = parameterCount;

    public override IReadOnlyList<ColumnDefinition> Columns { get; } = columns;

    public bool Closed { get; set; }
}
