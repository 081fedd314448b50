using Borealis.Common;

namespace Borealis.Volume.Local;

/// <summary>What the volume knows of one page: its base image in the page store and its versions since.</summary>
internal sealed class PageState
{
    /// <summary>The base slot is not known yet: both slots must be read.</summary>
    public const int UnknownSlot = -1;

    /// <summary>The page has no image in the page store: its base is all zeros.</summary>
    public const int NoSlot = -2;

    /// <summary>The page-store slot (0 or 1) holding the base image, or <see cref="UnknownSlot"/> / <see cref="NoSlot"/>.</summary>
    public int BaseSlot { get; set; } = UnknownSlot;

    /// <summary>The LSN of the base image (valid when <see cref="BaseSlot"/> is known).</summary>
    public Lsn BaseLsn { get; set; }

    /// <summary>A materialised version of the page (bounded cache), so that a hot page is not rebuilt from its whole chain.</summary>
    public byte[]? Image { get; set; }

    /// <summary>The LSN of <see cref="Image"/>.</summary>
    public Lsn ImageLsn { get; set; }

    /// <summary>Versions after the checkpoint, in LSN order.</summary>
    public List<PageVersion> Versions { get; } = [];
}
