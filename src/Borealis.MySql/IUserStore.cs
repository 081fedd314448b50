using System.Diagnostics.CodeAnalysis;

namespace Borealis.MySql;

/// <summary>Where the server looks up accounts at connect time. Must be thread-safe.</summary>
public interface IUserStore
{
    bool TryGetUser(string name, [MaybeNullWhen(false)] out UserAccount account);
}
