using Borealis.MySql.Auth;

namespace Borealis.MySql;

/// <summary>
/// A MySQL account as the server authenticates it. Only password hashes are kept.
/// </summary>
/// <param name="Name">The user name.</param>
/// <param name="NativePasswordHash">SHA1(SHA1(password)) for mysql_native_password; empty for an empty password.</param>
/// <param name="Sha256PasswordHash">SHA256(SHA256(password)) for caching_sha2_password; empty for an empty password.</param>
/// <param name="DefaultPlugin">The plugin the account authenticates with: <see cref="AuthPlugins.CachingSha2Password"/> or <see cref="AuthPlugins.NativePassword"/>.</param>
public sealed record UserAccount(string Name, byte[] NativePasswordHash, byte[] Sha256PasswordHash, string DefaultPlugin)
{
    /// <summary>An account with both hashes of <paramref name="password"/>.</summary>
    public static UserAccount FromPassword(string name, string password, string defaultPlugin = AuthPlugins.CachingSha2Password)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(password);
        if (!AuthPlugins.IsSupported(defaultPlugin))
            throw new ArgumentException($"Unsupported authentication plugin '{defaultPlugin}'.", nameof(defaultPlugin));
        return new UserAccount(name, NativePassword.Hash(password), CachingSha2Password.Hash(password), defaultPlugin);
    }
}
