namespace Borealis.Common;

/// <summary>
/// A log sequence number: a position in the volume's single, increasing redo order. <see cref="Zero"/> means
/// "before any record" (an empty volume, or a page never written).
/// </summary>
public readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    public static readonly Lsn Zero = new(0);
    public static readonly Lsn MaxValue = new(ulong.MaxValue);

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn left, Lsn right) => left.Value < right.Value;
    public static bool operator >(Lsn left, Lsn right) => left.Value > right.Value;
    public static bool operator <=(Lsn left, Lsn right) => left.Value <= right.Value;
    public static bool operator >=(Lsn left, Lsn right) => left.Value >= right.Value;

    public Lsn Next => new(Value + 1);

    public static Lsn Max(Lsn a, Lsn b) => a >= b ? a : b;
    public static Lsn Min(Lsn a, Lsn b) => a <= b ? a : b;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
