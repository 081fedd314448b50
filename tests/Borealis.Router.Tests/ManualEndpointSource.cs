namespace Borealis.Router.Tests;

/// <summary>An endpoint source the test sets by hand; <see cref="OnRefresh"/> runs when the router asks for a refresh.</summary>
internal sealed class ManualEndpointSource : IEndpointSource
{
    EndpointSnapshot? _current;
    long _version;
    int _refreshes;

    public EndpointSnapshot? Current => Volatile.Read(ref _current);

    public event Action<EndpointSnapshot>? Changed;

    public Action? OnRefresh { get; set; }

    public int Refreshes => Volatile.Read(ref _refreshes);

    public void Set(FakeInstance? writer, params FakeInstance[] readers) =>
        Set(writer?.Endpoint, [.. readers.Select(r => r.Endpoint)]);

    public void Set(InstanceEndpoint? writer, IReadOnlyList<InstanceEndpoint> readers)
    {
        var snapshot = new EndpointSnapshot(Interlocked.Increment(ref _version), writer, readers);
        Volatile.Write(ref _current, snapshot);
        Changed?.Invoke(snapshot);
    }

    public void RefreshNow()
    {
        Interlocked.Increment(ref _refreshes);
        OnRefresh?.Invoke();
    }
}
