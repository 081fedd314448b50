namespace Borealis.Integration.Tests.Orms;

/// <summary>A tag; posts and tags meet in the PostTag join table.</summary>
public sealed class Tag
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public List<Post> Posts { get; } = [];
}
