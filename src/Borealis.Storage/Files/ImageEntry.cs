using Borealis.Common;

namespace Borealis.Storage.Files;

/// <summary>Where a page image is in a checkpoint file: its entry index, and its version.</summary>
internal readonly record struct ImageEntry(PageId Page, Lsn Version, int Index);
