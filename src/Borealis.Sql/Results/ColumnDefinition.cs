namespace Borealis.Sql.Results;

/// <summary>
/// One column of a result set, as the Protocol::ColumnDefinition41 packet describes it
/// (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html).
/// Built from the declared MySQL type of the column it comes from, or from the type of the expression.
/// </summary>
public sealed record ColumnDefinition
{
    public required string Name { get; init; }

    public MySqlColumnType Type { get; init; } = MySqlColumnType.VarString;

    public ColumnFlags Flags { get; init; }

    /// <summary>Maximum display length in bytes (for utf8mb4 strings: characters × 4).</summary>
    public uint Length { get; init; }

    /// <summary>Digits after the point for DECIMAL/FLOAT/DOUBLE, fractional-second digits for temporal types; 0x1f: not fixed.</summary>
    public byte Decimals { get; init; }

    /// <summary>Collation id: 255 utf8mb4_0900_ai_ci for text, 63 binary for numbers, dates and blobs.</summary>
    public ushort CharacterSet { get; init; } = CharacterSets.Utf8mb4General;

    public string Schema { get; init; } = "";

    public string Table { get; init; } = "";

    public string OriginalTable { get; init; } = "";

    public string OriginalName { get; init; } = "";
}

/// <summary>Collation ids used in column definitions and the handshake.</summary>
public static class CharacterSets
{
    /// <summary>utf8mb4_0900_ai_ci, MySQL 8.0's default.</summary>
    public const ushort Utf8mb4General = 255;

    /// <summary>utf8mb4_general_ci: what older clients ask for with SET NAMES utf8mb4.</summary>
    public const ushort Utf8mb4GeneralCi = 45;

    /// <summary>binary: numbers, temporal values, blobs.</summary>
    public const ushort Binary = 63;
}
