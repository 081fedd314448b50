using System.Text.Json.Serialization;

namespace Borealis.Hosting;

/// <summary>One storage node of a <see cref="StorageTopology"/>.</summary>
public sealed record StorageNodeEntry
{
    public int Id { get; init; }

    public string Zone { get; init; } = "a";

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; }

    /// <summary>Retired by <c>borealis storage replace</c> or after it was lost: its segments move to other nodes and it is not started.</summary>
    public bool Retired { get; init; }

    /// <summary>On this machine: the supervisor of a local cluster runs it.</summary>
    [JsonIgnore]
    public bool IsLocal => Host is "127.0.0.1" or "localhost";

    public string Address => $"{Host}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
