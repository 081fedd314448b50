using System.Security.Cryptography;
using System.Text;

namespace Borealis.MySql.Auth;

/// <summary>
/// caching_sha2_password. Fast authentication: the client sends SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble);
/// the server keeps SHA256(SHA256(pw)). Full authentication: the password itself, in clear over TLS or
/// RSA-OAEP-encrypted (XORed with the scramble) over plain TCP.
/// </summary>
internal static class CachingSha2Password
{
    /// <summary>AuthMoreData byte: fast authentication succeeded, an OK follows.</summary>
    public const byte FastAuthSuccess = 0x03;

    /// <summary>AuthMoreData byte: send the password (full authentication).</summary>
    public const byte PerformFullAuthentication = 0x04;

    /// <summary>What a client sends (after full authentication was asked for) to get the server's RSA public key.</summary>
    public const byte RequestPublicKey = 0x02;

    /// <summary>SHA256(SHA256(password)), or empty for an empty password.</summary>
    public static byte[] Hash(string password) =>
        password.Length == 0 ? [] : SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    /// <summary>What a client sends for fast authentication (used by tests).</summary>
    public static byte[] Scramble(string password, ReadOnlySpan<byte> scramble)
    {
        if (password.Length == 0)
            return [];
        var stage1 = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        var stage2 = SHA256.HashData(stage1);
        var mix = SHA256.HashData([.. stage2, .. scramble]);
        for (var i = 0; i < stage1.Length; i++)
            stage1[i] ^= mix[i];
        return stage1;
    }

    public static bool VerifyFast(ReadOnlySpan<byte> scramble, ReadOnlySpan<byte> response, ReadOnlySpan<byte> storedHash)
    {
        if (response.Length != SHA256.HashSizeInBytes || storedHash.Length != SHA256.HashSizeInBytes)
            return false;
        Span<byte> mix = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData([.. storedHash, .. scramble], mix);
        for (var i = 0; i < mix.Length; i++)
            mix[i] ^= response[i];
        Span<byte> candidate = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(mix, candidate);
        return CryptographicOperations.FixedTimeEquals(candidate, storedHash);
    }

    public static bool VerifyClear(ReadOnlySpan<byte> password, ReadOnlySpan<byte> storedHash)
    {
        if (password.IsEmpty || storedHash.IsEmpty)
            return password.IsEmpty && storedHash.IsEmpty;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(password, hash);
        SHA256.HashData(hash, hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

    /// <summary>
    /// Recovers the password from an RSA-encrypted full-authentication reply: decrypt (OAEP-SHA1, or PKCS#1 v1.5 as
    /// pre-8.0.5 clients use), XOR with the scramble, drop the trailing NUL.
    /// </summary>
    public static bool TryDecryptPassword(RSA key, ReadOnlySpan<byte> encrypted, ReadOnlySpan<byte> scramble, out byte[] password)
    {
        password = [];
        byte[] plain;
        try
        {
            plain = key.Decrypt(encrypted.ToArray(), RSAEncryptionPadding.OaepSHA1);
        }
        catch (CryptographicException)
        {
            try
            {
                plain = key.Decrypt(encrypted.ToArray(), RSAEncryptionPadding.Pkcs1);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
        if (scramble.IsEmpty)
            return false;
        for (var i = 0; i < plain.Length; i++)
            plain[i] ^= scramble[i % scramble.Length];
        var end = Array.IndexOf(plain, (byte)0);
        password = end < 0 ? plain : plain[..end];
        return true;
    }

    /// <summary>Strips the NUL a client appends to a clear-text password.</summary>
    public static ReadOnlySpan<byte> TrimNul(ReadOnlySpan<byte> password)
    {
        var end = password.IndexOf((byte)0);
        return end < 0 ? password : password[..end];
    }
}
