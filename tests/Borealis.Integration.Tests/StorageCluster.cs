using System.Diagnostics;
using System.Globalization;
using Borealis.Hosting;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// A quorum-storage cluster of real processes, without the supervisor, so that a test decides exactly which
/// process is down: <c>borealis storage</c> × N (zones a, b, c round-robin: nodes 1 and 4 share zone a) and
/// <c>borealis instance --storage</c> writers on a topology file, all on 127.0.0.1 and free ports. Disposing
/// stops everything and deletes the files.
/// </summary>
public sealed class StorageCluster : IAsyncDisposable
{
    public const string Password = "test-Pw-1";

    readonly TempDirectory _dir = new("borealis-storage");
    readonly Dictionary<int, Process> _nodes = [];
    readonly Dictionary<string, (Process Process, int Port)> _writers = [];

    // Each writer's port, kept after a kill: clients of a killed writer reconnect and get refused, as from a real one.
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _writerPorts = new();
    Process? _volumeService;

    StorageCluster(StorageTopology topology)
    {
        Topology = topology;
        topology.Write(TopologyFile);
    }

    public StorageTopology Topology { get; }

    public string TopologyFile => _dir.Combine("nodes.json");

    public string NodeDirectory(int id) => _dir.Combine("node-" + id.ToString(CultureInfo.InvariantCulture));

    public string LogFile(string name) => _dir.Combine(name + ".log");

    /// <summary>Starts <paramref name="nodes"/> storage nodes and (unless <paramref name="writer"/> is false) writer "writer-1".</summary>
    public static async Task<StorageCluster> StartAsync(int nodes = 6, uint pagesPerGroup = 256, bool writer = true)
    {
        var cluster = new StorageCluster(StorageTopology.CreateLocal(nodes, 3, pagesPerGroup, FreePort.ForCluster()));
        try
        {
            await Task.WhenAll(cluster.Topology.Nodes.Select(n => cluster.StartNodeAsync(n.Id)));
            if (writer)
                await cluster.StartWriterAsync("writer-1");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public int WriterPort(string id = "writer-1") => _writerPorts[id];

    public int NodePid(int id) => _nodes.TryGetValue(id, out var p) ? p.Id : 0;

    public string ConnectionString(string id = "writer-1", string? database = null, int commandTimeout = 60) =>
        TestConnection.String(WriterPort(id), Password, database, commandTimeout);

    public async Task<MySqlConnection> OpenAsync(string id = "writer-1", string? database = null, int commandTimeout = 60)
    {
        var connection = new MySqlConnection(ConnectionString(id, database, commandTimeout));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    public async Task StartNodeAsync(int id)
    {
        var node = Topology.Nodes.Single(n => n.Id == id);
        var process = Launch("storage-" + id.ToString(CultureInfo.InvariantCulture),
            "storage", "--data", NodeDirectory(id), "--node-id", id.ToString(CultureInfo.InvariantCulture),
            "--zone", node.Zone, "--port", node.Port.ToString(CultureInfo.InvariantCulture));
        _nodes[id] = process;
        await WaitListeningAsync(process, node.Port, "storage-" + id.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>SIGKILL of a storage node: no shutdown code runs.</summary>
    public async Task KillNodeAsync(int id)
    {
        if (_nodes.Remove(id, out var process))
            await KillAsync(process);
    }

    public async Task StartWriterAsync(string id)
    {
        int port = FreePort.Next();
        var process = Launch(id, "instance", "--id", id, "--storage", TopologyFile, "--tls", _dir.Combine("tls"),
            "--port", port.ToString(CultureInfo.InvariantCulture), "--cache-mb", "64");
        _writers[id] = (process, port);
        _writerPorts[id] = port;
        await WaitListeningAsync(process, port, id);
    }

    /// <summary>Multi-master: the volume service on the storage nodes (<c>borealis volume-service</c>).</summary>
    public async Task StartVolumeServiceAsync()
    {
        VolumeServicePort = FreePort.Next();
        _volumeService = Launch("volume-service", "volume-service", "--storage", TopologyFile, "--port", VolumeServicePort.ToString(CultureInfo.InvariantCulture));
        await WaitListeningAsync(_volumeService, VolumeServicePort, "volume-service");
    }

    public int VolumeServicePort { get; private set; }

    /// <summary>Multi-master: writer <paramref name="id"/> of the volume service's volume, on a new port (or <paramref name="port"/>).</summary>
    public async Task StartSharedWriterAsync(string id, int? port = null)
    {
        int listen = port ?? FreePort.Next();
        var process = Launch(id, "instance", "--id", id, "--volume-service", VolumeServicePort.ToString(CultureInfo.InvariantCulture),
            "--port", listen.ToString(CultureInfo.InvariantCulture), "--cache-mb", "64");
        _writers[id] = (process, listen);
        _writerPorts[id] = listen;
        await WaitListeningAsync(process, listen, id);
    }

    /// <summary>The failure, with the last lines of every process's log.</summary>
    public Exception WithLogTails(Exception failure) => LocalClusterCli.WithLogsIn(Path.GetDirectoryName(TopologyFile)!, failure);


    public async Task KillWriterAsync(string id = "writer-1")
    {
        if (_writers.Remove(id, out var writer))
            await KillAsync(writer.Process);
    }

    Process Launch(string name, params string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$BOREALIS_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add(BorealisExecutable.Path);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment["BOREALIS_PASSWORD"] = Password;
        start.Environment["BOREALIS_LOG"] = LogFile(name);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start borealis");
    }

    async Task WaitListeningAsync(Process process, int port, string name)
    {
        await Eventually.AssertAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {await File.ReadAllTextAsync(LogFile(name))}")
                : await PortProbe.IsListeningAsync("127.0.0.1", port, TestContext.Current.CancellationToken),
            TimeSpan.FromSeconds(60), $"{name} accepts connections");
    }

    static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values)
            await KillAsync(writer.Process);
        if (_volumeService is not null)
            await KillAsync(_volumeService);
        foreach (var node in _nodes.Values)
            await KillAsync(node);
        _writers.Clear();
        _nodes.Clear();
        _dir.Dispose();
    }
}
