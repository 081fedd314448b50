using Borealis.Sql.Parsing;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

/// <summary>A statement parsed once by COM_STMT_PREPARE; its translation is kept while the catalog is unchanged.</summary>
internal sealed class SqlPreparedStatement(string sql, List<Token> tokens, Statement statement, int parameterCount, IReadOnlyList<ColumnDefinition> columns)
    : PreparedStatement
{
    public string Sql { get; } = sql;

    public List<Token> Tokens { get; } = tokens;

    public Statement Statement { get; } = statement;

    public override int ParameterCount { get; } = parameterCount;

    public override IReadOnlyList<ColumnDefinition> Columns { get; } = columns;

    public SqlPlan? Plan { get; set; }

    public bool Closed { get; set; }
}
