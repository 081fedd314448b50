using System.Globalization;
using System.Text.Json;
using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>
/// The operator commands of a local cluster (<c>up</c>, <c>status</c>, <c>down</c>, <c>storage replace</c>) run
/// with the built executable, and what <c>status --output json</c> says of its processes and storage fleet.
/// </summary>
internal static class LocalClusterCli
{
    public static Task<ExternalProcess.Result> RunAsync(params string[] args) =>
        ExternalProcess.RunAsync(BorealisExecutable.Path, args, environment: new Dictionary<string, string> { ["BOREALIS_PASSWORD"] = "" });

    /// <summary>The pid of storage node <paramref name="node"/>'s process; 0 when it has none (stopped or retired).</summary>
    public static async Task<int> StorageNodePidAsync(string data, int node)
    {
        var status = await RunAsync("status", "--data", data, "--output", "json");
        using var json = JsonDocument.Parse(status.StandardOutput);
        var process = json.RootElement.GetProperty("processes").EnumerateArray()
            .SingleOrDefault(p => p.GetProperty("id").GetString() == "storage-" + node.ToString(CultureInfo.InvariantCulture));
        return process.ValueKind == JsonValueKind.Undefined ? 0 : process.GetProperty("pid").GetInt32();
    }

    /// <summary>
    /// Waits until <c>status</c> shows protection groups, every one with 6 healthy copies, no membership change in
    /// progress, and members that satisfy <paramref name="members"/>; returns the <c>storage</c> part of that status.
    /// </summary>
    public static async Task<JsonElement> WaitForSixHealthyCopiesAsync(string data, Func<IReadOnlyList<int>, bool> members, TimeSpan timeout, string because)
    {
        JsonElement storage = default;
        await Eventually.AssertAsync(async () =>
        {
            var status = await RunAsync("status", "--data", data, "--output", "json");
            using var json = JsonDocument.Parse(status.StandardOutput);
            storage = json.RootElement.GetProperty("storage").Clone();
            var groups = storage.GetProperty("groups").EnumerateArray().ToList();
            return groups.Count > 0 && groups.All(g =>
                g.GetProperty("healthyCopies").GetInt32() == 6
                && g.GetProperty("next").GetArrayLength() == 0
                && members([.. g.GetProperty("members").EnumerateArray().Select(m => m.GetInt32())]));
        }, timeout, because);
        return storage;
    }

    /// <summary>
    /// A failure of a test on the cluster in <paramref name="data"/>, with the end of every process's log in its
    /// message (the data directory is deleted after the test, and CI shows only the failure's message).
    /// </summary>
    public static Exception WithLogTails(string data, Exception failure, int lines = 40) => WithLogsIn(Path.Combine(data, "logs"), failure, lines);

    /// <summary>
    /// The failure, with the last lines of every <c>*.log</c> in <paramref name="logs"/> in its message. The
    /// instances' logs come last: they say most about a failure, and a CI report that keeps only the end of the output
    /// keeps them.
    /// </summary>
    public static Exception WithLogsIn(string logs, Exception failure, int lines = 40)
    {
        if (!Directory.Exists(logs))
            return failure;
        var message = new System.Text.StringBuilder(failure.Message);
        foreach (var log in Directory.GetFiles(logs, "*.log")
            .OrderBy(l => Path.GetFileName(l).StartsWith("instance", StringComparison.Ordinal))
            .ThenBy(l => l, StringComparer.Ordinal))
        {
            message.Append(CultureInfo.InvariantCulture, $"\n--- {Path.GetFileName(log)} (last {lines} lines)\n");
            foreach (var line in File.ReadLines(log).TakeLast(lines))
                message.Append(line).Append('\n');
        }
        return new Xunit.Sdk.XunitException(message.ToString(), failure);
    }
}
