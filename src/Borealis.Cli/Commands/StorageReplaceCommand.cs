using System.CommandLine;
using System.Text.Json;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary>
/// <c>borealis storage replace NODE_ID</c>: the operator retires a storage node of the running local cluster. It
/// changes only <c>DIR/storage/nodes.json</c> (under its lock, as the supervisor does for a lost node): the
/// supervisor follows the file and starts the new node and stops the retired one; the writer follows it too and
/// moves the retired node's segments to the new node by two-step membership changes.
/// </summary>
internal static class StorageReplaceCommand
{
    static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(10);
    static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var nodeId = new Argument<int>("NODE_ID") { Description = "The id of the storage node to replace (see ./borealis status)." };
        var data = CommonOptions.Data();
        var output = CommonOptions.Output();
        var command = new Command("replace", """
            Replace storage node NODE_ID of the local cluster running on --data by a new node in the same zone. The
            node is marked retired in DIR/storage/nodes.json and the new one added on a free port of 127.0.0.1; the
            supervisor starts the new node and stops the retired one, and the writer moves the retired node's segments
            to it (hydrated from their peers, through two-step membership changes) while commits go on. Returns once
            the change is written: './borealis status' shows the repair (every group back at 6/6 healthy copies).
            Refused, with nothing changed: an unknown or already retired node, no cluster running on --data, or a
            fleet that would be left with fewer than 6 active nodes or fewer than 2 in a zone.
            """)
        {
            nodeId, data, output,
        };
        command.SetAction(parse => Run(parse.GetValue(nodeId), parse.GetValue(data)!, parse.GetValue(output)!));
        return command;
    }

    static int Run(int nodeId, string dataPath, string output)
    {
        var dir = new DataDirectory(dataPath);
        var state = ClusterState.TryRead(dir.StateFile);
        if (state is null || !ProcessControl.IsAlive(state.SupervisorPid))
            return Output.Fail($"no cluster is running on '{dir.Root}' (start it with ./borealis up --data {dataPath})");
        if (state.Storage != "quorum" || !File.Exists(dir.TopologyFile))
            return Output.Fail($"the cluster on '{dir.Root}' has no storage nodes (it runs on a local volume)");

        StorageNodeEntry retired, added;
        try
        {
            (retired, added) = StorageTopology.ReplaceInFile(dir.TopologyFile, nodeId, s_lockTimeout);
        }
        catch (HostingException ex)
        {
            return Output.Fail(ex.Message);
        }

        if (output == "json")
        {
            static object Describe(StorageNodeEntry n) => new { n.Id, n.Zone, n.Address };
            Console.WriteLine(JsonSerializer.Serialize(new { Retired = Describe(retired), Added = Describe(added) }, s_json));
            return 0;
        }
        Console.WriteLine($"Retired storage node {retired.Id} (zone {retired.Zone}, {retired.Address}).");
        Console.WriteLine($"Added storage node {added.Id} (zone {added.Zone}, {added.Address}): the supervisor starts it and the writer moves node {retired.Id}'s segments there.");
        Console.WriteLine($"Follow the repair with ./borealis status --data {dataPath} (every protection group back at 6/6 healthy copies).");
        return 0;
    }
}
