using System.Collections.Concurrent;

namespace Borealis.Storage.Transport;

/// <summary>
/// Runs work items one at a time, in the order queued, on the thread pool: the in-process stand-in for one
/// connection's ordering. <see cref="Enqueue"/> never runs the item on the caller's thread.
/// </summary>
internal sealed class SerialQueue
{
    readonly ConcurrentQueue<Action> _items = new();
    int _scheduled;

    public void Enqueue(Action item)
    {
        _items.Enqueue(item);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    void Drain()
    {
        while (true)
        {
            while (_items.TryDequeue(out var item))
                item();
            Volatile.Write(ref _scheduled, 0);
            if (_items.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                return;
        }
    }
}
