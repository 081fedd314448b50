using Borealis.Sql.Results;

namespace Borealis.Sql.Execution;

/// <summary>The statically inferred type of a result column computed by an expression.</summary>
internal sealed record ColumnHint(MySqlColumnType Type, uint Length, byte Decimals, ColumnFlags Flags = ColumnFlags.None, ushort Charset = CharacterSets.Binary);
