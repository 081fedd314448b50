namespace Borealis.Common;

/// <summary>A page of the volume, numbered from 1 as SQLite numbers them (page 1 holds the database header).</summary>
public readonly record struct PageId(uint Value) : IComparable<PageId>
{
    public int CompareTo(PageId other) => Value.CompareTo(other.Value);

    public static bool operator <(PageId left, PageId right) => left.Value < right.Value;
    public static bool operator >(PageId left, PageId right) => left.Value > right.Value;
    public static bool operator <=(PageId left, PageId right) => left.Value <= right.Value;
    public static bool operator >=(PageId left, PageId right) => left.Value >= right.Value;

    /// <summary>Byte offset of this page in the database file.</summary>
    public long Offset(int pageSize) => (long)(Value - 1) * pageSize;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
