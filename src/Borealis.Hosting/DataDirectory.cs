using System.Security.Cryptography;

namespace Borealis.Hosting;

/// <summary>
/// The layout of a local cluster's data directory (<c>./borealis up --data DIR</c>):
/// <code>
/// DIR/cluster.json       process state and endpoints, written by the supervisor
/// DIR/topology.json      the instances (ids, roles, tiers, ports), written by the control plane
/// DIR/admin-password     the generated administrator password (mode 0600), when none was given
/// DIR/tls/               the self-signed certificate of the MySQL endpoints
/// DIR/storage/nodes.json the storage fleet (ids, zones, ports), created once
/// DIR/storage/nodes.json.lock  held while nodes.json is changed (StorageTopology.Update)
/// DIR/storage/node-N/    storage node N's segments
/// DIR/volume/            the local volume, when the cluster runs without storage nodes (--storage-nodes 0)
/// DIR/logs/              one log file per process
/// DIR/.lock              held by the running supervisor
/// </code>
/// </summary>
public sealed class DataDirectory
{
    public DataDirectory(string path) => Root = Path.GetFullPath(path);

    public string Root { get; }

    public string StateFile => Path.Combine(Root, "cluster.json");

    /// <summary>The instance topology (Borealis.Control.InstanceTopology): it survives a restart of the supervisor.</summary>
    public string InstanceTopologyFile => Path.Combine(Root, "topology.json");

    public string PasswordFile => Path.Combine(Root, "admin-password");

    public string TlsDirectory => Path.Combine(Root, "tls");

    public string VolumeDirectory => Path.Combine(Root, "volume");

    public string StorageDirectory => Path.Combine(Root, "storage");

    public string TopologyFile => Path.Combine(StorageDirectory, "nodes.json");

    public string StorageNodeDirectory(int nodeId) =>
        Path.Combine(StorageDirectory, "node-" + nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string LogDirectory => Path.Combine(Root, "logs");

    public string LockFile => Path.Combine(Root, ".lock");

    public string LogFile(string processId) => Path.Combine(LogDirectory, processId + ".log");

    /// <summary>Creates the directory tree, or explains in one line why it cannot be used.</summary>
    /// <exception cref="HostingException">The path is a file, or cannot be created or written.</exception>
    public void EnsureUsable()
    {
        if (File.Exists(Root))
            throw new HostingException($"data directory '{Root}' is a file, not a directory");
        try
        {
            Directory.CreateDirectory(Root);
            Directory.CreateDirectory(LogDirectory);
            Directory.CreateDirectory(TlsDirectory);
            var probe = Path.Combine(Root, $".probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HostingException($"data directory '{Root}' is not usable: {ex.Message}");
        }
    }

    /// <summary>
    /// The administrator password: the one given (flag or BOREALIS_PASSWORD), else the one kept in
    /// <see cref="PasswordFile"/>, else a new one, generated and kept there with mode 0600.
    /// </summary>
    public (string Password, bool Generated) ResolvePassword(string? given)
    {
        if (!string.IsNullOrEmpty(given))
            return (given, false);
        if (File.Exists(PasswordFile))
            return (File.ReadAllText(PasswordFile).Trim(), false);

        var password = GeneratePassword();
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(PasswordFile, options))
        using (var writer = new StreamWriter(stream))
            writer.WriteLine(password);
        return (password, true);
    }

    static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }
}
