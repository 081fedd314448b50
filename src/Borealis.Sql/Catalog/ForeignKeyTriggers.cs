using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using SQLitePCL;

namespace Borealis.Sql.Catalog;

/// <summary>
/// Enforces FOREIGN KEYs with SQLite triggers generated from the catalog (see docs/sql-layer.md, "Foreign keys"):
/// on the child, AFTER INSERT / AFTER UPDATE OF the key columns check that the parent row exists (1452); on the
/// parent, AFTER DELETE / AFTER UPDATE OF the referenced columns refuse (1451), cascade or set NULL, row by row
/// as InnoDB does. Every trigger is guarded by <c>__bx_fkc()</c>, the session's foreign_key_checks. A failing
/// check raises <c>__bx_fk:CODE:constraint</c>, which <see cref="SqliteUtil.Translate"/> turns into 1451/1452.
/// </summary>
internal static class ForeignKeyTriggers
{
    /// <summary>Prefix of every trigger name (SQLite schema objects, never shown to clients).</summary>
    const string NamePrefix = "__bx_fk/";

    /// <summary>Prefix of the message a failing check raises: <c>__bx_fk:1451:</c> or <c>__bx_fk:1452:</c> then the constraint.</summary>
    public const string ErrorPrefix = "__bx_fk:";

    /// <summary>
    /// Makes the FK triggers in the database match the catalog as it stands in the current (DDL) transaction:
    /// drops the ones no longer wanted or whose text changed, creates the missing ones. Cheap when nothing changed.
    /// </summary>
    public static void Sync(sqlite3 db)
    {
        var desired = new Dictionary<string, string>(StringComparer.Ordinal);
        var children = CatalogStore.LoadTablesWithForeignKeys(db);
        if (children.Count > 0)
        {
            var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var row in SqliteUtil.Query(db, "SELECT schema_name || '/' || table_name FROM __bx_tables WHERE engine IS NOT NULL"))
                tables.Add((string)row[0]!);
            foreach (var child in children)
            {
                foreach (var fk in child.ForeignKeys)
                {
                    foreach (var (name, body) in Build(child, fk, tables.Contains(fk.ParentSqliteName)))
                        desired[name] = body;
                }
            }
        }
        var existing = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in SqliteUtil.Query(db, "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND substr(name, 1, 8) = ?", NamePrefix))
            existing[(string)row[0]!] = (string)row[1]!;
        foreach (var (name, sql) in existing)
        {
            if (!desired.TryGetValue(name, out var body) || sql != Stored(name, body))
                SqliteUtil.Exec(db, "DROP TRIGGER IF EXISTS main." + SqliteUtil.Quote(name));
        }
        foreach (var (name, body) in desired)
        {
            if (!existing.TryGetValue(name, out var sql) || sql != Stored(name, body))
                SqliteUtil.Exec(db, "CREATE TRIGGER main." + SqliteUtil.Quote(name) + " " + body);
        }
    }

    /// <summary>The text SQLite keeps in sqlite_master for a trigger created as "CREATE TRIGGER main.name body".</summary>
    static string Stored(string name, string body) => "CREATE TRIGGER " + SqliteUtil.Quote(name) + " " + body;

    /// <summary>The triggers of one foreign key: name and the text after "CREATE TRIGGER name".</summary>
    static IEnumerable<(string Name, string Body)> Build(TableInfo child, ForeignKeyInfo fk, bool parentExists)
    {
        string prefix = NamePrefix + child.SqliteName + "/" + fk.Name + "/";
        string childTable = SqliteUtil.Quote(child.SqliteName);
        string parentTable = SqliteUtil.Quote(fk.ParentSqliteName);
        string constraint = fk.Describe(child);
        string raise1452 = $"SELECT RAISE(ABORT, {SqliteUtil.QuoteString(ErrorPrefix + "1452:" + constraint)});";
        string raise1451 = $"SELECT RAISE(ABORT, {SqliteUtil.QuoteString(ErrorPrefix + "1451:" + constraint)});";
        var childCols = fk.Columns.Select(SqliteUtil.Quote).ToList();
        var parentCols = fk.ParentColumns.Select(SqliteUtil.Quote).ToList();
        string newNotNull = string.Join(" AND ", childCols.Select(c => $"NEW.{c} IS NOT NULL"));
        // A parent row matching the child row NEW (compared under the parent column's collation, as its index is).
        string parentMatch = string.Join(" AND ", parentCols.Select((p, i) => $"{p} = NEW.{childCols[i]}"));
        string missingParent = parentExists ? $" AND NOT EXISTS (SELECT 1 FROM {parentTable} WHERE {parentMatch})" : "";
        string childChanged = string.Join(" OR ", childCols.Select(c => $"NEW.{c} IS NOT OLD.{c}"));

        yield return (prefix + "ins", $"AFTER INSERT ON {childTable} FOR EACH ROW WHEN __bx_fkc() AND {newNotNull}{missingParent} BEGIN {raise1452} END");
        yield return (prefix + "upd", $"AFTER UPDATE OF {string.Join(", ", childCols)} ON {childTable} FOR EACH ROW WHEN __bx_fkc() AND {newNotNull} AND ({childChanged}){missingParent} BEGIN {raise1452} END");
        if (!parentExists)
            yield break;

        // Child rows of the parent row OLD (compared under the child column's collation, as the child's index is).
        string childrenOfOld = string.Join(" AND ", childCols.Select((c, i) => $"{c} = OLD.{parentCols[i]}"));
        string anyChild = $"EXISTS (SELECT 1 FROM {childTable} WHERE {childrenOfOld})";
        string setNull = $"UPDATE {childTable} SET {string.Join(", ", childCols.Select(c => c + " = NULL"))} WHERE {childrenOfOld};";
        string deleteAction = fk.OnDelete switch
        {
            "CASCADE" => $"WHEN __bx_fkc() BEGIN DELETE FROM {childTable} WHERE {childrenOfOld}; END",
            "SET NULL" => $"WHEN __bx_fkc() BEGIN {setNull} END",
            _ => $"WHEN __bx_fkc() AND {anyChild} BEGIN {raise1451} END",
        };
        yield return (prefix + "del", $"AFTER DELETE ON {parentTable} FOR EACH ROW {deleteAction}");

        string parentChanged = string.Join(" OR ", parentCols.Select(p => $"NEW.{p} IS NOT OLD.{p}"));
        string updateAction = fk.OnUpdate switch
        {
            "CASCADE" => $"BEGIN UPDATE {childTable} SET {string.Join(", ", childCols.Select((c, i) => $"{c} = NEW.{parentCols[i]}"))} WHERE {childrenOfOld}; END",
            "SET NULL" => $"BEGIN {setNull} END",
            _ => $"AND {anyChild} BEGIN {raise1451} END",
        };
        yield return (prefix + "pup", $"AFTER UPDATE OF {string.Join(", ", parentCols)} ON {parentTable} FOR EACH ROW WHEN __bx_fkc() AND ({parentChanged}) {updateAction}");
    }

    /// <summary>The MySQL error for a message raised by one of these triggers, or null for any other message.</summary>
    public static MySqlErrorException? ErrorFor(string message)
    {
        if (!message.StartsWith(ErrorPrefix, StringComparison.Ordinal))
            return null;
        string rest = message[ErrorPrefix.Length..];
        if (rest.StartsWith("1451:", StringComparison.Ordinal))
            return MySqlErrors.RowIsReferenced(rest[5..]);
        if (rest.StartsWith("1452:", StringComparison.Ordinal))
            return MySqlErrors.NoReferencedRow(rest[5..]);
        return null;
    }
}
