using Borealis.Common;

namespace Borealis.Engine.Cache;

/// <summary>
/// One cached version of a page: the image written at <see cref="Lsn"/>, known to be the page's newest version for
/// every read point in [<see cref="Lsn"/>, <see cref="ValidThrough"/>] (<see cref="Lsn.MaxValue"/>: still the newest).
/// </summary>
internal struct PageVersion
{
    public Lsn Lsn;
    public Lsn ValidThrough;
    public byte[] Buffer;
    /// <summary>Set by every read, cleared by the eviction clock as it passes.</summary>
    public bool Referenced;
}
