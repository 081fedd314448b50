namespace Borealis.Sql.Catalog;

/// <summary>
/// A FOREIGN KEY of a (child) table, kept in the child's <see cref="TableInfo"/>. The parent is named, not linked: it
/// may not exist (created with foreign_key_checks=0, as mysqldump output does), and is looked up when needed.
/// </summary>
internal sealed class ForeignKeyInfo
{
    public string Name { get; set; } = "";

    public List<string> Columns { get; set; } = [];

    public string ParentSchema { get; set; } = "";

    public string ParentTable { get; set; } = "";

    public List<string> ParentColumns { get; set; } = [];

    /// <summary>RESTRICT, CASCADE, SET NULL, NO ACTION, or "" when not given (behaves as RESTRICT).</summary>
    public string OnDelete { get; set; } = "";

    /// <inheritdoc cref="OnDelete"/>
    public string OnUpdate { get; set; } = "";

    /// <summary>The SQLite name of the parent table: "schema/table".</summary>
    public string ParentSqliteName => ParentSchema + "/" + ParentTable;

    public bool References(string schema, string table) =>
        ParentSchema.Equals(schema, StringComparison.OrdinalIgnoreCase) && ParentTable.Equals(table, StringComparison.OrdinalIgnoreCase);

    /// <summary>The rule as information_schema.REFERENTIAL_CONSTRAINTS shows it (RESTRICT when not given).</summary>
    public static string RuleName(string rule) => rule.Length == 0 ? "RESTRICT" : rule;

    /// <summary>
    /// The constraint as InnoDB prints it in SHOW CREATE TABLE and in the 1451/1452 messages:
    /// <c>CONSTRAINT `fk` FOREIGN KEY (`a`, `b`) REFERENCES `parent` (`x`, `y`) ON DELETE CASCADE</c> (the parent's
    /// schema only when it differs from the child's, or always with <paramref name="qualifyParent"/>; a rule only
    /// when given and not RESTRICT).
    /// </summary>
    public string Describe(string childSchema, bool qualifyParent = false)
    {
        string parent = !qualifyParent && ParentSchema.Equals(childSchema, StringComparison.OrdinalIgnoreCase)
            ? Quote(ParentTable) : Quote(ParentSchema) + "." + Quote(ParentTable);
        string text = $"CONSTRAINT {Quote(Name)} FOREIGN KEY ({string.Join(", ", Columns.Select(Quote))}) REFERENCES {parent} ({string.Join(", ", ParentColumns.Select(Quote))})";
        if (OnDelete is { Length: > 0 } and not "RESTRICT")
            text += " ON DELETE " + OnDelete;
        if (OnUpdate is { Length: > 0 } and not "RESTRICT")
            text += " ON UPDATE " + OnUpdate;
        return text;
    }

    /// <summary>The constraint with its table, as the 1451/1452/1701 messages print it: <c>`db`.`child`, CONSTRAINT ...</c>.</summary>
    public string Describe(TableInfo child, bool qualifyParent = false) =>
        $"{Quote(child.Schema)}.{Quote(child.Name)}, " + Describe(child.Schema, qualifyParent);

    public ForeignKeyInfo Clone() => new()
    {
        Name = Name,
        Columns = [.. Columns],
        ParentSchema = ParentSchema,
        ParentTable = ParentTable,
        ParentColumns = [.. ParentColumns],
        OnDelete = OnDelete,
        OnUpdate = OnUpdate,
    };

    static string Quote(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
}
