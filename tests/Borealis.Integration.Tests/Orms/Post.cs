namespace Borealis.Integration.Tests.Orms;

/// <summary>A post of a <see cref="Blog"/>, with tags (many to many) and one property of each common CLR type.</summary>
public sealed class Post
{
    public long Id { get; set; }

    public required string Title { get; set; }

    public string Content { get; set; } = "";

    public int Rating { get; set; }

    public decimal Price { get; set; }

    public bool IsDraft { get; set; }

    public DateTime PublishedAt { get; set; }

    public byte[]? Thumbnail { get; set; }

    public Guid PublicId { get; set; }

    public int BlogId { get; set; }

    public Blog Blog { get; set; } = null!;

    public List<Tag> Tags { get; } = [];
}
