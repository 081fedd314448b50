namespace Borealis.Sql.Catalog;

/// <summary>A CHECK constraint: MySQL name and text, and the SQLite expression enforcing it.</summary>
internal sealed class CheckInfo
{
    public string Name { get; set; } = "";

    public string Text { get; set; } = "";

    public string Sql { get; set; } = "";

    public bool Enforced { get; set; } = true;
}
