namespace Borealis.Control;

/// <summary>Something the control plane did or saw: a failover, an instance added or removed, a crash restart.</summary>
/// <param name="Kind">"failover" (automatic), "switchover" (requested), "crash-restart", "instance-added", "instance-removed".</param>
/// <param name="From">The instance the event is about (the old writer for a failover).</param>
/// <param name="To">The new writer of a failover; null otherwise.</param>
public sealed record ControlEvent(DateTimeOffset Time, string Kind, string? From, string? To, string Detail);
