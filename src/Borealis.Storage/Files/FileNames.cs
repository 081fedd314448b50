using System.Globalization;

namespace Borealis.Storage.Files;

/// <summary>Names of a storage node's files (a flat directory; see docs/storage-node.md).</summary>
internal static class FileNames
{
    public const string NodeId = "node.id";
    public const string Map = "volume.map";
    public const string SegmentPrefix = "seg-";

    /// <summary>Prefix of the node log's files (frames of every segment the node hosts).</summary>
    public const string NodeLogPrefix = "log-";

    public static string Temp(string name) => name + ".tmp";

    /// <summary>Prefix of every file of segment <paramref name="group"/>.</summary>
    public static string Segment(uint group) => string.Create(CultureInfo.InvariantCulture, $"seg-{group:D8}.");

    public static string NodeLog(ulong number) => string.Create(CultureInfo.InvariantCulture, $"{NodeLogPrefix}{number:D12}");

    /// <summary>The file number of a name made by <see cref="NodeLog"/>, or false.</summary>
    public static bool TryParseNodeLog(string name, out ulong number)
    {
        number = 0;
        return name.StartsWith(NodeLogPrefix, StringComparison.Ordinal) && name.Length == NodeLogPrefix.Length + 12
            && ulong.TryParse(name.AsSpan(NodeLogPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>A segment log of earlier versions (read at open and moved into the node log).</summary>
    public static string Log(uint group, ulong number) => string.Create(CultureInfo.InvariantCulture, $"seg-{group:D8}.log-{number:D12}");

    public static string LogPrefix(uint group) => Segment(group) + "log-";

    public static string Checkpoint(uint group) => Segment(group) + "ckpt";

    /// <summary>The log number of a name made by <see cref="Log"/>, or false.</summary>
    public static bool TryParseLog(string name, uint group, out ulong number)
    {
        number = 0;
        string prefix = LogPrefix(group);
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && ulong.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>The group of any segment file name, or false.</summary>
    public static bool TryParseGroup(string name, out uint group)
    {
        group = 0;
        if (!name.StartsWith(SegmentPrefix, StringComparison.Ordinal) || name.Length < SegmentPrefix.Length + 9)
            return false;
        return uint.TryParse(name.AsSpan(SegmentPrefix.Length, 8), NumberStyles.None, CultureInfo.InvariantCulture, out group);
    }
}
