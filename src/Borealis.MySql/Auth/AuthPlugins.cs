namespace Borealis.MySql.Auth;

/// <summary>The authentication plugin names the server speaks.</summary>
public static class AuthPlugins
{
    /// <summary>SHA1 challenge-response (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods_native_password_authentication.html).</summary>
    public const string NativePassword = "mysql_native_password";

    /// <summary>MySQL 8.0's default (https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html).</summary>
    public const string CachingSha2Password = "caching_sha2_password";

    public static bool IsSupported(string? name) => name is NativePassword or CachingSha2Password;
}
