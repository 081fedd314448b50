namespace Borealis.Router;

/// <summary>
/// Where the router learns the instances' endpoints. <see cref="PollingEndpointSource"/> is the implementation: it
/// polls the control plane's <c>GET /v1/endpoints</c> or an endpoints file; tests may supply their own.
/// </summary>
public interface IEndpointSource
{
    /// <summary>The newest good answer; null until the first one. A source that cannot reach its origin keeps the last.</summary>
    EndpointSnapshot? Current { get; }

    /// <summary>
    /// Raised after <see cref="Current"/> has changed (it is already the new value). Handlers must be quick: they run
    /// on the source's own loop.
    /// </summary>
    event Action<EndpointSnapshot>? Changed;

    /// <summary>Asks for a fresh answer at once instead of at the next poll (a connect to the writer failed).</summary>
    void RefreshNow();
}
