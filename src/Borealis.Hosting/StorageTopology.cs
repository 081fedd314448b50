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

    /// <summary>
    /// Where the ports of local nodes start: each new local node takes the first port from here up that no node of
    /// the topology has and nothing listens on. <c>up</c> puts it at its cluster port + <see cref="NodePortOffset"/>
    /// (3406 by default), below the kernel's ephemeral range, so that a node restarted on its port never finds it
    /// taken by some process's outgoing connection. 0 (topologies written before it existed): any free port.
    /// </summary>
    public int FirstPort { get; init; }

    /// <summary>The storage nodes of a local cluster listen from its cluster port + 100 up (instances: + 10 up).</summary>
    public const int NodePortOffset = 100;

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
    /// free port of 127.0.0.1 from <paramref name="firstPort"/> up (see <see cref="FirstPort"/>).
    /// </summary>
    /// <exception cref="HostingException">
    /// Fewer than 6 nodes, fewer than 3 zones, or fewer than 2 nodes in some zone; no free ports from <paramref name="firstPort"/> up.
    /// </exception>
    public static StorageTopology CreateLocal(int nodes, int zones, uint pagesPerGroup, int firstPort)
    {
        Validate(nodes, zones);
        var topology = new StorageTopology { PagesPerGroup = pagesPerGroup, FirstPort = firstPort };
        for (int i = 0; i < nodes; i++)
            topology.Nodes.Add(new StorageNodeEntry { Id = i + 1, Zone = ZoneName(i % zones), Host = "127.0.0.1", Port = topology.NewLocalPort() });
        return topology;
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

    /// <summary>
    /// Writes atomically: a temp file of this process, synced, then renamed over <paramref name="path"/>, so a reader
    /// (the supervisor, the writer) never sees half a file. A read-modify-write goes through <see cref="Update{T}"/>.
    /// </summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}.tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(this, s_json));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The lock file that serialises changes of the topology file <paramref name="path"/> between processes.</summary>
    public static string LockPath(string path) => path + ".lock";

    /// <summary>
    /// Reads the topology file, applies <paramref name="change"/> and writes the result, holding
    /// <see cref="LockPath"/> (an exclusive lock, released if the process dies) for the whole read-modify-write. The
    /// supervisor (a lost node) and <c>borealis storage replace</c> (the operator) both change the file this way, so
    /// neither can overwrite the other's change. When <paramref name="change"/> throws, nothing is written.
    /// </summary>
    /// <exception cref="HostingException">
    /// The file does not exist or is invalid, the lock is held longer than <paramref name="lockTimeout"/>, or
    /// <paramref name="change"/> refused the change.
    /// </exception>
    public static T Update<T>(string path, Func<StorageTopology, (StorageTopology Updated, T Result)> change, TimeSpan lockTimeout)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!File.Exists(path))
            throw new HostingException($"the storage topology '{path}' does not exist");
        using var held = AcquireLock(LockPath(path), lockTimeout);
        var topology = TryRead(path) ?? throw new HostingException($"the storage topology '{path}' does not exist");
        var (updated, result) = change(topology);
        updated.Write(path);
        return result;
    }

    static FileStream AcquireLock(string lockPath, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock(2) on Unix: another process (or stream) gets an IOException.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (clock.Elapsed >= timeout)
                    throw new HostingException($"the storage topology is being changed by another process (lock '{lockPath}' held for more than {timeout.TotalSeconds:0} s)", ex);
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>A port for a new local node: the first from <see cref="FirstPort"/> up that no node has (a stopped node's port is free now, but it is still that node's) and nothing listens on.</summary>
    /// <exception cref="HostingException">No such port below 65536.</exception>
    int NewLocalPort()
    {
        if (FirstPort <= 0)
        {
            int any;
            do
                any = FreePort(0);
            while (Nodes.Any(n => n.IsLocal && n.Port == any));
            return any;
        }
        for (int port = FirstPort; port <= IPEndPoint.MaxPort; port++)
        {
            if (!Nodes.Any(n => n.IsLocal && n.Port == port) && FreePort(port) == port)
                return port;
        }
        throw new HostingException($"no free port from {FirstPort} up on 127.0.0.1 for a storage node");
    }

    /// <summary>Binds and releases <paramref name="port"/> (0: one the kernel picks); the port bound, or 0 when it is taken.</summary>
    static int FreePort(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            int bound = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return bound;
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    /// <summary>Retires node <paramref name="nodeId"/> and adds a new local node in its zone, on a free port.</summary>
    /// <exception cref="HostingException">
    /// No such node, it is already retired, it is not on this machine, or the active fleet afterwards could not hold
    /// 6 copies 2 per zone over 3 zones (see <see cref="ValidateFleet"/>).
    /// </exception>
    public (StorageTopology Updated, StorageNodeEntry Added) Replace(int nodeId)
    {
        var old = Nodes.FirstOrDefault(n => n.Id == nodeId)
            ?? throw new HostingException($"there is no storage node {nodeId} (nodes: {string.Join(", ", Nodes.Select(n => n.Id))})");
        if (old.Retired)
            throw new HostingException($"storage node {nodeId} is already retired");
        if (!old.IsLocal)
            throw new HostingException($"storage node {nodeId} runs on {old.Host}, not on this machine: start a new node there and add it to the topology (docs/operations/deploy.md)");
        var added = new StorageNodeEntry { Id = NextId, Zone = old.Zone, Host = old.Host, Port = NewLocalPort() };
        var updated = this with { Nodes = [.. Nodes.Select(n => n.Id == nodeId ? n with { Retired = true } : n).Append(added)] };
        updated.ValidateFleet($"replacing storage node {nodeId}");
        return (updated, added);
    }

    /// <summary>Replaces node <paramref name="nodeId"/> (see <see cref="Replace"/>) in the topology file, under its lock.</summary>
    /// <returns>The retired node and the node added in its zone.</returns>
    /// <exception cref="HostingException">As <see cref="Replace"/> and <see cref="Update{T}"/>; the file is then unchanged.</exception>
    public static (StorageNodeEntry Retired, StorageNodeEntry Added) ReplaceInFile(string path, int nodeId, TimeSpan lockTimeout) =>
        Update(path, topology =>
        {
            var (updated, added) = topology.Replace(nodeId);
            return (updated, (updated.Nodes.Single(n => n.Id == nodeId), added));
        }, lockTimeout);

    /// <summary>Checks that the active (not retired) nodes can hold 6 copies of every group, 2 per zone over 3 zones.</summary>
    /// <param name="what">The change being checked, for the message ("replacing storage node 3").</param>
    /// <exception cref="HostingException">Fewer than 6 active nodes, fewer than 3 zones, or a zone with fewer than 2.</exception>
    public void ValidateFleet(string what)
    {
        var active = Nodes.Where(n => !n.Retired).ToList();
        var zones = active.GroupBy(n => n.Zone, StringComparer.Ordinal).OrderBy(z => z.Key, StringComparer.Ordinal).ToList();
        if (active.Count < 6)
            throw new HostingException($"{what} would leave {active.Count} active storage nodes; at least 6 are needed (6 copies of every segment)");
        if (zones.Count < 3)
            throw new HostingException($"{what} would leave active storage nodes in {zones.Count} zones; at least 3 are needed (2 copies per zone)");
        if (zones.FirstOrDefault(z => z.Count() < 2) is { } thin)
            throw new HostingException($"{what} would leave zone {thin.Key} with {thin.Count()} active storage node{(thin.Count() == 1 ? "" : "s")}; at least 2 per zone are needed");
    }

    /// <summary>
    /// The fleet as the volume client sees it: retired nodes are left out (their segments are moved away) unless
    /// <paramref name="includeRetired"/>.
    /// </summary>
    public IReadOnlyList<StorageNodeInfo> ToNodeInfos(bool includeRetired = false) =>
        [.. Nodes.Where(n => includeRetired || !n.Retired).Select(n => new StorageNodeInfo(new NodeId(n.Id), n.Zone, n.Address))];

    /// <summary>
    /// Polls <paramref name="path"/> every <paramref name="interval"/> and calls <paramref name="changed"/> with the new
    /// topology whenever its content differs from the last one seen, starting from <paramref name="current"/> (the
    /// version the caller acted on: a change written since the caller read it is delivered at the first poll), until
    /// <paramref name="cancellationToken"/> fires. An unreadable version goes to <paramref name="unreadable"/> and is
    /// skipped (the previous one stays in force).
    /// </summary>
    public static async Task FollowAsync(
        string path, StorageTopology current, TimeSpan interval, Action<StorageTopology> changed, Action<string> unreadable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        string known = current.ToJson();
        DateTime? lastWrite = null; // the file's time is only a cheap filter: the first poll always reads it
        while (!cancellationToken.IsCancellationRequested)
        {
            var write = File.GetLastWriteTimeUtc(path);
            if (write != lastWrite)
            {
                lastWrite = write;
                try
                {
                    if (TryRead(path) is { } topology && topology.ToJson() is var json && json != known)
                    {
                        known = json;
                        changed(topology);
                    }
                }
                catch (HostingException ex)
                {
                    unreadable(ex.Message);
                }
            }
            try
            {
                await Task.Delay(interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The file's content for this topology.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);
}
