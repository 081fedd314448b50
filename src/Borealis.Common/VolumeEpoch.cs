namespace Borealis.Common;

/// <summary>
/// The volume epoch. A writer that recovers the volume bumps it on a write quorum; storage refuses requests from
/// older epochs, which fences a stale writer without leases.
/// </summary>
public readonly record struct VolumeEpoch(ulong Value) : IComparable<VolumeEpoch>
{
    public int CompareTo(VolumeEpoch other) => Value.CompareTo(other.Value);

    public static bool operator <(VolumeEpoch left, VolumeEpoch right) => left.Value < right.Value;
    public static bool operator >(VolumeEpoch left, VolumeEpoch right) => left.Value > right.Value;
    public static bool operator <=(VolumeEpoch left, VolumeEpoch right) => left.Value <= right.Value;
    public static bool operator >=(VolumeEpoch left, VolumeEpoch right) => left.Value >= right.Value;

    public VolumeEpoch Next => new(Value + 1);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
