namespace Borealis.Hosting;

/// <summary>What <c>./borealis up</c> asks the supervisor for.</summary>
/// <param name="Data">The cluster's directory.</param>
/// <param name="Port">The MySQL endpoint.</param>
/// <param name="Password">The administrator password (passed to instances in the environment).</param>
/// <param name="StorageNodes">Storage nodes of a new cluster (0: a local volume, no storage nodes).</param>
/// <param name="Zones">Zones they are spread over.</param>
public sealed record SupervisorOptions(DataDirectory Data, int Port, string Password, int StorageNodes = 6, int Zones = 3)
{
    /// <summary>Pages per protection group of a new volume.</summary>
    public uint PagesPerGroup { get; init; } = StorageTopology.DefaultPagesPerGroup;

    /// <summary>A storage node that dies this many times in a row within <see cref="QuickExit"/> of its start is declared lost and replaced.</summary>
    public int LostAfterQuickExits { get; init; } = 3;

    public TimeSpan QuickExit { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Readers of a new cluster (0–15); an existing cluster keeps its instances (DIR/topology.json).</summary>
    public int Readers { get; init; }

    /// <summary>Writers of a new cluster: 1, or 2-4 for a multi-master cluster (no readers; a volume service).</summary>
    public int Writers { get; init; } = 1;

    /// <summary>The control API's port on 127.0.0.1 (0: any free port).</summary>
    public int ControlPort { get; init; }

}
