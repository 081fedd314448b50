using Borealis.Sql.Results;

namespace Borealis.Sql;

/// <summary>
/// A statement prepared by <see cref="ISqlSession.Prepare"/> (COM_STMT_PREPARE). The wire protocol assigns the
/// statement id; the session owns what the statement holds and frees it in <see cref="ISqlSession.ClosePrepared"/>.
/// </summary>
public abstract class PreparedStatement
{
    /// <summary>Number of '?' placeholders.</summary>
    public abstract int ParameterCount { get; }

    /// <summary>The columns of its result set, or empty when it returns none (or they are only known at execution).</summary>
    public abstract IReadOnlyList<ColumnDefinition> Columns { get; }
}
