using Borealis.Common;

namespace Borealis.Storage.Files;

/// <summary>Writes a checkpoint file (<see cref="CheckpointFile"/>) page by page into a temp file; the caller renames it.</summary>
internal sealed class CheckpointWriter : IDisposable
{
    readonly IStorageFile _file;
    readonly int _pageSize;
    readonly byte[] _entry;
    readonly List<ImageEntry> _index = [];

    public CheckpointWriter(IStorageDisk disk, string name, int pageSize)
    {
        Name = name;
        _pageSize = pageSize;
        _entry = new byte[CheckpointFile.EntrySize(pageSize)];
        _file = disk.Open(name, create: true);
        _file.SetLength(0);
    }

    public string Name { get; }

    /// <summary>The images written so far, in page order.</summary>
    public IReadOnlyList<ImageEntry> Index => _index;

    public PageId LastPage => _index.Count == 0 ? default : _index[^1].Page;

    public void Add(PageId page, Lsn version, ReadOnlySpan<byte> image)
    {
        if (image.Length != _pageSize)
            throw new ArgumentException("An image is exactly one page.", nameof(image));
        if (_index.Count > 0 && page <= _index[^1].Page)
            throw new ArgumentException("Images are added in increasing page order.", nameof(page));
        CheckpointFile.EncodeEntry(_entry, page, version, image);
        _file.Write(CheckpointFile.EntryOffset(_index.Count, _pageSize), _entry);
        _index.Add(new ImageEntry(page, version, _index.Count));
    }

    /// <summary>Writes the header and fsyncs the file.</summary>
    public void Finish(uint group, Lsn asOf, Lsn knownDurable, uint pageCountAtKnownDurable)
    {
        _file.Write(0, CheckpointFile.EncodeHeader(group, asOf, knownDurable, pageCountAtKnownDurable, _pageSize, _index.Count));
        _file.Sync();
    }

    public void Dispose() => _file.Dispose();
}
