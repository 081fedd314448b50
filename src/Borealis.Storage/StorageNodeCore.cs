using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;
using Borealis.Storage.Segments;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Storage;

/// <summary>
/// A storage node's logic, with no transport and no threads: it hosts the segments the volume map gives it,
/// appends frames to each segment's checksummed log, acknowledges after <see cref="Flush"/> (group commit),
/// tracks each segment's SCL, fills holes by gossip, coalesces versions, serves pages, scrubs, and refuses stale
/// epochs. Single-threaded: the host calls one method at a time (the TCP server from its node loop, the
/// simulation from its event loop). File formats: docs/storage-node.md.
/// </summary>
/// <remarks>
/// Partials: <c>.Requests</c> (Handle), <c>.Segments</c> (loading, storing and reading segment data),
/// <c>.Map</c> (adopting maps), <c>.Gossip</c> (Tick, peers, hydration), <c>.Log</c> (the node log), <c>.Checkpoint</c>,
/// <c>.Scrub</c>.
/// </remarks>
public sealed partial class StorageNodeCore : IDisposable
{
    readonly StorageNodeOptions _options;
    readonly IStorageDisk _disk;
    readonly IStorageNodeHost _host;
    readonly ILogger _logger;

    readonly SortedDictionary<uint, Segment> _segments = [];
    readonly List<IStorageFile> _dirtyFiles = [];
    readonly HashSet<IStorageFile> _dirtySet = [];
    readonly List<DeferredReply> _deferred = [];

    VolumeMap? _map;
    Dictionary<NodeId, StorageNodeInfo> _nodes = [];
    bool _dirtyDirectory;
    bool _opened;
    Exception? _failure;

    /// <summary>The highest writer VDL this node was told, and the page count there.</summary>
    Lsn _knownDurable;
    uint _pageCountAtKnownDurable;

    /// <summary>The highest read horizon a writer sent: versions below it may be coalesced.</summary>
    Lsn _readHorizon;

