using Borealis.Sql.Catalog;
using Borealis.Sql.Results;

namespace Borealis.Sql.Execution;

/// <summary>Column metadata of results, from the declared MySQL type of the column a value comes from.</summary>
internal static class ResultColumns
{
    public static ColumnHint Hint(ColumnInfo c)
    {
        var flags = ColumnFlags.None;
        if (c.NotNull)
            flags |= ColumnFlags.NotNull;
        if (c.Unsigned)
            flags |= ColumnFlags.Unsigned;
        if (c.ZeroFill)
            flags |= ColumnFlags.ZeroFill;
        if (c.AutoIncrement)
            flags |= ColumnFlags.AutoIncrement;
        if (!c.HasDefault && !c.DefaultNow && !c.AutoIncrement && c.NotNull)
            flags |= ColumnFlags.NoDefaultValue;
        ushort text = c.Collation is { } coll && coll.EndsWith("_bin", StringComparison.OrdinalIgnoreCase) ? (ushort)46 : CharacterSets.Utf8mb4General;
        uint width(int def) => (uint)(c.Length ?? def);
        switch (c.DataType)
        {
            case "tinyint":
                return new(MySqlColumnType.Tiny, c.Length is int w1 && w1 == 1 ? 1u : c.Unsigned ? 3u : 4u, 0, flags | ColumnFlags.Num);
            case "smallint":
                return new(MySqlColumnType.Short, c.Unsigned ? 5u : 6u, 0, flags | ColumnFlags.Num);
            case "mediumint":
                return new(MySqlColumnType.Int24, c.Unsigned ? 8u : 9u, 0, flags | ColumnFlags.Num);
            case "int":
                return new(MySqlColumnType.Long, c.Unsigned ? 10u : 11u, 0, flags | ColumnFlags.Num);
            case "bigint":
                return new(MySqlColumnType.LongLong, 20, 0, flags | ColumnFlags.Num);
            case "bit":
                return new(MySqlColumnType.Bit, width(1), 0, flags | ColumnFlags.Unsigned);
            case "year":
                return new(MySqlColumnType.Year, 4, 0, flags | ColumnFlags.Unsigned | ColumnFlags.ZeroFill | ColumnFlags.Num);
            case "decimal":
                {
                    int p = c.Length ?? 10, s = c.Scale ?? 0;
                    return new(MySqlColumnType.NewDecimal, (uint)(p + (s > 0 ? 1 : 0) + (c.Unsigned ? 0 : 1)), (byte)s, flags | ColumnFlags.Num);
                }
            case "float":
                return new(MySqlColumnType.Float, c.Length is int fp ? (uint)fp + 2 : 12, c.Scale is int fs ? (byte)fs : (byte)31, flags | ColumnFlags.Num);
            case "double":
                return new(MySqlColumnType.Double, c.Length is int dp ? (uint)dp + 2 : 22, c.Scale is int ds ? (byte)ds : (byte)31, flags | ColumnFlags.Num);
            case "char":
                return new(MySqlColumnType.String, width(1) * 4, 0, flags, text);
            case "varchar":
                return new(MySqlColumnType.VarString, width(1) * 4, 0, flags, text);
            case "binary":
                return new(MySqlColumnType.String, width(1), 0, flags | ColumnFlags.Binary);
            case "varbinary":
                return new(MySqlColumnType.VarString, width(1), 0, flags | ColumnFlags.Binary);
            case "tinytext":
                return new(MySqlColumnType.Blob, 255 * 4, 0, flags | ColumnFlags.Blob, text);
            case "text":
                return new(MySqlColumnType.Blob, 65535 * 4, 0, flags | ColumnFlags.Blob, text);
            case "mediumtext":
                return new(MySqlColumnType.Blob, 16777215 * 4, 0, flags | ColumnFlags.Blob, text);
            case "longtext":
                return new(MySqlColumnType.Blob, uint.MaxValue, 0, flags | ColumnFlags.Blob, text);
            case "tinyblob":
                return new(MySqlColumnType.Blob, 255, 0, flags | ColumnFlags.Blob | ColumnFlags.Binary);
            case "blob":
                return new(MySqlColumnType.Blob, 65535, 0, flags | ColumnFlags.Blob | ColumnFlags.Binary);
            case "mediumblob":
                return new(MySqlColumnType.Blob, 16777215, 0, flags | ColumnFlags.Blob | ColumnFlags.Binary);
            case "longblob":
                return new(MySqlColumnType.Blob, uint.MaxValue, 0, flags | ColumnFlags.Blob | ColumnFlags.Binary);
            case "date":
                return new(MySqlColumnType.Date, 10, 0, flags | ColumnFlags.Binary);
            case "datetime":
                return new(MySqlColumnType.DateTime, c.Length is int f1 && f1 > 0 ? 20u + (uint)f1 : 19, (byte)(c.Length ?? 0), flags | ColumnFlags.Binary);
            case "timestamp":
                return new(MySqlColumnType.Timestamp, c.Length is int f2 && f2 > 0 ? 20u + (uint)f2 : 19, (byte)(c.Length ?? 0),
                    flags | ColumnFlags.Binary | ColumnFlags.Timestamp | (c.OnUpdateNow ? ColumnFlags.OnUpdateNow : 0));
            case "time":
                return new(MySqlColumnType.Time, c.Length is int f3 && f3 > 0 ? 11u + (uint)f3 : 10, (byte)(c.Length ?? 0), flags | ColumnFlags.Binary);
            case "enum":
                return new(MySqlColumnType.String, (uint)(c.MaxLength ?? 1) * 4, 0, flags | ColumnFlags.Enum, text);
            case "set":
                return new(MySqlColumnType.String, (uint)(c.MaxLength ?? 1) * 4, 0, flags | ColumnFlags.Set, text);
            case "json":
                return new(MySqlColumnType.Json, uint.MaxValue, 0, flags | ColumnFlags.Blob | ColumnFlags.Binary);
            default:
                return new(MySqlColumnType.VarString, 255 * 4, 0, flags, text);
        }
    }

