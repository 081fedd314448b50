using System.Buffers;

namespace Borealis.Engine.Cache;

/// <summary>Page buffers for the cache and the write overlays, recycled through the shared array pool.</summary>
internal static class PagePool
{
    public static byte[] Rent(int pageSize) => ArrayPool<byte>.Shared.Rent(pageSize);

    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);
}
