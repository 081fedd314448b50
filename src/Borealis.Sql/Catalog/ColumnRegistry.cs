namespace Borealis.Sql.Catalog;

/// <summary>Process-wide numbering of loaded columns, so that SQLite functions can refer to a column by an integer.</summary>
internal sealed class ColumnRegistry
{
    readonly Lock _lock = new();
    ColumnInfo[] _columns = new ColumnInfo[256];
    int _count = 1;

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
