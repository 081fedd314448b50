using System.Text;
using Borealis.Sql.Results;

namespace Borealis.MySql.Tests.Fakes;

/// <summary>Rows held as .NET values: null, long, double, string (UTF-8 text) or byte[] (blob).</summary>
public sealed class FakeRowSource(IReadOnlyList<object?[]> rows, int failAtRow = -1) : IRowSource
{
    int _index = -1;

    public bool Read()
    {
        _index++;
        if (_index == failAtRow)
            throw Sql.Errors.MySqlErrors.OutOfRange("x", _index + 1);
        return _index < rows.Count;
    }

    public ValueKind GetKind(int ordinal) => rows[_index][ordinal] switch
    {
        null => ValueKind.Null,
        long => ValueKind.Integer,
        double => ValueKind.Real,
        string => ValueKind.Text,
        byte[] => ValueKind.Blob,
        var other => throw new InvalidOperationException($"Unexpected value type {other.GetType()}"),
    };

    public long GetInt64(int ordinal) => (long)rows[_index][ordinal]!;

    public double GetDouble(int ordinal) => (double)rows[_index][ordinal]!;

    public ReadOnlySpan<byte> GetBytes(int ordinal) => rows[_index][ordinal] switch
    {
        string s => Encoding.UTF8.GetBytes(s),
        byte[] b => b,
        var other => throw new InvalidOperationException($"Unexpected value type {other?.GetType()}"),
    };
}
