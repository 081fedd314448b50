namespace Borealis.Sql.Catalog;

/// <summary>An immutable view of the catalog at one catalog version. Names compare case-insensitively (as with
/// lower_case_table_names=2: stored as given, compared in lower case).</summary>
internal sealed class CatalogSnapshot(long version, Dictionary<string, SchemaInfo> schemas)
{
    public long Version { get; } = version;

    public IReadOnlyDictionary<string, SchemaInfo> Schemas { get; } = schemas;

    public SchemaInfo? FindSchema(string name) => Schemas.GetValueOrDefault(name);

    public TableInfo? FindTable(string schema, string table) =>
        Schemas.TryGetValue(schema, out var s) && s.Tables.TryGetValue(table, out var t) ? t : null;

    /// <summary>The FOREIGN KEYs (of any table, including the table itself) whose parent is schema.table.</summary>
    public IEnumerable<(TableInfo Child, ForeignKeyInfo ForeignKey)> ReferencesTo(string schema, string table) =>
        from s in Schemas.Values
        from t in s.Tables.Values
        from fk in t.ForeignKeys
        where fk.References(schema, table)
        select (t, fk);
}
