using System.Collections.Concurrent;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport.Tests;

/// <summary>What a transport delivered to its response callback, in delivery order.</summary>
internal sealed class Answers
{
    readonly ConcurrentQueue<(long Correlation, StorageResponse Response)> _items = new();

    public void Add(long correlation, StorageResponse response) => _items.Enqueue((correlation, response));

    public int Count => _items.Count;

    public IReadOnlyList<(long Correlation, StorageResponse Response)> Items => [.. _items];

    public StorageResponse For(long correlation) => Items.Single(a => a.Correlation == correlation).Response;
}