    public StorageNodeCore(StorageNodeOptions options, IStorageDisk disk, IStorageNodeHost host)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(host);
        _options = options;
        _disk = disk;
        _host = host;
        _logger = options.Logger ?? NullLogger.Instance;
    }

    /// <summary>The node's current map (null before it has one).</summary>
    public VolumeMap? Map => _map;

    /// <summary>Loads the node's map and segments from disk (recovering torn tails). Call once, before anything else.</summary>
    /// <exception cref="StorageException">The data is unusable (e.g. it belongs to another node id).</exception>
    public void Open()
    {
        if (_opened)
            throw new InvalidOperationException("The node is already open.");
        _opened = true;
        CheckNodeId();

        if (_disk.Exists(FileNames.Map))
        {
            _map = MapFile.TryDecode(ReadAll(FileNames.Map));
            if (_map is null)
                Log.MapDamaged(_logger);
        }
        DeleteIfExists(FileNames.Temp(FileNames.Map));
        if (_map is not null)
        {
            RebuildNodes();
            foreach (var group in _map.Groups)
            {
                if (group.Contains(_options.Id))
                    LoadSegment(group.Group, replay: false);
            }
        }
        LoadNodeLog();
        if (_map is null)
            _unhostedInLog.Clear();
        foreach (var segment in _segments.Values)
            FinishLoading(segment);
        MigrateLegacyLogs();
        if (_map is not null)
        {
            // Without a map (a damaged map file) every frame looks unwanted: keep them all until a map arrives.
            ResetUnhostedGroups();
            CollectLogs();
            DeleteStraySegmentFiles();
        }
        Log.Opened(_logger, _options.Id.Value, _map?.Version ?? 0, _map?.Epoch.Value ?? 0, _segments.Count);
    }

    void CheckNodeId()
    {
        if (_disk.Exists(FileNames.NodeId))
        {
            if (!NodeIdFile.TryDecode(ReadAll(FileNames.NodeId), out var id))
                throw new StorageException("The node-id file is damaged; refusing to guess whose data this is.");
            if (id != _options.Id)
                throw new StorageException($"The data belongs to storage node {id}, not {_options.Id}.");
            return;
        }
        if (_disk.Exists(FileNames.Map) || _disk.List(FileNames.SegmentPrefix).Count > 0)
            throw new StorageException("The directory holds storage data but no node-id file.");
        WriteAtomically(FileNames.NodeId, NodeIdFile.Encode(_options.Id));
    }

    /// <summary>Appends handled whose answers wait for the next <see cref="Flush"/>.</summary>
    internal int AppendsAwaitingFlush => _deferred.Count;

    /// <summary>True when writes are waiting for <see cref="Flush"/>.</summary>
    public bool HasUnsyncedWrites => _dirtyFiles.Count > 0 || _dirtyDirectory || _deferred.Count > 0;

    /// <summary>fsyncs every file written since the last flush, then sends the replies that waited for it (group commit).</summary>
    public void Flush()
    {
        if (_failure is null)
        {
            try
            {
                foreach (var file in _dirtyFiles)
                    file.Sync();
                if (_dirtyDirectory)
                    _disk.SyncDirectory();
            }
            catch (IOException e)
            {
                Fail(e);
            }
        }
        _dirtyFiles.Clear();
        _dirtySet.Clear();
        _dirtyDirectory = false;

        var replies = _deferred.ToArray();
        _deferred.Clear();
        foreach (var deferred in replies)
        {
            if (_failure is not null)
            {
                _host.Reply(deferred.Context, Error(StorageStatus.Failed, "The node failed."));
                continue;
            }
            var progress = new List<SegmentProgress>(deferred.Groups.Count);
            foreach (uint group in deferred.Groups)
            {
                if (_segments.TryGetValue(group, out var segment))
                    progress.Add(new SegmentProgress(group, segment.Scl));
            }
            _host.Reply(deferred.Context, new AppendResponse(progress));
        }
    }

    /// <summary>The node's identity, map and segments.</summary>
    public NodeStatusResponse GetStatus() =>
        new(_options.Id, _options.Zone, _map?.Version ?? 0, _map?.Epoch ?? default,
            [.. _segments.Values.Select(s => new SegmentStatus(s.Group, s.Scl, s.MaxLsn, s.Base, s.LogBytes + s.CheckpointBytes, s.State))]);

    void Fail(Exception exception)
    {
        if (_failure is not null)
            return;
        _failure = exception;
        Log.Failed(_logger, _options.Id.Value, exception);
    }

    ErrorResponse Error(StorageStatus status, string message) => new(status, message, _map?.Epoch ?? default);

    void MarkDirty(IStorageFile file)
    {
        if (_dirtySet.Add(file))
            _dirtyFiles.Add(file);
    }

    /// <summary>Stops tracking a file about to be closed (its bytes no longer matter).</summary>
    void Forget(IStorageFile file)
    {
        if (_dirtySet.Remove(file))
            _dirtyFiles.Remove(file);
    }

    byte[] ReadAll(string name)
    {
        using var file = _disk.Open(name, create: false);
        var bytes = new byte[file.Length];
        int read = file.Read(0, bytes);
        return read == bytes.Length ? bytes : bytes[..read];
    }

    void DeleteIfExists(string name)
    {
        if (_disk.Exists(name))
            _disk.Delete(name);
    }

    /// <summary>Replaces a small file crash-safely: temp file, fsync, rename, directory fsync.</summary>
    void WriteAtomically(string name, byte[] bytes)
    {
        string temp = FileNames.Temp(name);
        using (var file = _disk.Open(temp, create: true))
        {
            file.SetLength(0);
            file.Write(0, bytes);
            file.Sync();
        }
        _disk.Rename(temp, name);
        _disk.SyncDirectory();
    }

    public void Dispose()
    {
        foreach (var segment in _segments.Values)
            CloseSegmentFiles(segment);
        _segments.Clear();
        foreach (var log in _logs.Concat(_legacyLogs))
            log.File.Dispose();
        _logs.Clear();
        _legacyLogs.Clear();
        _dirtyFiles.Clear();
        _dirtySet.Clear();
    }
}
