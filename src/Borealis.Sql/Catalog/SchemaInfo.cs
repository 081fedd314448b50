namespace Borealis.Sql.Catalog;

/// <summary>A MySQL schema (database) and its tables.</summary>
internal sealed class SchemaInfo(string name, string charset, string collation)
{
    public string Name { get; } = name;

    public string Charset { get; } = charset;

    public string Collation { get; } = collation;

    public Dictionary<string, TableInfo> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);
}
