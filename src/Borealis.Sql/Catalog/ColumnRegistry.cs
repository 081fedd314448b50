namespace Borealis.Sql.Catalog;

/// <summary>Process-wide numbering of loaded columns, so that SQLite functions can refer to a column by an integer.</summary>
internal sealed class ColumnRegistry
{
    readonly Lock _lock = new();
    readonly Dictionary<string, int> _byDefinition = new(StringComparer.Ordinal);
    ColumnInfo[] _columns = new ColumnInfo[256];
    int _count = 1;

    /// <summary>
    /// Numbers a column. A column whose table and definition were registered before keeps its number (catalog
    /// reloads after DDL would otherwise grow the registry without bound); its slot now holds the new, equal object.
    /// </summary>
    public void Register(ColumnInfo column, string definition)
    {
        lock (_lock)
        {
            string key = column.TableName + "\0" + definition;
            if (_byDefinition.TryGetValue(key, out int existing))
            {
                column.Id = existing;
                _columns[existing] = column;
                return;
            }
            _byDefinition[key] = _count;
            if (_count == _columns.Length)
                Array.Resize(ref _columns, _columns.Length * 2);
            column.Id = _count;
            _columns[_count++] = column;
        }
    }

    /// <summary>Numbers a column that is not (yet) in the catalog (ALTER TABLE rebuilds).</summary>
    public void Register(ColumnInfo column)
    {
        lock (_lock)
        {
            if (_count == _columns.Length)
                Array.Resize(ref _columns, _columns.Length * 2);
            column.Id = _count;
            _columns[_count++] = column;
        }
    }

    public ColumnInfo Get(long id)
    {
        var array = Volatile.Read(ref _columns);
        return array[id];
    }
}
