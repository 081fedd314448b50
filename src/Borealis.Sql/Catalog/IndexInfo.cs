namespace Borealis.Sql.Catalog;

/// <summary>An index (PRIMARY, UNIQUE or plain) as MySQL names it; its SQLite name is "schema/table/name".</summary>
internal sealed class IndexInfo
{
    public string Name { get; set; } = "";

    public bool Primary { get; set; }

    public bool Unique { get; set; }

    public List<string> Columns { get; set; } = [];

    /// <summary>
    /// Created by a FOREIGN KEY that had no index to use: as in InnoDB, it is dropped when another index that starts
    /// with the same columns is added (an ORM's CREATE INDEX after CREATE TABLE leaves one index, not two).
    /// </summary>
    public bool ForForeignKey { get; set; }

    /// <summary>The SQLite index name (unique in the database, independent of later table renames).</summary>
    public string SqliteName { get; set; } = "";
}
