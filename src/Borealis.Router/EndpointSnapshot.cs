using System.Text.Json;
using System.Text.Json.Serialization;

namespace Borealis.Router;

/// <summary>
/// Where the instances are at one moment: the body of the control plane's <c>GET /v1/endpoints</c>
/// (<c>{"version":N,"writer":{"id","host","port"}|null,"readers":[...],"writers":[...]}</c>; "writers" optional), which is also the format of an
/// endpoints file. Only healthy instances are listed.
/// </summary>
public sealed class EndpointSnapshot
{
    static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public EndpointSnapshot(long version, InstanceEndpoint? writer, IReadOnlyList<InstanceEndpoint> readers, IReadOnlyList<InstanceEndpoint>? writers = null)
    {
        ArgumentNullException.ThrowIfNull(readers);
        Version = version;
        Writer = writer;
        Readers = readers;
        Writers = writers is { Count: > 0 } ? writers : writer is null ? [] : [writer];
    }

    /// <summary>Increases on every change (the control plane's counter; an edited file may leave it unchanged).</summary>
    public long Version { get; }

    /// <summary>The current writer; null while a failover is in progress.</summary>
    public InstanceEndpoint? Writer { get; }

    /// <summary>The healthy readers, in the order given.</summary>
    public IReadOnlyList<InstanceEndpoint> Readers { get; }

    /// <summary>Every healthy writer: the writer, or the writers of a multi-master cluster (the cluster endpoint balances over them).</summary>
    public IReadOnlyList<InstanceEndpoint> Writers { get; }

    /// <summary>True when <paramref name="instance"/> still has <paramref name="role"/> in this snapshot.</summary>
    public bool Holds(InstanceEndpoint instance, RouteRole role) => role switch
    {
        RouteRole.Writer => Writers.Contains(instance),
        _ => Readers.Contains(instance),
    };

    /// <summary>Same version, writers and readers: nothing for the router to do.</summary>
    public bool SameAs(EndpointSnapshot? other) =>
        other is not null && other.Version == Version && other.Writer == Writer && other.Readers.SequenceEqual(Readers) && other.Writers.SequenceEqual(Writers);

    /// <summary>Parses the JSON of contract 3.</summary>
    /// <exception cref="FormatException">Not that JSON, or an entry without id, host or a port in 1..65535.</exception>
    public static EndpointSnapshot Parse(ReadOnlySpan<byte> json)
    {
        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(json, s_json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not an endpoints document: {ex.Message}", ex);
        }
        if (document is null)
            throw new FormatException("not an endpoints document: null");
        return new EndpointSnapshot(document.Version, document.Writer is null ? null : Validate(document.Writer),
            (document.Readers ?? []).Select(Validate).ToArray(), document.Writers?.Select(Validate).ToArray());
    }

    public override string ToString() =>
        $"version {Version}, writer {Writer?.ToString() ?? "none"}, readers [{string.Join(", ", Readers)}]" + (Writers.Count > 1 ? $", writers [{string.Join(", ", Writers)}]" : "");

    static InstanceEndpoint Validate(Entry entry)
    {
        if (string.IsNullOrEmpty(entry.Id) || string.IsNullOrEmpty(entry.Host) || entry.Port is < 1 or > 65535)
            throw new FormatException($"an endpoint needs an id, a host and a port in 1..65535 (got id '{entry.Id}', host '{entry.Host}', port {entry.Port})");
        return new InstanceEndpoint(entry.Id, entry.Host, entry.Port);
    }

    sealed record Document(
        [property: JsonPropertyName("version")] long Version,
        [property: JsonPropertyName("writer")] Entry? Writer,
        [property: JsonPropertyName("readers")] IReadOnlyList<Entry>? Readers,
        [property: JsonPropertyName("writers")] IReadOnlyList<Entry>? Writers = null);

    sealed record Entry(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("host")] string? Host,
        [property: JsonPropertyName("port")] int Port);
}
