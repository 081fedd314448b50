using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Borealis.MySql;

/// <summary>An in-memory, thread-safe <see cref="IUserStore"/>.</summary>
public sealed class UserStore : IUserStore
{
    readonly ConcurrentDictionary<string, UserAccount> _users = new(StringComparer.Ordinal);

    public UserStore(params IEnumerable<UserAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        foreach (var account in accounts)
            Set(account);
    }

    /// <summary>Adds or replaces an account.</summary>
    public void Set(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _users[account.Name] = account;
    }

    public bool Remove(string name) => _users.TryRemove(name, out _);

    public bool TryGetUser(string name, [MaybeNullWhen(false)] out UserAccount account) => _users.TryGetValue(name, out account);
}
