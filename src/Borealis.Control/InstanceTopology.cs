using System.Text.Json;
using System.Text.Json.Serialization;

namespace Borealis.Control;

/// <summary>
/// The instances of a cluster, kept in <c>DIR/topology.json</c> so that they survive a restart of the control
/// plane: ids, roles, tiers and ports. Only the control plane changes it (it is not thread-safe: the control plane
/// changes it under its own lock).
/// </summary>
public sealed class InstanceTopology
{
    static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The number the next new instance's id gets (ids are never reused).</summary>
    public int NextId { get; set; } = 1;

    public List<InstanceSpec> Instances { get; init; } = [];

    [JsonIgnore]
    public InstanceSpec? Writer => Instances.FirstOrDefault(i => i.Role == InstanceRole.Writer);

    /// <summary>Every writer: one, or 2-<see cref="MaxWriters"/> when <see cref="MultiMaster"/>.</summary>
    public IEnumerable<InstanceSpec> Writers => Instances.Where(i => i.Role == InstanceRole.Writer);

    /// <summary>Several writers on one volume, served by the volume service; no readers, no failover.</summary>
    public bool MultiMaster { get; set; }

    /// <summary>Writers of a multi-master cluster, at most (Aurora's limit).</summary>
    public const int MaxWriters = 4;

    [JsonIgnore]
    public IEnumerable<InstanceSpec> Readers => Instances.Where(i => i.Role == InstanceRole.Reader);

    public InstanceSpec? Find(string id) => Instances.FirstOrDefault(i => i.Id == id);

    /// <summary>Adds an instance with the next id.</summary>
    public InstanceSpec Add(InstanceRole role, int tier, int port, int replicationPort, int statusPort = 0)
    {
        var spec = new InstanceSpec("instance-" + NextId.ToString(System.Globalization.CultureInfo.InvariantCulture), role, tier, port, replicationPort)
        {
            StatusPort = statusPort,
        };
        NextId++;
        Instances.Add(spec);
        return spec;
    }

    public bool Remove(string id) => Instances.RemoveAll(i => i.Id == id) > 0;

    /// <summary>Makes <paramref name="id"/> the writer and the current writer a reader (same ids, tiers and ports).</summary>
    public (InstanceSpec NewWriter, InstanceSpec? OldWriter) Promote(string id)
    {
        InstanceSpec? old = null;
        InstanceSpec? promoted = null;
        for (int i = 0; i < Instances.Count; i++)
        {
            var spec = Instances[i];
            if (spec.Id == id)
                Instances[i] = promoted = spec with { Role = InstanceRole.Writer };
            else if (spec.Role == InstanceRole.Writer)
                Instances[i] = old = spec with { Role = InstanceRole.Reader };
        }
        return (promoted ?? throw new ArgumentException($"no instance '{id}'", nameof(id)), old);
    }

    /// <summary>Reads the file; null when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is not a topology.</exception>
    public static InstanceTopology? TryRead(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            var topology = JsonSerializer.Deserialize<InstanceTopology>(File.ReadAllText(path), s_json)
                ?? throw new InvalidDataException($"'{path}' is empty");
            int writers = topology.Writers.Count();
            if (topology.MultiMaster ? writers is < 1 or > MaxWriters || topology.Readers.Any() : writers != 1)
            {
                throw new InvalidDataException(topology.MultiMaster
                    ? $"'{path}' is a multi-master topology: it must have 1 to {MaxWriters} writer instances and no reader"
                    : $"'{path}' must have exactly one writer instance");
            }
            return topology;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid instance topology: {ex.Message}", ex);
        }
    }

    /// <summary>Writes atomically (temp file, fsync, rename): a reader never sees half a file, a crash never loses it.</summary>
    public void Write(string path)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, this, s_json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public string ToJson() => JsonSerializer.Serialize(this, s_json);
}
