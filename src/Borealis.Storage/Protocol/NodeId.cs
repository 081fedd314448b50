namespace Borealis.Storage.Protocol;

/// <summary>A storage node's identity, unique within a volume's fleet (1, 2, 3, ...). Fixed for the life of the node's data.</summary>
public readonly record struct NodeId(int Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
