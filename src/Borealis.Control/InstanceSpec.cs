namespace Borealis.Control;

/// <summary>
/// One database instance of the topology: what its process is started with (see <see cref="IInstanceProcesses"/>).
/// </summary>
/// <param name="Id">"instance-1", "instance-2", ...; fixed for the life of the instance.</param>
/// <param name="Role">Writer or reader; swapped by a failover.</param>
/// <param name="Tier">Promotion tier 0–15: 0 is promoted first.</param>
/// <param name="Port">The instance endpoint (MySQL) on 127.0.0.1; kept across a promotion.</param>
/// <param name="ReplicationPort">Where readers subscribe to the redo stream while this instance is the writer.</param>
public sealed record InstanceSpec(string Id, InstanceRole Role, int Tier, int Port, int ReplicationPort)
{
    /// <summary>
    /// The instance's status endpoint on 127.0.0.1 (<c>GET /v1/status</c>, <see cref="InstanceStatus"/>); kept across a
    /// promotion. 0: none (a topology written before status endpoints existed, until the control plane gives it one).
    /// </summary>
    public int StatusPort { get; init; }

    public const int DefaultTier = 1;

    public const int MaxTier = 15;

    /// <summary>Readers a cluster can have, as in Aurora.</summary>
    public const int MaxReaders = 15;

    /// <summary>The number in the id ("instance-12" → 12), for ordering ids as people do.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Number => int.TryParse(Id.AsSpan(Id.LastIndexOf('-') + 1), System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;
}
