namespace Borealis.Integration.Tests.Drivers;

/// <summary>One column type of the matrix: its values in canonical text (see type-matrix.json).</summary>
public sealed record TypeColumn(string Name, string Type, string Kind, IReadOnlyList<string> Values, bool Lookup, TypeColumn.UnsupportedValue? Unsupported)
{
    /// <summary>A value Borealis refuses for the column, and the MySQL error code every driver must see for it.</summary>
    public sealed record UnsupportedValue(string Value, int Error);
}
