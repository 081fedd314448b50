using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Borealis.Sql.Errors;
using SQLitePCL;

namespace Borealis.Sql.Execution;

/// <summary>
/// MySQL's address and identifier functions (INET_ATON, INET6_NTOA, UUID_TO_BIN, UUID_SHORT …), COMPRESS and
/// AES_ENCRYPT with their inverses, RANDOM_BYTES, COT, TO_SECONDS and JSON_PRETTY.
/// </summary>
internal static partial class SqlFunctions
{
    static long s_uuidShort = (1L << 56) + (DateTimeOffset.UtcNow.ToUnixTimeSeconds() << 24);

    static void RegisterMisc(sqlite3 db, FunctionState state)
    {
        Scalar(db, state, "__bx_inet_aton", 1, a => a[0] is null ? null : InetAton(Text(a[0])));
        Scalar(db, state, "__bx_inet_ntoa", 1, a => a[0] is not null && ToInteger(a[0]) is long n and >= 0 and <= uint.MaxValue
            ? $"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}" : null);
        Scalar(db, state, "__bx_inet6_aton", 1, a => a[0] is null ? null : ParseAddress(Text(a[0]))?.GetAddressBytes());
        Scalar(db, state, "__bx_inet6_ntoa", 1, a => a[0] is byte[] { Length: 4 or 16 } b ? FormatAddress(b) : null);
        Scalar(db, state, "__bx_is_ipv4", 1, a => a[0] is not null && ParseAddress(Text(a[0])) is { AddressFamily: AddressFamily.InterNetwork } ? 1L : 0L);
        Scalar(db, state, "__bx_is_ipv6", 1, a => a[0] is not null && ParseAddress(Text(a[0])) is { AddressFamily: AddressFamily.InterNetworkV6 } ? 1L : 0L);
        Scalar(db, state, "__bx_is_ipv4_compat", 1, a => a[0] is byte[] { Length: 16 } b && b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 ? 1L : 0L);
        Scalar(db, state, "__bx_is_ipv4_mapped", 1, a => a[0] is byte[] { Length: 16 } b && b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0
            && b[10] == 0xff && b[11] == 0xff ? 1L : 0L);

        Scalar(db, state, "__bx_is_uuid", 1, a => a[0] is null ? null : UuidBytes(Text(a[0])) is null ? 0L : 1L);
        Scalar(db, state, "__bx_uuid_to_bin", -1, a =>
        {
            if (a.Length is < 1 or > 2)
                throw MySqlErrors.WrongParameterCount("UUID_TO_BIN");
            if (a[0] is null)
                return null;
            var bytes = UuidBytes(Text(a[0])) ?? throw MySqlErrors.WrongValueForFunction("string", Text(a[0]), "uuid_to_bin");
            return a.Length == 2 && a[1] is not null && Num(a[1]) != 0 ? SwapUuid(bytes, toBinary: true) : bytes;
        });
        Scalar(db, state, "__bx_bin_to_uuid", -1, a =>
        {
            if (a.Length is < 1 or > 2)
                throw MySqlErrors.WrongParameterCount("BIN_TO_UUID");
            if (a[0] is null)
                return null;
            if (a[0] is not byte[] { Length: 16 } bytes)
                throw MySqlErrors.WrongValueForFunction("string", Text(a[0]), "bin_to_uuid");
            if (a.Length == 2 && a[1] is not null && Num(a[1]) != 0)
                bytes = SwapUuid(bytes, toBinary: false);
            string hex = Convert.ToHexStringLower(bytes);
            return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        });
        Scalar(db, state, "__bx_uuid_short", 0, _ => Interlocked.Increment(ref s_uuidShort) - 1);

        Scalar(db, state, "__bx_random_bytes", 1, a =>
        {
            if (a[0] is null)
                return null;
            long n = ToInteger(a[0]) ?? 0;
            if (n is < 1 or > 1024)
                throw MySqlErrors.ValueOutOfRange("length", "random_bytes");
            return RandomNumberGenerator.GetBytes((int)n);
        });
        Scalar(db, state, "__bx_compress", 1, a => a[0] is null ? null : Compress(Bytes(a[0])));
        Scalar(db, state, "__bx_uncompress", 1, a => a[0] is null ? null : Uncompress(Bytes(a[0])));
        Scalar(db, state, "__bx_uncompressed_length", 1, a => a[0] is null ? null
            : Bytes(a[0]) is { Length: >= 4 } b ? (long)(BinaryPrimitives.ReadUInt32LittleEndian(b) & 0x3FFFFFFF) : 0L);
        Scalar(db, state, "__bx_aes_encrypt", -1, a =>
        {
            if (a.Length < 2 || a[0] is null || a[1] is null)
                return null;
            using var aes = AesKey(Bytes(a[1]));
            return aes.EncryptEcb(Bytes(a[0]), PaddingMode.PKCS7);
        });
        Scalar(db, state, "__bx_aes_decrypt", -1, a =>
        {
            if (a.Length < 2 || a[0] is null || a[1] is null)
                return null;
            var data = Bytes(a[0]);
            if (data.Length == 0 || data.Length % 16 != 0)
                return null;
            using var aes = AesKey(Bytes(a[1]));
            try
            {
                return aes.DecryptEcb(data, PaddingMode.PKCS7);
            }
            catch (CryptographicException)
            {
                return null; // a wrong key or data that was not encrypted: MySQL returns NULL
            }
        });

        // Integer arithmetic checked for 64-bit overflow: (left, right, operator, and the names of column operands for
        // the message; an operand without one is shown by its value).
        Scalar(db, state, "__bx_int_op", 5, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            string op = Text(a[2]);
            if (a[0] is long x && a[1] is long y)
            {
                try
                {
                    return checked(op switch { "+" => x + y, "-" => x - y, _ => x * y });
                }
                catch (OverflowException)
                {
                    throw MySqlErrors.ValueOutOfRange("BIGINT", $"({(a[3] is null ? Text(x) : Text(a[3]))} {op} {(a[4] is null ? Text(y) : Text(a[4]))})");
                }
            }
            double l = Num(a[0]), r = Num(a[1]);
            return op switch { "+" => l + r, "-" => l - r, _ => l * r };
        });
        Scalar(db, state, "__bx_cot", 1, a =>
        {
            if (a[0] is null)
                return null;
            double x = Num(a[0]);
            double tan = Math.Tan(x);
            if (tan == 0)
                throw MySqlErrors.ValueOutOfRange("DOUBLE", "cot(" + Text(a[0]) + ")");
            return 1 / tan;
        });
        Scalar(db, state, "__bx_to_seconds", 1, a => DatePart(a, d =>
            ToDays(d) * 86400 + (long)d.TimeOfDay.TotalSeconds));
        // TIME(expr): the time of a datetime, or the value as a TIME, keeping as many fraction digits as it has.
        Scalar(db, state, "__bx_time_of", 1, a =>
        {
            if (a[0] is null)
                return null;
            string text = Text(a[0]).Trim();
            int dot = text.LastIndexOf('.');
            int digits = dot < 0 ? 0 : Math.Min(6, text.Length - dot - 1);
            if (a[0] is string && text.Length > 10 && text.Contains('-', StringComparison.Ordinal) && ParseDateTime(text, out _) is { } dt)
            {
                string time = dt.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
                return digits == 0 ? time : time + "." + dt.ToString("ffffff", CultureInfo.InvariantCulture)[..digits];
            }
            return ValueCoercion.ParseTime(a[0]!, digits);
        });
        Scalar(db, state, "__bx_json_pretty", 1, a =>
        {
            if (a[0] is null)
                return null;
            using var doc = JsonText.Parse(a[0]!, "json_pretty");
            var sb = new StringBuilder();
            JsonText.WritePretty(doc.RootElement, sb, 0);
            return sb.ToString();
        });
    }

    static long? ToInteger(object? v) => v switch
    {
        long l => l,
        double d => (long)Math.Round(d, MidpointRounding.AwayFromZero),
        _ => long.TryParse(Text(v).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : double.TryParse(Text(v).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? (long)Math.Round(f, MidpointRounding.AwayFromZero) : null,
    };

    /// <summary>MySQL's INET_ATON: dotted decimal with 1 to 4 parts ('127.1' is 127.0.0.1), or NULL.</summary>
    static object? InetAton(string text)
    {
        ulong result = 0;
        uint part = 0;
        int dots = 0;
        char last = '.';
        foreach (char c in text)
        {
            last = c;
            if (c is >= '0' and <= '9')
            {
                part = part * 10 + (uint)(c - '0');
                if (part > 255)
                    return null;
            }
            else if (c == '.')
            {
                dots++;
                result = (result << 8) + part;
                part = 0;
            }
            else
            {
                return null;
            }
        }
        if (last == '.')
            return null; // empty, or ending with a dot
        // The last part fills the low byte; the parts before it the high ones ('127.1': 127 << 24 | 1). More than
        // four parts shift on past 32 bits, as in MySQL.
        if (dots < 3)
            result <<= 8 * (3 - dots);
        return (long)((result << 8) + part);
    }

    /// <summary>An IPv4 address in four dotted parts or an IPv6 address, as INET6_ATON and IS_IPV4/IS_IPV6 take them.</summary>
    static IPAddress? ParseAddress(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return text.IndexOfAny(['%', '[', ']', '/']) < 0 && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? v6 : null;
        }
        var parts = text.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || int.Parse(p, CultureInfo.InvariantCulture) > 255))
            return null;
        return new IPAddress(parts.Select(p => byte.Parse(p, CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>INET6_NTOA's text: dotted for 4 bytes; IPv6 for 16, with IPv4-compatible and -mapped ones ending dotted.</summary>
    static string FormatAddress(byte[] b)
    {
        if (b.Length == 4)
            return new IPAddress(b).ToString();
        bool zeros12 = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        bool mapped = b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xff && b[11] == 0xff;
        string v4 = $"{b[12]}.{b[13]}.{b[14]}.{b[15]}";
        if (mapped)
            return "::ffff:" + v4;
        // :: and ::1 stay as they are; other addresses whose first 96 bits are zero are IPv4-compatible.
        if (zeros12 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1))
            return "::" + v4;
        return new IPAddress(b).ToString();
    }

    /// <summary>The 16 bytes of a UUID written as 32 hex digits, optionally with the four dashes, optionally in braces.</summary>
    static byte[]? UuidBytes(string text)
    {
        var s = text.AsSpan();
        if (s.Length == 38 && s[0] == '{' && s[^1] == '}')
            s = s[1..^1];
        string hex;
        if (s.Length == 36)
        {
            if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
                return null;
            hex = string.Concat(s[..8], s[9..13], s[14..18], s[19..23]) + s[24..].ToString();
        }
        else if (s.Length == 32)
        {
            hex = s.ToString();
        }
        else
        {
            return null;
        }
        return hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : null;
    }

    /// <summary>UUID_TO_BIN(…, 1) puts the time-high group first and the time-low group after time-mid; BIN_TO_UUID(…, 1) undoes it.</summary>
    static byte[] SwapUuid(byte[] b, bool toBinary)
    {
        var r = new byte[16];
        if (toBinary)
        {
            b.AsSpan(6, 2).CopyTo(r.AsSpan(0));
            b.AsSpan(4, 2).CopyTo(r.AsSpan(2));
            b.AsSpan(0, 4).CopyTo(r.AsSpan(4));
        }
        else
        {
            b.AsSpan(4, 4).CopyTo(r.AsSpan(0));
            b.AsSpan(2, 2).CopyTo(r.AsSpan(4));
            b.AsSpan(0, 2).CopyTo(r.AsSpan(6));
        }
        b.AsSpan(8).CopyTo(r.AsSpan(8));
        return r;
    }

    /// <summary>COMPRESS: the length (4 bytes, little-endian), then the zlib stream; '.' added when it ends in a space.</summary>
    static byte[] Compress(byte[] data)
    {
        if (data.Length == 0)
            return [];
        using var output = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)data.Length);
        output.Write(length);
        using (var z = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(data);
        if (output.GetBuffer()[output.Length - 1] == (byte)' ')
            output.WriteByte((byte)'.');
        return output.ToArray();
    }

    static byte[]? Uncompress(byte[] data)
    {
        if (data.Length == 0)
            return [];
        if (data.Length <= 4)
            return null;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data) & 0x3FFFFFFF;
        if (length > 64 << 20)
            return null; // larger than max_allowed_packet: MySQL returns NULL
        try
        {
            using var z = new ZLibStream(new MemoryStream(data, 4, data.Length - 4), CompressionMode.Decompress);
            var result = new byte[length];
            z.ReadExactly(result);
            return result;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>AES-128 in ECB mode (block_encryption_mode's default) with MySQL's key: the key's bytes XORed into 16.</summary>
    static Aes AesKey(byte[] key)
    {
        var folded = new byte[16];
        for (int i = 0; i < key.Length; i++)
            folded[i % 16] ^= key[i];
        var aes = Aes.Create();
        aes.Key = folded;
        return aes;
    }
}
