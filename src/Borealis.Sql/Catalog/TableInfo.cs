namespace Borealis.Sql.Catalog;

/// <summary>A table's MySQL definition: columns, indexes and options.</summary>
internal sealed class TableInfo
{
    public string Schema { get; set; } = "";

    public string Name { get; set; } = "";

    public List<ColumnInfo> Columns { get; set; } = [];

    public List<IndexInfo> Indexes { get; set; } = [];

    public List<CheckInfo> Checks { get; set; } = [];

    /// <summary>FOREIGN KEYs of this table (as the child). Absent in catalogs written before they were kept.</summary>
    public List<ForeignKeyInfo> ForeignKeys { get; set; } = [];

    /// <summary>For a view: its SELECT as written; null for a base table.</summary>
    public string? ViewText { get; set; }

    public bool IsView => ViewText is not null;

    /// <summary>
    /// For a view: WITH CHECK OPTION as NONE, LOCAL or CASCADED. Null for views created before it was recorded,
    /// which are not written through (the option may have been set).
    /// </summary>
    public string? ViewCheckOption { get; set; }

    /// <summary>For a view: the column list of CREATE VIEW v (a, b, ...), or null when it had none.</summary>
    public List<string>? ViewColumns { get; set; }

    /// <summary>For a view: true when INSERT, UPDATE or DELETE can go through it (information_schema.VIEWS.IS_UPDATABLE).</summary>
    public bool ViewUpdatable { get; set; }

    public string Engine { get; set; } = "InnoDB";

    public string Charset { get; set; } = "utf8mb4";

    public string Collation { get; set; } = "utf8mb4_0900_ai_ci";

    public string Comment { get; set; } = "";

    public string CreateTime { get; set; } = "";

    /// <summary>A session's CREATE TEMPORARY TABLE: lives in the connection's SQLite temp schema, not in the catalog.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Temporary { get; set; }

    /// <summary>The SQLite table with its schema: main."schema/table" or temp."schema/table".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string SqliteQualified => (Temporary ? "temp." : "main.") + Execution.SqliteUtil.Quote(SqliteName);

    /// <summary>The SQLite table: "schema/table".</summary>
    public string SqliteName => Schema + "/" + Name;

    /// <summary>True when the AUTO_INCREMENT column is the SQLite rowid (single integer primary key).</summary>
    public bool RowidAutoIncrement => RowidColumn is { AutoIncrement: true };

    /// <summary>The single integer PRIMARY KEY column stored as SQLite's rowid alias, or null.</summary>
    public ColumnInfo? RowidColumn
    {
        get
        {
            var pk = Indexes.FirstOrDefault(i => i.Primary);
            if (pk is null || pk.Columns.Count != 1)
                return null;
            var col = FindColumn(pk.Columns[0]);
            return col is { IsInteger: true } && col.DataType != "bit" && col.DataType != "year" ? col : null;
        }
    }

    public ColumnInfo? AutoIncrementColumn => Columns.FirstOrDefault(c => c.AutoIncrement);

    public ColumnInfo? FindColumn(string name) => Columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public int IndexOfColumn(string name) => Columns.FindIndex(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public TableInfo Clone()
    {
        var t = (TableInfo)MemberwiseClone();
        t.Columns = Columns.Select(c => c.Clone()).ToList();
        t.Indexes = Indexes.Select(i => new IndexInfo { Name = i.Name, Primary = i.Primary, Unique = i.Unique, Columns = [.. i.Columns], SqliteName = i.SqliteName, ForForeignKey = i.ForForeignKey }).ToList();
        t.Checks = Checks.Select(c => new CheckInfo { Name = c.Name, Text = c.Text, Sql = c.Sql, Enforced = c.Enforced }).ToList();
        t.ForeignKeys = ForeignKeys.Select(f => f.Clone()).ToList();
        return t;
    }
}
