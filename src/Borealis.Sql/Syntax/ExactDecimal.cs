using System.Globalization;

namespace Borealis.Sql.Syntax;

/// <summary>
/// A numeric literal with more digits than <see cref="decimal"/> keeps (more than 28 digits, or more than 28 after
/// the point), such as PyMySQL's Decimal parameters for DECIMAL(65,30). Stored into a DECIMAL column it is exact
/// (the text is normalised by ValueCoercion); anywhere else it is bound as its nearest double, as DECIMAL
/// arithmetic beyond 15 digits is approximate (docs/sql-layer.md). A DECIMAL parameter of COM_STMT_EXECUTE with
/// such digits arrives as one too.
/// </summary>
public sealed record ExactDecimal(string Text)
{
    public double Approximate => double.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>True when <see cref="decimal"/> holds <paramref name="text"/> (digits and one point) exactly; false for
    /// an exponent form, which may hold any number of digits.</summary>
    public static bool FitsDecimal(string text)
    {
        if (text.Contains('e', StringComparison.OrdinalIgnoreCase))
            return false;
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        string whole = (dot < 0 ? text : text[..dot]).TrimStart('+', '-').TrimStart('0');
        string fraction = dot < 0 ? "" : text[(dot + 1)..].TrimEnd('0');
        return fraction.Length <= 28 && whole.Length + fraction.Length <= 28;
    }

    public override string ToString() => Text;
}
