using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Volume;

namespace Borealis.Engine.Tests;

/// <summary>A volume whose durable LSN advances only when the test says so (a flush that has not happened yet).</summary>
internal sealed class ManualDurabilityVolume(IVolume inner) : IVolume
{
    readonly Lock _lock = new();
    readonly List<(Lsn Lsn, TaskCompletionSource Done)> _waiters = [];
    Lsn _durable = inner.DurableLsn;

    public int PageSize => inner.PageSize;

    public VolumeEpoch Epoch => inner.Epoch;

    public Lsn DurableLsn { get { lock (_lock) return _durable; } }

    public Lsn AppendedLsn => inner.AppendedLsn;

    public AppendResult Append(RedoBatch batch) => inner.Append(batch);

    /// <summary>Makes everything appended so far durable.</summary>
    public void Flush()
    {
        List<TaskCompletionSource> done = [];
        lock (_lock)
        {
            _durable = inner.AppendedLsn;
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Lsn <= _durable)
                {
                    done.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }
        foreach (var waiter in done)
            waiter.TrySetResult();
    }

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (lsn <= _durable)
                return ValueTask.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((lsn, waiter));
            return new ValueTask(waiter.Task.WaitAsync(cancellationToken));
        }
    }

    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination) => inner.ReadPage(page, asOf, destination);

    public uint GetPageCount(Lsn asOf) => inner.GetPageCount(asOf);

    public void SetReadHorizon(Lsn oldestReadPoint) => inner.SetReadHorizon(oldestReadPoint);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
