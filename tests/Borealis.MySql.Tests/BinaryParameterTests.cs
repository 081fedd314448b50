using Borealis.MySql.Protocol;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;

namespace Borealis.MySql.Tests;

/// <summary>COM_STMT_EXECUTE parameter values as drivers send them (Connector/J's byte[] and BigDecimal).</summary>
public sealed class BinaryParameterTests
{
    static object? Read(MySqlColumnType type, byte[] value)
    {
        var payload = new byte[value.Length + 1];
        payload[0] = (byte)value.Length;
        value.CopyTo(payload, 1);
        var reader = new PacketReader(payload);
        return BinaryValues.ReadParameter(ref reader, new ParameterType(type, Unsigned: false));
    }

    [Fact]
    public void AStringParameterThatIsNotUtf8StaysBytes()
    {
        Assert.Equal("héllo", Read(MySqlColumnType.VarString, "héllo"u8.ToArray()));
        byte[] binary = [0x00, 0xff, 0x7f, 0x80];
        Assert.Equal(binary, Read(MySqlColumnType.VarString, binary));
    }

    [Fact]
    public void ADecimalParameterWiderThanDecimalStaysExact()
    {
        Assert.Equal(12.50m, Read(MySqlColumnType.NewDecimal, "12.50"u8.ToArray()));
        const string Tiny = "0.000000000000000000000000000001";
        Assert.Equal(new ExactDecimal(Tiny), Read(MySqlColumnType.NewDecimal, System.Text.Encoding.ASCII.GetBytes(Tiny)));
        Assert.Equal(new ExactDecimal("1E-30"), Read(MySqlColumnType.NewDecimal, "1E-30"u8.ToArray()));
    }
}
