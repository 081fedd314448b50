using System.Buffers;
using System.Text;

namespace Borealis.Sql.Parsing;

/// <summary>
/// The text of a COM_QUERY / COM_STMT_PREPARE payload. Clients put binary values into the query as raw bytes
/// (MySqlConnector's <c>_binary'…'</c>, PyMySQL's <c>'…'</c> for bytes, only quotes, backslashes and NUL escaped),
/// so the payload need not be UTF-8. Valid UTF-8 decodes as usual; every other byte b becomes the lone surrogate
/// U+DC00+b (Python's "surrogateescape"), which no UTF-8 text can produce, and <see cref="GetBytes"/> turns it back
/// into b, so a binary literal reaches its column byte for byte.
/// </summary>
public static class QueryText
{
    const char EscapeBase = '\uDC00';

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
            return Encoding.UTF8.GetString(bytes);
        var sb = new StringBuilder(bytes.Length);
        Span<char> pair = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int consumed) == OperationStatus.Done)
            {
                sb.Append(pair[..rune.EncodeToUtf16(pair)]);
            }
            else
            {
                consumed = 1;
                sb.Append((char)(EscapeBase + bytes[0]));
            }
            bytes = bytes[consumed..];
        }
        return sb.ToString();
    }

    /// <summary>UTF-8 of <paramref name="text"/>, with the escaped bytes of <see cref="Decode"/> restored.</summary>
    public static byte[] GetBytes(string text)
    {
        if (!HasEscapes(text))
            return Encoding.UTF8.GetBytes(text);
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (IsEscape(text, i))
            {
                bytes.Add((byte)(c - EscapeBase));
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int n = new Rune(c, text[i + 1]).EncodeToUtf8(utf8);
                bytes.AddRange(utf8[..n]);
                i++;
                continue;
            }
            int m = (Rune.TryCreate(c, out var rune) ? rune : Rune.ReplacementChar).EncodeToUtf8(utf8);
            bytes.AddRange(utf8[..m]);
        }
        return [.. bytes];
    }

    /// <summary>True when <paramref name="text"/> holds a byte <see cref="Decode"/> could not read as UTF-8.</summary>
    public static bool HasEscapes(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (IsEscape(text, i))
                return true;
        }
        return false;
    }

    /// <summary>A lone low surrogate U+DC80..U+DCFF (the second half of a real surrogate pair is not one).</summary>
    static bool IsEscape(string text, int i) => text[i] is >= '\uDC80' and <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
}
