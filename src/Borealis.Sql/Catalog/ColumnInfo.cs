namespace Borealis.Sql.Catalog;

/// <summary>
/// A column's full MySQL definition as the catalog keeps it (serialised as JSON in <c>__bx_tables</c>).
/// Treated as immutable once published in a <see cref="CatalogSnapshot"/>.
/// </summary>
internal sealed class ColumnInfo
{
    public string Name { get; set; } = "";

    /// <summary>Base type in lower case: tinyint, smallint, mediumint, int, bigint, decimal, float, double, bit, char,
    /// varchar, binary, varbinary, tinytext, text, mediumtext, longtext, tinyblob, blob, mediumblob, longblob, date,
    /// datetime, timestamp, time, year, enum, set, json.</summary>
    public string DataType { get; set; } = "";

    /// <summary>Display width, character/byte length, DECIMAL precision, or fractional-second precision.</summary>
    public int? Length { get; set; }

    public int? Scale { get; set; }

    public bool Unsigned { get; set; }

    public bool ZeroFill { get; set; }

    public List<string> Values { get; set; } = [];

    public bool NotNull { get; set; }

    /// <summary>The default in canonical stored form (text), or null for DEFAULT NULL / none.</summary>
    public string? Default { get; set; }

    public bool HasDefault { get; set; }

    /// <summary>DEFAULT CURRENT_TIMESTAMP.</summary>
    public bool DefaultNow { get; set; }

    public bool OnUpdateNow { get; set; }

    public bool AutoIncrement { get; set; }

    public string? Charset { get; set; }

    public string? Collation { get; set; }

    public string Comment { get; set; } = "";

    /// <summary>A generated column's expression as written (GENERATED ALWAYS AS (…)), or null.</summary>
    public string? Generation { get; set; }

    /// <summary>A generated column's expression as SQLite computes it, converted to the column's storage.</summary>
    public string? GenerationSql { get; set; }

    /// <summary>STORED rather than VIRTUAL.</summary>
    public bool GenerationStored { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsGenerated => Generation is not null;

    /// <summary>Process-wide id used by the SQLite coercion functions (not persisted).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Id { get; set; }

    /// <summary>The table's SQLite-visible name "schema/table" (not persisted).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string TableName { get; set; } = "";

    public bool IsInteger => DataType is "tinyint" or "smallint" or "mediumint" or "int" or "bigint" or "bit" or "year";

    public bool IsString => DataType is "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" or "set";

    public bool IsBinary => DataType is "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob";

    public bool IsTemporal => DataType is "date" or "datetime" or "timestamp" or "time";

    /// <summary>DECIMAL too wide to be stored exactly as a SQLite number: kept as canonical text.</summary>
    public bool IsWideDecimal => DataType == "decimal" && (Length ?? 10) > 15;

    /// <summary>The full MySQL type as SHOW COLUMNS and information_schema.COLUMNS.COLUMN_TYPE print it.</summary>
    public string ColumnType
    {
        get
        {
            string t = DataType switch
            {
                "tinyint" or "smallint" or "mediumint" or "int" or "bigint" =>
                    Length is int w && (DataType == "tinyint" && w == 1 || ZeroFill) ? $"{DataType}({w})" : DataType,
                "decimal" => $"decimal({Length ?? 10},{Scale ?? 0})",
                "float" or "double" => Length is int p && Scale is int s ? $"{DataType}({p},{s})" : DataType,
                "char" or "varchar" or "binary" or "varbinary" => $"{DataType}({Length})",
                "bit" => $"bit({Length ?? 1})",
                "datetime" or "timestamp" or "time" => Length is int f && f > 0 ? $"{DataType}({f})" : DataType,
                "enum" or "set" => $"{DataType}({string.Join(",", Values.Select(v => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"))})",
                _ => DataType,
            };
            if (Unsigned && DataType is "tinyint" or "smallint" or "mediumint" or "int" or "bigint" or "decimal" or "float" or "double")
                t += " unsigned";
            if (ZeroFill)
                t += " zerofill";
            return t;
        }
    }

    /// <summary>Maximum characters of a string column (CHARACTER_MAXIMUM_LENGTH), bytes for binary ones.</summary>
    public long? MaxLength => DataType switch
    {
        "char" or "varchar" or "binary" or "varbinary" => Length,
        "tinytext" or "tinyblob" => 255,
        "text" or "blob" => 65535,
        "mediumtext" or "mediumblob" => 16777215,
        "longtext" or "longblob" or "json" => 4294967295,
        "enum" or "set" => Values.Count == 0 ? 0 : DataType == "enum" ? Values.Max(v => v.Length) : Values.Sum(v => v.Length + 1) - 1,
        _ => null,
    };

    public ColumnInfo Clone() => (ColumnInfo)MemberwiseClone();
}
