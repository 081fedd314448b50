using System.Globalization;
using System.Text;
using Borealis.Sql.Results;

namespace Borealis.Sql.Execution;

/// <summary>Rows built in memory (SHOW results, variables): values are null, long, double, string or byte[].</summary>
internal sealed class ListRowSource(IReadOnlyList<object?[]> rows) : IRowSource
{
    int _index = -1;
    byte[]? _buffer;

    public bool Read() => ++_index < rows.Count;

    public ValueKind GetKind(int ordinal) => rows[_index][ordinal] switch
    {
        null => ValueKind.Null,
        long or int or ulong or bool => ValueKind.Integer,
        double or float => ValueKind.Real,
        byte[] => ValueKind.Blob,
        _ => ValueKind.Text,
    };

    public long GetInt64(int ordinal) => rows[_index][ordinal] switch
    {
        long l => l,
        int i => i,
        ulong u => unchecked((long)u),
        bool b => b ? 1 : 0,
        double d => (long)d,
        var v => long.TryParse(Convert.ToString(v, CultureInfo.InvariantCulture), out var p) ? p : 0,
    };

    public double GetDouble(int ordinal) => rows[_index][ordinal] switch
    {
        double d => d,
        float f => f,
        long l => l,
        var v => double.TryParse(Convert.ToString(v, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : 0,
    };

    public ReadOnlySpan<byte> GetBytes(int ordinal)
    {
        var v = rows[_index][ordinal];
        if (v is byte[] b)
            return b;
        _buffer = Encoding.UTF8.GetBytes(v is ulong u ? u.ToString(CultureInfo.InvariantCulture) : ValueCoercion.ToText(v ?? ""));
        return _buffer;
    }
}
