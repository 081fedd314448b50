namespace Borealis.Router;

/// <summary>One instance's MySQL endpoint as the control plane reports it (contract 3: id, host, port).</summary>
public sealed record InstanceEndpoint(string Id, string Host, int Port)
{
    public override string ToString() => $"{Id} ({Host}:{Port})";
}
