namespace Borealis.Sql.Syntax;

/// <summary>A MySQL column type as written: base name (lower case), length/precision, scale, flags, ENUM/SET values.</summary>
internal sealed record DataType(string Name)
{
    public int? Length { get; init; }

    public int? Scale { get; init; }

    public bool Unsigned { get; init; }

    public bool ZeroFill { get; init; }

    public IReadOnlyList<string> Values { get; init; } = [];

    public string? Charset { get; init; }

    public string? Collation { get; init; }
}
