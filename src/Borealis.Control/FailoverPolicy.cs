namespace Borealis.Control;

/// <summary>Which reader becomes the writer, as in Aurora: the lowest tier, then the most caught-up, then the lowest id.</summary>
public static class FailoverPolicy
{
    /// <summary>
    /// A reader that may be promoted, with what its last probe said: <see cref="Healthy"/> when it answers (for an
    /// automatic failover, also when it answered within <see cref="ControlPlaneOptions.FailoverReaderGrace"/>).
    /// </summary>
    public readonly record struct Candidate(InstanceSpec Spec, bool Healthy, double? LagMs);

    /// <summary>
    /// The reader to promote among the healthy ones: lowest <see cref="InstanceSpec.Tier"/>; among equal tiers the
    /// smallest replica lag (a reader whose lag is unknown comes after those whose lag is known); then the lowest id
    /// number. Null when no reader is healthy.
    /// </summary>
    public static InstanceSpec? Choose(IEnumerable<Candidate> candidates) =>
        candidates
            .Where(c => c.Healthy && c.Spec.Role == InstanceRole.Reader)
            .OrderBy(c => c.Spec.Tier)
            .ThenBy(c => c.LagMs ?? double.PositiveInfinity)
            .ThenBy(c => c.Spec.Number)
            .ThenBy(c => c.Spec.Id, StringComparer.Ordinal)
            .Select(c => c.Spec)
            .FirstOrDefault();
}
