using System.Security.Cryptography;
using System.Text;

// mysql_native_password is defined on SHA1; the protocol leaves no choice.
#pragma warning disable CA5350

namespace Borealis.MySql.Auth;

/// <summary>
/// mysql_native_password: the client sends SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))); the server keeps
/// SHA1(SHA1(pw)) and checks that SHA1 of the recovered SHA1(pw) equals it.
/// </summary>
internal static class NativePassword
{
    /// <summary>SHA1(SHA1(password)), or empty for an empty password.</summary>
    public static byte[] Hash(string password) =>
        password.Length == 0 ? [] : SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password)));

    /// <summary>What a client sends for <paramref name="password"/> (used by tests).</summary>
    public static byte[] Scramble(string password, ReadOnlySpan<byte> scramble)
    {
        if (password.Length == 0)
            return [];
        var stage1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var stage2 = SHA1.HashData(stage1);
        var mix = SHA1.HashData([.. scramble, .. stage2]);
        for (var i = 0; i < stage1.Length; i++)
            stage1[i] ^= mix[i];
        return stage1;
    }

    public static bool Verify(ReadOnlySpan<byte> scramble, ReadOnlySpan<byte> response, ReadOnlySpan<byte> storedHash)
    {
        if (storedHash.IsEmpty || response.IsEmpty)
            return storedHash.IsEmpty && response.IsEmpty;
        if (response.Length != SHA1.HashSizeInBytes || storedHash.Length != SHA1.HashSizeInBytes)
            return false;
        Span<byte> mix = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData([.. scramble, .. storedHash], mix);
        for (var i = 0; i < mix.Length; i++)
            mix[i] ^= response[i];
        Span<byte> candidate = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(mix, candidate);
        return CryptographicOperations.FixedTimeEquals(candidate, storedHash);
    }
}
