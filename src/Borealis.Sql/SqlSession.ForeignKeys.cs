using System.Globalization;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using Borealis.Sql.Syntax;

namespace Borealis.Sql;

/// <summary>FOREIGN KEY definitions in DDL: validation as MySQL 8.0 does it, and keeping references right on renames.</summary>
internal sealed partial class SqlSession
{
    /// <summary>
    /// Adds a FOREIGN KEY to <paramref name="table"/> (the definition being built): names it, checks it against the
    /// parent (unless foreign_key_checks=0 and the parent does not exist), and adds an index on the child columns
    /// when none starts with them, as InnoDB does.
    /// </summary>
    void AddForeignKey(TableInfo table, ForeignKeySpec spec, CatalogSnapshot catalog)
    {
        if (spec.OnDelete == "SET DEFAULT" || spec.OnUpdate == "SET DEFAULT")
            throw MySqlErrors.NotSupportedYet("SET DEFAULT in a FOREIGN KEY");
        string name = spec.Name ?? NextForeignKeyName(table);
        if (table.ForeignKeys.Any(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            || catalog.FindSchema(table.Schema) is { } schema && schema.Tables.Values.Any(t => !t.Name.Equals(table.Name, StringComparison.OrdinalIgnoreCase)
                && t.ForeignKeys.Any(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))))
            throw MySqlErrors.DuplicateForeignKeyName(name);
        var columns = new List<ColumnInfo>();
        foreach (var c in spec.Columns)
            columns.Add(table.FindColumn(c) ?? throw MySqlErrors.KeyColumnDoesNotExist(c));
        if (spec.Columns.Count != spec.ParentColumns.Count || spec.Columns.Distinct(StringComparer.OrdinalIgnoreCase).Count() != spec.Columns.Count)
            throw MySqlErrors.ForeignKeyColumnCountMismatch(spec.Name ?? "foreign key without name");
        string parentSchema = spec.Parent.Schema ?? table.Schema;
        bool self = parentSchema.Equals(table.Schema, StringComparison.OrdinalIgnoreCase) && spec.Parent.Name.Equals(table.Name, StringComparison.OrdinalIgnoreCase);
        var parent = self ? table : catalog.FindTable(parentSchema, spec.Parent.Name);
        if (parent is { IsView: true })
            throw MySqlErrors.ForeignKeyParentMissing(spec.Parent.Name);
        var fk = new ForeignKeyInfo
        {
            Name = name,
            Columns = columns.Select(c => c.Name).ToList(),
            ParentSchema = parent?.Schema ?? parentSchema,
            ParentTable = parent?.Name ?? spec.Parent.Name,
            ParentColumns = [.. spec.ParentColumns],
            OnDelete = spec.OnDelete ?? "",
            OnUpdate = spec.OnUpdate ?? "",
        };
        if (parent is null)
        {
            if (_state.ForeignKeyChecks)
                throw MySqlErrors.ForeignKeyParentMissing(spec.Parent.Name);
        }
        else
        {
            for (int i = 0; i < spec.ParentColumns.Count; i++)
            {
                var parentColumn = parent.FindColumn(spec.ParentColumns[i]) ?? throw MySqlErrors.ForeignKeyMissingParentColumn(spec.ParentColumns[i], name, parent.Name);
                fk.ParentColumns[i] = parentColumn.Name;
                if (!CompatibleForeignKeyColumns(columns[i], parentColumn))
                    throw MySqlErrors.ForeignKeyIncompatibleColumns(columns[i].Name, parentColumn.Name, name);
            }
            if (!HasIndexStartingWith(parent, fk.ParentColumns))
                throw MySqlErrors.ForeignKeyMissingParentIndex(name, parent.Name);
        }
        if ((fk.OnDelete == "SET NULL" || fk.OnUpdate == "SET NULL") && columns.FirstOrDefault(c => c.NotNull) is { } notNull)
            throw MySqlErrors.ForeignKeySetNullOnNotNull(notNull.Name, name);
        if (!HasIndexStartingWith(table, fk.Columns))
        {
            AddIndex(table, new IndexSpec(spec.Name ?? spec.IndexName, "INDEX", fk.Columns));
            table.Indexes[^1].ForForeignKey = true;
        }
        table.ForeignKeys.Add(fk);
    }

