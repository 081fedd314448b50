using System.IO.Hashing;

namespace Borealis.Volume.Local;

/// <summary>The one checksum of the local volume's files: XXH64 with seed 0, stored little-endian.</summary>
internal static class Checksum
{
    public static ulong Compute(ReadOnlySpan<byte> data) => XxHash64.HashToUInt64(data);
}
