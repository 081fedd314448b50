namespace Borealis.Control;

/// <summary>
/// An instance's last status report (<see cref="InstanceStatus"/>) with the rates the control plane derived from its
/// counters between probes (over at least <see cref="ControlPlaneOptions.RateInterval"/>), for <c>/metrics</c>.
/// </summary>
/// <param name="CommitsPerSecond">Null until two reports of the same process are that far apart.</param>
/// <param name="QueriesPerSecond">Null likewise.</param>
public sealed record InstanceStatistics(string Id, InstanceStatus Status, double? CommitsPerSecond, double? QueriesPerSecond);
