using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Borealis.Storage.Protocol;

namespace Borealis.Hosting;

/// <summary>
/// The storage fleet of a cluster: which storage nodes exist, their zones and addresses. Kept in
/// <c>DIR/storage/nodes.json</c> for a local cluster (created once by <c>up</c>, so nodes keep their ports across
/// restarts), or written by hand for nodes on several machines (<c>docs/operations/deploy.md</c>). The writer
/// instance reads it at start and re-reads it when it changes; the supervisor starts the nodes whose
/// <see cref="StorageNodeEntry.Host"/> is local.
/// </summary>
public sealed record StorageTopology
{
    /// <summary>Pages per protection group for a new volume (a volume keeps the value it was created with).</summary>
    public uint PagesPerGroup { get; init; } = DefaultPagesPerGroup;

    public List<StorageNodeEntry> Nodes { get; init; } = [];

    /// <summary>16 MiB groups of 4 KiB pages by default: small enough that a local cluster exercises several groups.</summary>
    public const uint DefaultPagesPerGroup = 4096;

    static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    /// <summary>The name of zone <paramref name="index"/>: a, b, c, ...</summary>
    public static string ZoneName(int index) => ((char)('a' + index)).ToString();

    /// <summary>
    /// A new local fleet: <paramref name="nodes"/> nodes spread round-robin over <paramref name="zones"/> zones, each on a
    /// free port of 127.0.0.1.
    /// </summary>
    /// <exception cref="HostingException">Fewer than 6 nodes, fewer than 3 zones, or fewer than 2 nodes in some zone.</exception>
    public static StorageTopology CreateLocal(int nodes, int zones, uint pagesPerGroup)
    {
        Validate(nodes, zones);
        var list = new List<StorageNodeEntry>();
        for (int i = 0; i < nodes; i++)
            list.Add(new StorageNodeEntry { Id = i + 1, Zone = ZoneName(i % zones), Host = "127.0.0.1", Port = FreePort() });
        return new StorageTopology { PagesPerGroup = pagesPerGroup, Nodes = list };
    }

    /// <exception cref="HostingException">The counts cannot hold 6 copies, 2 per zone over 3 zones.</exception>
    public static void Validate(int nodes, int zones)
    {
        if (zones < 3)
            throw new HostingException($"--zones must be at least 3 (6 copies, 2 per zone over 3 zones); got {zones}");
        if (nodes < 6)
            throw new HostingException($"--storage-nodes must be at least 6 (6 copies of every segment); got {nodes}");
        if (nodes < zones * 2)
            throw new HostingException($"--storage-nodes {nodes} over --zones {zones} leaves a zone with fewer than 2 nodes");
    }

    /// <summary>The next node id, for a node added to replace another.</summary>
    public int NextId => Nodes.Count == 0 ? 1 : Nodes.Max(n => n.Id) + 1;

    /// <summary>Reads the file; null when it does not exist.</summary>
    /// <exception cref="HostingException">It exists but is not a valid topology.</exception>
    public static StorageTopology? TryRead(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            var topology = JsonSerializer.Deserialize<StorageTopology>(File.ReadAllText(path), s_json)
                ?? throw new HostingException($"'{path}' is empty");
            if (topology.Nodes.Count == 0 || topology.Nodes.Select(n => n.Id).Distinct().Count() != topology.Nodes.Count)
                throw new HostingException($"'{path}' must list storage nodes with distinct ids");
            return topology;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            throw new HostingException($"cannot read the storage topology '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Writes atomically (temp file + rename).</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, s_json));
        File.Move(temp, path, overwrite: true);
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Retires node <paramref name="nodeId"/> and adds a new local node in its zone, on a free port.</summary>
    /// <exception cref="HostingException">No such active node.</exception>
    public (StorageTopology Updated, StorageNodeEntry Added) Replace(int nodeId)
    {
        var old = Nodes.FirstOrDefault(n => n.Id == nodeId && !n.Retired)
            ?? throw new HostingException($"there is no active storage node {nodeId}");
        var added = new StorageNodeEntry { Id = NextId, Zone = old.Zone, Host = old.Host, Port = FreePort() };
        var nodes = Nodes.Select(n => n.Id == nodeId ? n with { Retired = true } : n).Append(added).ToList();
        return (this with { Nodes = nodes }, added);
    }

    /// <summary>
    /// The fleet as the volume client sees it: retired nodes are left out (their segments are moved away) unless
    /// <paramref name="includeRetired"/>.
    /// </summary>
    public IReadOnlyList<StorageNodeInfo> ToNodeInfos(bool includeRetired = false) =>
        [.. Nodes.Where(n => includeRetired || !n.Retired).Select(n => new StorageNodeInfo(new NodeId(n.Id), n.Zone, n.Address))];

    /// <summary>
    /// Polls <paramref name="path"/> every <paramref name="interval"/> and calls <paramref name="changed"/> with the new
    /// topology whenever the file is rewritten, until <paramref name="cancellationToken"/> fires. An unreadable
    /// version goes to <paramref name="unreadable"/> and is skipped (the previous one stays in force).
    /// </summary>
    public static async Task FollowAsync(string path, TimeSpan interval, Action<StorageTopology> changed, Action<string> unreadable, CancellationToken cancellationToken)
    {
        var last = File.GetLastWriteTimeUtc(path);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var write = File.GetLastWriteTimeUtc(path);
            if (write == last)
                continue;
            last = write;
            try
            {
                if (TryRead(path) is { } topology)
                    changed(topology);
            }
            catch (HostingException ex)
            {
                unreadable(ex.Message);
            }
        }
    }
}