    public static ColumnDefinition Definition(string name, ColumnHint hint, string schema = "", string table = "", string orgTable = "", string orgName = "") =>
        new()
        {
            Name = name,
            Type = hint.Type,
            Flags = hint.Flags & ~ColumnFlags.Num,
            Length = hint.Length,
            Decimals = hint.Decimals,
            CharacterSet = hint.Charset,
            Schema = schema,
            Table = table,
            OriginalTable = orgTable,
            OriginalName = orgName,
        };

    public static ColumnDefinition FromColumn(string name, ColumnInfo c, TableInfo t, IndexFlags indexFlags)
    {
        var hint = Hint(c);
        var flags = hint.Flags;
        flags |= indexFlags.For(c, t);
        return Definition(name, hint with { Flags = flags }, t.Schema, t.Name, t.Name, c.Name);
    }

    /// <summary>A text column of a SHOW result or a computed string.</summary>
    public static ColumnDefinition Text(string name, uint chars = 64) =>
        new() { Name = name, Type = MySqlColumnType.VarString, Length = chars * 4, Decimals = 0, CharacterSet = CharacterSets.Utf8mb4General };

    public static ColumnDefinition Integer(string name) =>
        new() { Name = name, Type = MySqlColumnType.LongLong, Length = 21, CharacterSet = CharacterSets.Binary, Flags = ColumnFlags.Binary };
}

/// <summary>Key flags (PRI/UNI/MUL) of a column in its table.</summary>
internal sealed class IndexFlags
{
    public static readonly IndexFlags Instance = new();

    public ColumnFlags For(ColumnInfo c, TableInfo t)
    {
        _ = this;
        var flags = ColumnFlags.None;
        foreach (var i in t.Indexes)
        {
            int pos = i.Columns.FindIndex(x => x.Equals(c.Name, StringComparison.OrdinalIgnoreCase));
            if (pos < 0)
                continue;
            flags |= ColumnFlags.PartKey;
            if (i.Primary)
                flags |= ColumnFlags.PrimaryKey;
            else if (i.Unique && i.Columns.Count == 1)
                flags |= ColumnFlags.UniqueKey;
            else if (pos == 0)
                flags |= ColumnFlags.MultipleKey;
        }
        return flags;
    }
}
