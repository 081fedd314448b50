using System.Text.Json;
using System.Text.Json.Serialization;

namespace Borealis.Hosting;

/// <summary>What the supervisor of a local cluster writes to <c>DIR/cluster.json</c>; <c>status</c> and <c>down</c> read it.</summary>
public sealed record ClusterState
{
    public int SupervisorPid { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The MySQL endpoint clients use (for now the writer's port).</summary>
    public int Port { get; init; }

    /// <summary>The control API (docs/api.md) on <see cref="Host"/>; 0 until it listens.</summary>
    public int ControlPort { get; set; }

    /// <summary>"quorum" (storage nodes) or "local" (a volume on the instance's disk).</summary>
    public string Storage { get; init; } = "quorum";

    public string User { get; init; } = "admin";

    public DateTimeOffset StartedAt { get; init; }

    public List<ProcessState> Processes { get; init; } = [];

    static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static ClusterState? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ClusterState>(File.ReadAllText(path), s_json) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>Writes atomically (temp file + rename) so a reader never sees half a file.</summary>
    public void Write(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, s_json));
        File.Move(temp, path, overwrite: true);
    }

    public string ToJson() => JsonSerializer.Serialize(this, s_json);
}

/// <summary>One supervised process of the cluster.</summary>
public sealed record ProcessState
{
    public required string Id { get; init; }

    public required string Role { get; init; }

    public ProcessStatus State { get; set; }

    public int Pid { get; set; }

    public int Port { get; init; }

    /// <summary>A writer's replication port (readers subscribe to its redo stream there); 0 for other roles.</summary>
    public int ReplicationPort { get; init; }

    /// <summary>An instance's status endpoint on 127.0.0.1 (<c>GET /v1/status</c>, docs/api.md); 0 for other roles.</summary>
    public int StatusPort { get; init; }

    /// <summary>An instance's promotion tier (0–15).</summary>
    public int Tier { get; init; }

    public int Restarts { get; set; }

    /// <summary>The availability zone of a storage node; null for other roles.</summary>
    public string? Zone { get; init; }

    /// <summary>The storage node id, for role "storage".</summary>
    public int NodeId { get; init; }
}

public enum ProcessStatus
{
    Starting,
    Running,
    Restarting,

    /// <summary>Being stopped (e.g. a hung writer being replaced): still alive, but not to be followed or used.</summary>
    Stopping,
    Stopped,
    Failed,
}
