namespace Borealis.Control;

/// <summary>What an instance does: the one writer of the cluster, or a read-only replica.</summary>
public enum InstanceRole
{
    Writer,
    Reader,
}
