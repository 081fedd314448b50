using System.Threading.Channels;
using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Volume.MultiWriter;

/// <summary>
/// Several writers on one volume (multi-master): the commit sequencer. It validates every writer's commit at page
/// granularity against the snapshot the commit was computed on, appends the accepted ones to the volume (which gives
/// them the next LSNs of the one volume-wide order), and delivers each commit to every other writer in that order.
/// </summary>
/// <remarks>
/// <para>Validation: a commit may change page p only if p's newest version is at or below the commit's snapshot
/// (first-committer-wins, snapshot isolation on pages). The sequencer knows the newest version of every page changed
/// since it opened; a snapshot older than that is refused outright. Page 1 is no exception, but the engine never
/// ships a change of page 1 that touches only its change counter, so commits conflict on page 1 only when they both
/// change the database size, the freelist or the schema.</para>
/// <para>Each record's <see cref="RedoRecord.PreviousLsn"/> is the version at the snapshot; accepted, it is the
/// newest version, so the storage below sees an unbroken chain of versions per page.</para>
/// <para>Reads, durability and the read horizon are the volume's: every writer reads the same pages.</para>
/// </remarks>
public sealed class SharedVolume : IAsyncDisposable
{
    readonly IVolume _volume;
    readonly bool _ownsVolume;
    readonly Lock _lock = new();
    readonly CommitValidator _validator;
    readonly List<Writer> _writers = [];
    long _conflicts;
    long _commits;
    bool _disposed;

    /// <param name="volume">The volume, open; no one else may append to it.</param>
    /// <param name="ownsVolume">Dispose the volume with this object.</param>
    public SharedVolume(IVolume volume, bool ownsVolume = false)
    {
        ArgumentNullException.ThrowIfNull(volume);
        _volume = volume;
        _ownsVolume = ownsVolume;
        var openedAt = volume.AppendedLsn;
        _validator = new CommitValidator(openedAt, volume.GetPageCount(openedAt));
    }

    /// <summary>The volume the writers share.</summary>
    public IVolume Volume => _volume;

    /// <summary>Commits refused because a page changed after their snapshot.</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>Commits accepted.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>The newest commit appended, of any writer.</summary>
    public Lsn LatestCommit
    {
        get
        {
            lock (_lock)
                return _volume.AppendedLsn;
        }
    }

    /// <summary>Attaches a writer: its view starts at the newest commit; every later commit of another writer is delivered to it.</summary>
    public ISharedVolume Connect()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = new Writer(this, _volume.AppendedLsn);
            _writers.Add(writer);
            return writer;
        }
    }

    AppendResult Commit(Writer from, RedoBatch batch, Lsn snapshot, uint snapshotPageCount)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (from.Detached)
                throw new VolumeException("This writer was detached from the shared volume.");
            uint pageCount;
            try
            {
                pageCount = _validator.Validate(batch, snapshot, snapshotPageCount);
            }
            catch (WriteConflictException)
            {
                _conflicts++;
                throw;
            }
            var appended = pageCount == batch.PageCount ? batch : batch with { PageCount = pageCount };
            var result = _volume.Append(appended);
            _validator.Accept(appended, result, pageCount);
            _commits++;
            foreach (var writer in _writers)
            {
                if (!ReferenceEquals(writer, from))
                    writer.Enqueue(appended, result);
            }
            return result;
        }
    }

    void SetReadHorizon(Writer writer, Lsn horizon)
    {
        Lsn oldest;
        lock (_lock)
        {
            writer.Horizon = Lsn.Max(writer.Horizon, horizon);
            oldest = Lsn.MaxValue;
            foreach (var w in _writers)
                oldest = Lsn.Min(oldest, w.Horizon);
            if (oldest == Lsn.MaxValue)
                return;
        }
        _volume.SetReadHorizon(oldest);
    }

    void Detach(Writer writer)
    {
        lock (_lock)
        {
            writer.Detached = true;
            _writers.Remove(writer);
        }
        writer.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        Writer[] writers;
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            writers = [.. _writers];
            _writers.Clear();
        }
        foreach (var writer in writers)
            writer.Complete();
        if (_ownsVolume)
            await _volume.DisposeAsync();
    }

    /// <summary>One writer's handle: commits through the sequencer, everything else straight to the volume.</summary>
    sealed class Writer : ISharedVolume
    {
        readonly SharedVolume _owner;
        readonly Channel<(RedoBatch Batch, AppendResult Lsns)> _deliveries =
            Channel.CreateUnbounded<(RedoBatch, AppendResult)>(new UnboundedChannelOptions { SingleReader = true });
        Task _pump = Task.CompletedTask;

        public Writer(SharedVolume owner, Lsn attachedAt)
        {
            _owner = owner;
            AttachedAt = attachedAt;
            Horizon = attachedAt;
        }

        public Lsn AttachedAt { get; }

        /// <summary>Guarded by the owner's lock.</summary>
        public Lsn Horizon { get; set; }

        /// <summary>Guarded by the owner's lock.</summary>
        public bool Detached { get; set; }

        IVolume Volume => _owner._volume;

        public int PageSize => Volume.PageSize;

        public VolumeEpoch Epoch => Volume.Epoch;

        public Lsn DurableLsn => Volume.DurableLsn;

        public Lsn AppendedLsn => Volume.AppendedLsn;

        public AppendResult Append(RedoBatch batch) =>
            throw new InvalidOperationException("A shared volume appends only a batch validated against its snapshot.");

        public AppendResult Append(RedoBatch batch, Lsn snapshot, uint snapshotPageCount) =>
            _owner.Commit(this, batch, snapshot, snapshotPageCount);

        public ValueTask<Lsn> GetLatestCommitAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_owner.LatestCommit);

        public void StartDelivery(Action<RedoBatch, AppendResult> deliver)
        {
            ArgumentNullException.ThrowIfNull(deliver);
            _pump = Task.Run(async () =>
            {
                await foreach (var (batch, lsns) in _deliveries.Reader.ReadAllAsync())
                    deliver(batch, lsns);
            });
        }

        public void Enqueue(RedoBatch batch, AppendResult lsns) => _deliveries.Writer.TryWrite((batch, lsns));

        public void Complete() => _deliveries.Writer.TryComplete();

        public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken) => Volume.WaitForDurableAsync(lsn, cancellationToken);

        public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination) => Volume.ReadPage(page, asOf, destination);

        public uint GetPageCount(Lsn asOf) => Volume.GetPageCount(asOf);

        public void SetReadHorizon(Lsn oldestReadPoint) => _owner.SetReadHorizon(this, oldestReadPoint);

        public async ValueTask DisposeAsync()
        {
            _owner.Detach(this);
#pragma warning disable VSTHRD003 // The handle's own delivery loop, ended by the detach above.
            await _pump;
#pragma warning restore VSTHRD003
        }
    }
}
