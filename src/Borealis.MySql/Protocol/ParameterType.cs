using Borealis.Sql.Results;

namespace Borealis.MySql.Protocol;

/// <summary>A parameter's type as COM_STMT_EXECUTE binds it: the column type and the unsigned flag (0x80).</summary>
internal readonly record struct ParameterType(MySqlColumnType Type, bool Unsigned);