    /// <summary>MySQL's generated name: <c>table_ibfk_N</c>, N one more than the highest such name of the table.</summary>
    static string NextForeignKeyName(TableInfo table)
    {
        string prefix = table.Name + "_ibfk_";
        int max = 0;
        foreach (var fk in table.ForeignKeys)
        {
            if (fk.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && int.TryParse(fk.Name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                max = Math.Max(max, n);
        }
        return prefix + (max + 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>True when an index (the primary key included) has <paramref name="columns"/> as its leading columns.</summary>
    static bool HasIndexStartingWith(TableInfo table, List<string> columns) =>
        table.Indexes.Any(i => StartsWith(i.Columns, columns));

    /// <summary>True when <paramref name="columns"/> are the leading columns of <paramref name="indexColumns"/> (names compare case-insensitively).</summary>
    static bool StartsWith(List<string> indexColumns, List<string> columns) =>
        indexColumns.Count >= columns.Count
        && columns.Select((c, k) => indexColumns[k].Equals(c, StringComparison.OrdinalIgnoreCase)).All(x => x);

    /// <summary>
    /// MySQL's rule for a child and a parent column: integer and DECIMAL types of the same size and sign, strings of the
    /// same character set and collation (any length), otherwise the same type.
    /// </summary>
    static bool CompatibleForeignKeyColumns(ColumnInfo child, ColumnInfo parent)
    {
        if (child.IsString || parent.IsString)
        {
            return child.DataType is "char" or "varchar" && parent.DataType is "char" or "varchar"
                && string.Equals(child.Charset, parent.Charset, StringComparison.OrdinalIgnoreCase)
                && string.Equals(child.Collation, parent.Collation, StringComparison.OrdinalIgnoreCase);
        }
        if (child.IsBinary || parent.IsBinary)
            return child.DataType is "binary" or "varbinary" && parent.DataType is "binary" or "varbinary";
        if (child.DataType != parent.DataType)
            return false;
        return child.DataType switch
        {
            "tinyint" or "smallint" or "mediumint" or "int" or "bigint" => child.Unsigned == parent.Unsigned,
            "decimal" => child.Unsigned == parent.Unsigned && (child.Length ?? 10) == (parent.Length ?? 10) && (child.Scale ?? 0) == (parent.Scale ?? 0),
            _ => true,
        };
    }

    /// <summary>ALTER TABLE ADD FOREIGN KEY with foreign_key_checks=1: the rows already there must have their parent (1452).</summary>
    void CheckExistingRows(TableInfo table, ForeignKeyInfo fk, CatalogSnapshot catalog)
    {
        bool self = fk.References(table.Schema, table.Name);
        if (!_state.ForeignKeyChecks || !self && catalog.FindTable(fk.ParentSchema, fk.ParentTable) is null)
            return;
        var childCols = fk.Columns.Select(SqliteUtil.Quote).ToList();
        string notNull = string.Join(" AND ", childCols.Select(c => "c." + c + " IS NOT NULL"));
        string match = string.Join(" AND ", fk.ParentColumns.Select((p, i) => $"p.{SqliteUtil.Quote(p)} = c.{childCols[i]}"));
        var orphan = SqliteUtil.Query(_db, $"SELECT 1 FROM main.{SqliteUtil.Quote(table.SqliteName)} AS c WHERE {notNull} AND NOT EXISTS "
            + $"(SELECT 1 FROM main.{SqliteUtil.Quote(fk.ParentSqliteName)} AS p WHERE {match}) LIMIT 1");
        if (orphan.Count > 0)
            throw MySqlErrors.NoReferencedRow(fk.Describe(table));
    }

    /// <summary>DROP TABLE / DROP DATABASE with foreign_key_checks=1: a parent still referenced by a table that stays is 3730.</summary>
    void CheckNotReferenced(IReadOnlyCollection<TableInfo> dropped, CatalogSnapshot catalog)
    {
        if (!_state.ForeignKeyChecks)
            return;
        foreach (var table in dropped)
        {
            foreach (var (child, fk) in catalog.ReferencesTo(table.Schema, table.Name))
            {
                if (!dropped.Any(d => d.SqliteName.Equals(child.SqliteName, StringComparison.OrdinalIgnoreCase)))
                    throw MySqlErrors.DropReferencedTable(table.Name, fk.Name, child.Name);
            }
        }
    }

    /// <summary>
    /// After ALTER TABLE changed <paramref name="table"/>: its FOREIGN KEYs lose columns dropped (1828) or renamed
    /// (renamed with them), foreign keys of other tables that reference it follow renamed columns or refuse a dropped
    /// one (1829), and every foreign key keeps an index on both sides (1553 names the index dropped).
    /// </summary>
    void CheckAlteredForeignKeys(TableInfo original, TableInfo table, Dictionary<string, string?> renamedColumns,
        List<string> droppedColumns, List<string> droppedIndexes, CatalogSnapshot catalog)
    {
        foreach (var fk in table.ForeignKeys)
        {
            foreach (var dropped in droppedColumns)
            {
                if (fk.Columns.Contains(dropped, StringComparer.OrdinalIgnoreCase))
                    throw MySqlErrors.DropColumnNeededByForeignKey(dropped, fk.Name);
            }
            RenameColumns(fk.Columns, renamedColumns);
            if (!HasIndexStartingWith(table, fk.Columns))
                throw MySqlErrors.DropIndexNeededByForeignKey(droppedIndexes.FirstOrDefault() ?? fk.Name);
            if (fk.References(original.Schema, original.Name))
            {
                foreach (var dropped in droppedColumns)
                {
                    if (fk.ParentColumns.Contains(dropped, StringComparer.OrdinalIgnoreCase))
                        throw MySqlErrors.DropColumnReferencedByForeignKey(dropped, fk.Name, table.Name);
                }
                RenameColumns(fk.ParentColumns, renamedColumns);
                if (!HasIndexStartingWith(table, fk.ParentColumns))
                    throw MySqlErrors.DropIndexNeededByForeignKey(droppedIndexes.FirstOrDefault() ?? fk.Name);
            }
        }
        // Foreign keys of other tables that reference this one (a self-reference was handled above).
        foreach (var (child, fk) in catalog.ReferencesTo(original.Schema, original.Name))
        {
            if (child.SqliteName.Equals(original.SqliteName, StringComparison.OrdinalIgnoreCase))
                continue;
            foreach (var dropped in droppedColumns)
            {
                if (fk.ParentColumns.Contains(dropped, StringComparer.OrdinalIgnoreCase))
                    throw MySqlErrors.DropColumnReferencedByForeignKey(dropped, fk.Name, child.Name);
            }
            var parentColumns = new List<string>(fk.ParentColumns);
            RenameColumns(parentColumns, renamedColumns);
            if (!HasIndexStartingWith(table, parentColumns))
                throw MySqlErrors.DropIndexNeededByForeignKey(droppedIndexes.FirstOrDefault() ?? fk.Name);
            if (_state.ForeignKeyChecks)
            {
                for (int i = 0; i < parentColumns.Count; i++)
                {
                    if (child.FindColumn(fk.Columns[i]) is { } c && table.FindColumn(parentColumns[i]) is { } p && !CompatibleForeignKeyColumns(c, p))
                        throw MySqlErrors.ForeignKeyIncompatibleColumns(c.Name, p.Name, fk.Name);
                }
            }
        }
        if (_state.ForeignKeyChecks)
        {
            foreach (var fk in table.ForeignKeys)
            {
                var parent = fk.References(table.Schema, table.Name) ? table : catalog.FindTable(fk.ParentSchema, fk.ParentTable);
                for (int i = 0; parent is not null && i < fk.Columns.Count; i++)
                {
                    if (table.FindColumn(fk.Columns[i]) is { } c && parent.FindColumn(fk.ParentColumns[i]) is { } p && !CompatibleForeignKeyColumns(c, p))
                        throw MySqlErrors.ForeignKeyIncompatibleColumns(c.Name, p.Name, fk.Name);
                }
            }
        }
    }

    /// <summary>Columns renamed by CHANGE COLUMN (new name → old name) applied to a column list.</summary>
    static void RenameColumns(List<string> columns, Dictionary<string, string?> renamedColumns)
    {
        foreach (var (newName, oldName) in renamedColumns)
        {
            if (oldName is null)
                continue;
            int i = columns.FindIndex(c => c.Equals(oldName, StringComparison.OrdinalIgnoreCase));
            if (i >= 0)
                columns[i] = newName;
        }
    }

    /// <summary>
    /// Rewrites the FOREIGN KEYs of other tables that reference schema.table after it was renamed or its columns were,
    /// as InnoDB does (reads the catalog rows of the current transaction).
    /// </summary>
    void UpdateReferencingForeignKeys(string schema, string table, string newSchema, string newTable, Dictionary<string, string?> renamedColumns)
    {
        var catalog = CatalogStore.Load(_db, _server.Registry);
        foreach (var (child, _) in catalog.ReferencesTo(schema, table).ToList())
        {
            if (child.SqliteName.Equals(schema + "/" + table, StringComparison.OrdinalIgnoreCase))
                continue;
            var updated = child.Clone();
            foreach (var fk in updated.ForeignKeys.Where(f => f.References(schema, table)))
            {
                fk.ParentSchema = newSchema;
                fk.ParentTable = newTable;
                RenameColumns(fk.ParentColumns, renamedColumns);
            }
            CatalogStore.SaveTable(_db, updated);
        }
    }
}
