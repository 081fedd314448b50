namespace Borealis.Sql;

/// <summary>An account the server accepts, as <c>mysql.user</c> lists it (the SQL layer never sees passwords).</summary>
/// <param name="User">The user name.</param>
/// <param name="Plugin">The authentication plugin, e.g. caching_sha2_password.</param>
public sealed record AccountInfo(string User, string Plugin);
