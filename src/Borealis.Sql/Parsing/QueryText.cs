using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Borealis.Sql.Parsing;

/// <summary>
/// Statement text as it comes from the wire, decoded without loss. A client may put any bytes inside a string literal
/// (mysqldump writes BLOB values as <c>'...'</c> with only <c>\0 \n \r \Z ' " \\</c> escaped), so the statement is not
/// always valid UTF-8. Valid sequences decode as usual; each byte of an invalid sequence becomes the lone surrogate
/// U+DC80 + (byte - 0x80), which valid UTF-8 never produces ("surrogate escape"). A string literal holding such
/// characters is a binary string: <see cref="ToBytes"/> gives back the exact bytes.
/// </summary>
public static class QueryText
{
    const char EscapeBase = '\uDC00';

    /// <summary>Decodes a statement; byte-exact for any input (see the class remarks).</summary>
    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8))
            return Encoding.UTF8.GetString(utf8);
        char[] buffer = ArrayPool<char>.Shared.Rent(utf8.Length);
        try
        {
            int written = 0;
            while (!utf8.IsEmpty)
            {
                var status = Utf8.ToUtf16(utf8, buffer.AsSpan(written), out int read, out int chars, replaceInvalidSequences: false);
                written += chars;
                utf8 = utf8[read..];
                if (status == OperationStatus.Done)
                    break;
                // InvalidData or NeedMoreData (a truncated sequence at the end): escape one byte and go on.
                buffer[written++] = (char)(EscapeBase + utf8[0]);
                utf8 = utf8[1..];
            }
            return new string(buffer, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>True when <paramref name="text"/> holds escaped bytes (it came from invalid UTF-8).</summary>
    public static bool HasRawBytes(string text) => IndexOfRawByte(text) >= 0;

    /// <summary>The bytes of <paramref name="text"/>: UTF-8, with escaped bytes written back as themselves.</summary>
    public static byte[] ToBytes(string text)
    {
        if (!HasRawBytes(text))
            return Encoding.UTF8.GetBytes(text);
        var output = new ArrayBufferWriter<byte>(text.Length * 3);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            int escaped = IndexOfRawByte(rest);
            var plain = escaped < 0 ? rest : rest[..escaped];
            if (!plain.IsEmpty)
            {
                var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(plain.Length));
                output.Advance(Encoding.UTF8.GetBytes(plain, span));
            }
            if (escaped < 0)
                break;
            output.GetSpan(1)[0] = (byte)(rest[escaped] - EscapeBase);
            output.Advance(1);
            rest = rest[(escaped + 1)..];
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The first escaped byte: a low surrogate in U+DC80..U+DCFF that is not the second half of a pair.</summary>
    static int IndexOfRawByte(ReadOnlySpan<char> text)
    {
        int offset = 0;
        while (true)
        {
            int i = text[offset..].IndexOfAnyInRange('\uDC80', '\uDCFF');
            if (i < 0)
                return -1;
            i += offset;
            if (i == 0 || !char.IsHighSurrogate(text[i - 1]))
                return i;
            offset = i + 1;
        }
    }
}
