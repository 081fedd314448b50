using System.Collections.Concurrent;
using Borealis.Sql;

namespace Borealis.MySql.Tests.Fakes;

/// <summary>What all fake sessions of one server saw: for assertions.</summary>
public sealed class FakeServerState
{
    public ConcurrentQueue<SessionInfo> Sessions { get; } = new();

    public ConcurrentQueue<string> Queries { get; } = new();

    public ConcurrentQueue<(string Sql, IReadOnlyList<object?> Parameters)> Executions { get; } = new();

    /// <summary>What <c>SELECT WAIT</c> waits for.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    int _disposed;
    int _resets;
    int _closedStatements;

    public int Disposed => Volatile.Read(ref _disposed);

    public int Resets => Volatile.Read(ref _resets);

    public int ClosedStatements => Volatile.Read(ref _closedStatements);

    internal void OnDisposed() => Interlocked.Increment(ref _disposed);

    internal void OnReset() => Interlocked.Increment(ref _resets);

    internal void OnClosed() => Interlocked.Increment(ref _closedStatements);
}
