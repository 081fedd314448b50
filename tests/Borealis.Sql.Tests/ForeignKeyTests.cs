using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

/// <summary>FOREIGN KEY enforcement with MySQL 8.0's rules, errors and metadata (docs/sql-layer.md, "Foreign keys").</summary>
public sealed class ForeignKeyTests : SqlTestBase
{
    const string ChildFails = "Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))";
    const string ParentFails = "Cannot delete or update a parent row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE d; USE d; CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(10))");
    }

    async Task<List<string?[]>> SortedAsync(string sql) => [.. (await RowsAsync(sql)).OrderBy(r => string.Join("|", r), StringComparer.Ordinal)];

    [Fact]
    public async Task ChildRowsNeedTheirParentAndParentsWithChildrenStay()
    {
        await OkAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id))");
        var orphan = await ErrorAsync("INSERT INTO c VALUES (1, 7)");
        Assert.Equal(MySqlErrorCode.NoReferencedRow2, orphan.Code);
        Assert.Equal("23000", orphan.SqlState);
        Assert.Equal(ChildFails, orphan.Message);
        await OkAsync("INSERT INTO p VALUES (7, 'seven'), (8, 'eight')");
        await OkAsync("INSERT INTO c VALUES (1, 7), (2, NULL)");
        Assert.Equal(ChildFails, (await ErrorAsync("UPDATE c SET pid = 9 WHERE id = 1")).Message);
        Assert.Equal(1UL, (await OkAsync("UPDATE c SET pid = 8 WHERE id = 1")).AffectedRows);
        var referenced = await ErrorAsync("DELETE FROM p WHERE id = 8");
        Assert.Equal(MySqlErrorCode.RowIsReferenced2, referenced.Code);
        Assert.Equal(ParentFails, referenced.Message);
        Assert.Equal(ParentFails, (await ErrorAsync("UPDATE p SET id = 10 WHERE id = 8")).Message);
        // A parent without children can go, and a key change that keeps the value is no change.
        Assert.Equal(1UL, (await OkAsync("DELETE FROM p WHERE id = 7")).AffectedRows);
        await OkAsync("UPDATE p SET id = 8, name = 'EIGHT' WHERE id = 8");
        Assert.Equal([["8", "EIGHT"]], await RowsAsync("SELECT * FROM p"));
        Assert.Equal([["1", "8"], ["2", null]], await SortedAsync("SELECT * FROM c"));
    }

    [Fact]
    public async Task TheIndexAForeignKeyCreatedGoesWhenAnotherIndexCanServeIt()
    {
        // EF Core and SQLAlchemy create the table with its constraint, then their own index on the same column:
        // InnoDB then drops the index it made for the constraint, so one index remains.
        await OkAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_c FOREIGN KEY (pid) REFERENCES p (id))");
        Assert.Equal([["PRIMARY"], ["fk_c"]], await IndexNamesAsync());
        await OkAsync("CREATE INDEX ix_c_pid ON c (pid, id)");
        Assert.Equal([["PRIMARY"], ["ix_c_pid"]], await IndexNamesAsync());
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO c VALUES (1, 7)");
        // Only the constraint's own index goes: an index the user made stays even when another serves the key.
        await OkAsync("CREATE INDEX ix_again ON c (pid)");
        Assert.Equal([["PRIMARY"], ["ix_c_pid"], ["ix_again"]], await IndexNamesAsync());
    }

    async Task<List<string?[]>> IndexNamesAsync() =>
        [.. (await RowsAsync("SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 'c' AND SEQ_IN_INDEX = 1 ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME = 'fk_c' DESC, INDEX_NAME = 'ix_c_pid' DESC"))];

    [Fact]
    public async Task AFailedRowUndoesTheWholeStatement()
    {
        await RunAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id)); INSERT INTO p VALUES (1, 'a')");
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO c VALUES (1, 1), (2, 2), (3, 1)");
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM c"));
        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO c VALUES (1, 1)");
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO c SELECT id + 10, id + 1 FROM c");
        await OkAsync("COMMIT");
        Assert.Equal([["1", "1"]], await RowsAsync("SELECT * FROM c"));
    }

    [Fact]
    public async Task CascadeAndSetNullFollowTheParent()
    {
        await RunAsync("""
            CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_c FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE CASCADE);
            CREATE TABLE g (id INT PRIMARY KEY, cid INT, FOREIGN KEY (cid) REFERENCES c (id) ON DELETE CASCADE);
            CREATE TABLE n (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE SET NULL ON UPDATE SET NULL);
            INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c');
            INSERT INTO c VALUES (10, 1), (11, 1), (20, 2);
            INSERT INTO g VALUES (100, 10), (101, 11), (200, 20);
            INSERT INTO n VALUES (1, 1), (2, 2), (3, 3)
            """);
        // The statement reports only its own rows, as MySQL does.
        Assert.Equal(1UL, (await OkAsync("DELETE FROM p WHERE id = 1")).AffectedRows);
        Assert.Equal([["20", "2"]], await RowsAsync("SELECT * FROM c"));
        Assert.Equal([["200", "20"]], await RowsAsync("SELECT * FROM g"));
        Assert.Equal([["1", null], ["2", "2"], ["3", "3"]], await RowsAsync("SELECT * FROM n ORDER BY id"));
        await OkAsync("UPDATE p SET id = 5 WHERE id = 2");
        Assert.Equal([["20", "5"]], await RowsAsync("SELECT * FROM c"));
        Assert.Equal([["1", null], ["2", null], ["3", "3"]], await RowsAsync("SELECT * FROM n ORDER BY id"));
    }

    [Fact]
    public async Task ASelfReferencingTreeCascadesAndRestricts()
    {
        await RunAsync("""
            CREATE TABLE tree (id INT PRIMARY KEY, parent INT, FOREIGN KEY (parent) REFERENCES tree (id) ON DELETE CASCADE);
            INSERT INTO tree VALUES (1, 1);
            INSERT INTO tree VALUES (2, 1), (3, 2), (4, 3), (5, 1);
            CREATE TABLE strict_tree (id INT PRIMARY KEY, parent INT, FOREIGN KEY (parent) REFERENCES strict_tree (id));
            INSERT INTO strict_tree VALUES (1, NULL), (2, 1)
            """);
        await OkAsync("DELETE FROM tree WHERE id = 2");
        Assert.Equal([["1", "1"], ["5", "1"]], await RowsAsync("SELECT * FROM tree ORDER BY id"));
        await AssertErrorAsync(MySqlErrorCode.RowIsReferenced2, "DELETE FROM strict_tree WHERE id = 1");
        await OkAsync("DELETE FROM strict_tree WHERE id = 2");
        await OkAsync("DELETE FROM strict_tree WHERE id = 1");
        // TRUNCATE of a table that references only itself is allowed and cascades nothing.
        await OkAsync("TRUNCATE TABLE tree");
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM tree"));
    }

    [Fact]
    public async Task CompositeKeysAndNullsFollowMatchSimple()
    {
        await RunAsync("""
            CREATE TABLE pm (x INT, y VARCHAR(5), PRIMARY KEY (x, y));
            CREATE TABLE cm (a INT, b VARCHAR(5), FOREIGN KEY (a, b) REFERENCES pm (x, y));
            INSERT INTO pm VALUES (1, 'abc')
            """);
        Assert.Equal(1UL, (await OkAsync("INSERT INTO cm VALUES (1, 'ABC')")).AffectedRows);
        await OkAsync("INSERT INTO cm VALUES (1, NULL), (NULL, 'zzz')");
        var error = await ErrorAsync("INSERT INTO cm VALUES (2, 'abc')");
        Assert.Equal("Cannot add or update a child row: a foreign key constraint fails (`d`.`cm`, CONSTRAINT `cm_ibfk_1` FOREIGN KEY (`a`, `b`) REFERENCES `pm` (`x`, `y`))", error.Message);
    }

    [Fact]
    public async Task ForeignKeyChecksOffAllowsAnyOrderAndOrphans()
    {
        await OkAsync("SET foreign_key_checks = 0");
        Assert.Equal("0", await ScalarAsync("SELECT @@foreign_key_checks"));
        // mysqldump's order: a child before its parent, rows before their parents.
        await OkAsync("CREATE TABLE child (id INT PRIMARY KEY, pid INT, CONSTRAINT child_fk FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE)");
        await OkAsync("INSERT INTO child VALUES (1, 10), (2, 99)");
        await OkAsync("CREATE TABLE parent (id INT PRIMARY KEY)");
        await OkAsync("INSERT INTO parent VALUES (10)");
        await OkAsync("DELETE FROM parent WHERE id = 10");
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM child"));
        await OkAsync("SET foreign_key_checks = 1");
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO child VALUES (3, 5)");
        await OkAsync("INSERT INTO parent VALUES (5)");
        await OkAsync("INSERT INTO child VALUES (3, 5)");
        await OkAsync("DELETE FROM parent WHERE id = 5");
        Assert.Equal([["1", "10"], ["2", "99"]], await SortedAsync("SELECT * FROM child"));
        // Switched inside a transaction, and per session.
        var other = OpenSession("d");
        await OkAsync("BEGIN; SET foreign_key_checks = 0; INSERT INTO child VALUES (4, 1234); COMMIT");
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO child VALUES (5, 1234)", other);
        other.Dispose();
    }

    [Fact]
    public async Task AParentThatIsReferencedCannotBeDroppedOrTruncated()
    {
        await RunAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id)); INSERT INTO p VALUES (1, 'a')");
        var drop = await ErrorAsync("DROP TABLE p");
        Assert.Equal(MySqlErrorCode.FkCannotDropParent, drop.Code);
        Assert.Equal("Cannot drop table 'p' referenced by a foreign key constraint 'c_ibfk_1' on table 'c'.", drop.Message);
        var truncate = await ErrorAsync("TRUNCATE TABLE p");
        Assert.Equal(MySqlErrorCode.TruncateIllegalFk, truncate.Code);
        Assert.Equal("Cannot truncate a table referenced in a foreign key constraint (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `d`.`p` (`id`))", truncate.Message);
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM p"));
        await OkAsync("DROP TABLE p, c");
        await RunAsync("CREATE TABLE p (id INT PRIMARY KEY); CREATE TABLE c (pid INT, FOREIGN KEY (pid) REFERENCES p(id))");
        await RunAsync("SET foreign_key_checks = 0; DROP TABLE p; SET foreign_key_checks = 1");
        // The child keeps its FOREIGN KEY; with the parent gone every non-NULL child value fails.
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO c VALUES (1)");
        await OkAsync("INSERT INTO c VALUES (NULL)");
        await OkAsync("CREATE DATABASE other");
        await OkAsync("CREATE TABLE other.t (id INT PRIMARY KEY)");
        await OkAsync("CREATE TABLE d.x (tid INT, FOREIGN KEY (tid) REFERENCES other.t (id))");
        await AssertErrorAsync(MySqlErrorCode.FkCannotDropParent, "DROP DATABASE other");
    }

    [Fact]
    public async Task ShowCreateTableAndInformationSchemaDescribeTheConstraint()
    {
        await OkAsync("""
            CREATE TABLE c (id INT PRIMARY KEY, pid INT, qid INT, KEY k_q (qid, id),
              FOREIGN KEY (pid) REFERENCES p (id),
              CONSTRAINT fk_q FOREIGN KEY (qid) REFERENCES p (id) ON DELETE SET NULL ON UPDATE NO ACTION)
            """);
        var create = (await RowsAsync("SHOW CREATE TABLE c"))[0][1];
        Assert.Equal("""
            CREATE TABLE `c` (
              `id` int NOT NULL,
              `pid` int DEFAULT NULL,
              `qid` int DEFAULT NULL,
              PRIMARY KEY (`id`),
              KEY `k_q` (`qid`,`id`),
              KEY `pid` (`pid`),
              CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`),
              CONSTRAINT `fk_q` FOREIGN KEY (`qid`) REFERENCES `p` (`id`) ON DELETE SET NULL ON UPDATE NO ACTION
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci
            """.ReplaceLineEndings("\n"), create);
        Assert.Equal(
            [["c_ibfk_1", "pid", "1", "1", "d", "p", "id"], ["fk_q", "qid", "1", "1", "d", "p", "id"]],
            await RowsAsync("""
                SELECT CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, POSITION_IN_UNIQUE_CONSTRAINT, REFERENCED_TABLE_SCHEMA,
                  REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
                WHERE TABLE_NAME = 'c' AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY CONSTRAINT_NAME
                """));
        Assert.Equal(
            [["c_ibfk_1", "d", "PRIMARY", "NONE", "RESTRICT", "RESTRICT", "c", "p"], ["fk_q", "d", "PRIMARY", "NONE", "NO ACTION", "SET NULL", "c", "p"]],
            await RowsAsync("""
                SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, UPDATE_RULE, DELETE_RULE, TABLE_NAME,
                  REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'd' ORDER BY CONSTRAINT_NAME
                """));
        Assert.Equal(
            [["c_ibfk_1", "FOREIGN KEY"], ["fk_q", "FOREIGN KEY"], ["PRIMARY", "PRIMARY KEY"]],
            await RowsAsync("SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_NAME = 'c' ORDER BY CONSTRAINT_NAME"));
        Assert.Equal("MUL", (await RowsAsync("SHOW COLUMNS FROM c"))[1][3]);
    }

    [Fact]
    public async Task AlterTableAddsChecksAndDropsForeignKeys()
    {
        await RunAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT); INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1, 1), (2, 5)");
        var orphans = await ErrorAsync("ALTER TABLE c ADD CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id)");
        Assert.Equal(MySqlErrorCode.NoReferencedRow2, orphans.Code);
        // The failed ALTER left nothing behind: no constraint, no index, no enforcement.
        Assert.DoesNotContain("fk_p", (await RowsAsync("SHOW CREATE TABLE c"))[0][1]);
        await OkAsync("INSERT INTO c VALUES (3, 77)");
        await OkAsync("DELETE FROM c WHERE pid <> 1");
        await OkAsync("ALTER TABLE c ADD CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id)");
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO c VALUES (4, 77)");
        await OkAsync("ALTER TABLE c DROP FOREIGN KEY fk_p");
        await OkAsync("INSERT INTO c VALUES (4, 77)");
        // The index the constraint created stays, as in MySQL.
        Assert.Contains("KEY `fk_p` (`pid`)", (await RowsAsync("SHOW CREATE TABLE c"))[0][1]);
        await AssertErrorAsync(MySqlErrorCode.CantDropFieldOrKey, "ALTER TABLE c DROP FOREIGN KEY fk_p");
        await AssertErrorAsync(MySqlErrorCode.ConstraintNotFound, "ALTER TABLE c DROP CONSTRAINT nope");
        await RunAsync("SET foreign_key_checks = 0; ALTER TABLE c ADD FOREIGN KEY (pid) REFERENCES p (id); SET foreign_key_checks = 1");
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO c VALUES (5, 78)");
        await OkAsync("ALTER TABLE c DROP CONSTRAINT c_ibfk_1");
        await OkAsync("INSERT INTO c VALUES (5, 78)");
    }

    [Fact]
    public async Task TableRebuildsAndRenamesKeepTheConstraint()
    {
        await RunAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id) ON DELETE CASCADE); INSERT INTO p VALUES (1, 'a'), (2, 'b'); INSERT INTO c VALUES (1, 1), (2, 2)");
        await OkAsync("ALTER TABLE p ADD COLUMN extra INT");
        await OkAsync("ALTER TABLE c ADD COLUMN note VARCHAR(5)");
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO c (id, pid) VALUES (3, 3)");
        await OkAsync("DELETE FROM p WHERE id = 2");
        Assert.Equal([["1", "1", null]], await RowsAsync("SELECT * FROM c"));
        await OkAsync("RENAME TABLE p TO parent");
        await OkAsync("ALTER TABLE parent CHANGE id pk INT");
        await OkAsync("ALTER TABLE c CHANGE pid parent_id INT");
        Assert.Contains("CONSTRAINT `c_ibfk_1` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`pk`) ON DELETE CASCADE", (await RowsAsync("SHOW CREATE TABLE c"))[0][1]);
        var error = await ErrorAsync("INSERT INTO c (id, parent_id) VALUES (3, 3)");
        Assert.Equal("Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`pk`) ON DELETE CASCADE)", error.Message);
        await OkAsync("DELETE FROM parent");
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM c"));
    }

    [Fact]
    public async Task InvalidDefinitionsGetMySqlErrors()
    {
        await OkAsync("CREATE TABLE pm (x INT, y INT, u INT UNSIGNED, s VARCHAR(5), PRIMARY KEY (x, y), KEY (u))");
        await AssertErrorAsync(MySqlErrorCode.FkCannotOpenParent, "CREATE TABLE z (a INT, FOREIGN KEY (a) REFERENCES nowhere (x))");
        await AssertErrorAsync(MySqlErrorCode.FkNoIndexParent, "CREATE TABLE z (a INT, FOREIGN KEY (a) REFERENCES pm (y))");
        await AssertErrorAsync(MySqlErrorCode.FkNoColumnParent, "CREATE TABLE z (a INT, FOREIGN KEY (a) REFERENCES pm (zz))");
        await AssertErrorAsync(MySqlErrorCode.FkIncompatibleColumns, "CREATE TABLE z (a BIGINT, FOREIGN KEY (a) REFERENCES pm (x))");
        await AssertErrorAsync(MySqlErrorCode.FkIncompatibleColumns, "CREATE TABLE z (a INT, FOREIGN KEY (a) REFERENCES pm (u))");
        await AssertErrorAsync(MySqlErrorCode.FkIncompatibleColumns, "CREATE TABLE z (a VARCHAR(5), FOREIGN KEY (a) REFERENCES pm (x))");
        await AssertErrorAsync(MySqlErrorCode.FkColumnNotNull, "CREATE TABLE z (a INT NOT NULL, FOREIGN KEY (a) REFERENCES pm (x) ON DELETE SET NULL)");
        await AssertErrorAsync(MySqlErrorCode.WrongForeignKeyDef, "CREATE TABLE z (a INT, FOREIGN KEY (a) REFERENCES pm (x, y))");
        await AssertErrorAsync(MySqlErrorCode.KeyColumnDoesNotExist, "CREATE TABLE z (a INT, FOREIGN KEY (nope) REFERENCES pm (x))");
        await AssertErrorAsync(MySqlErrorCode.NotSupportedYet, "CREATE TABLE z (a INT, FOREIGN KEY (a) REFERENCES pm (x) ON DELETE SET DEFAULT)");
        await AssertErrorAsync(MySqlErrorCode.NotSupportedYet, "CREATE TEMPORARY TABLE z (a INT, FOREIGN KEY (a) REFERENCES pm (x))");
        await OkAsync("CREATE TABLE z1 (id INT, a INT, CONSTRAINT same FOREIGN KEY (a) REFERENCES p (id))");
        await AssertErrorAsync(MySqlErrorCode.FkDupName, "CREATE TABLE z2 (a INT, CONSTRAINT same FOREIGN KEY (a) REFERENCES p (id))");
        Assert.Empty(await RowsAsync("SHOW TABLES LIKE 'z'"));
        // Columns and indexes a constraint needs cannot be dropped.
        await AssertErrorAsync(MySqlErrorCode.FkColumnCannotDrop, "ALTER TABLE z1 DROP COLUMN a");
        await AssertErrorAsync(MySqlErrorCode.FkColumnCannotDropChild, "ALTER TABLE p DROP COLUMN id");
        await AssertErrorAsync(MySqlErrorCode.DropIndexFk, "ALTER TABLE z1 DROP INDEX same");
        Assert.Equal("Cannot drop index 'PRIMARY': needed in a foreign key constraint", (await ErrorAsync("ALTER TABLE p DROP PRIMARY KEY")).Message);
        // An index that can serve the constraint replaces the one the constraint made (InnoDB drops it silently).
        await OkAsync("ALTER TABLE z1 ADD COLUMN a2 INT, ADD INDEX other_a (a, a2)");
        await AssertErrorAsync(MySqlErrorCode.CantDropFieldOrKey, "ALTER TABLE z1 DROP INDEX same");
    }

    [Fact]
    public async Task InsertIgnoreSkipsOrphansWithAWarning()
    {
        await RunAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id)); INSERT INTO p VALUES (1, 'a')");
        var ok = await OkAsync("INSERT IGNORE INTO c VALUES (1, 1), (2, 2), (3, 1)");
        Assert.Equal(2UL, ok.AffectedRows);
        Assert.Equal([["Warning", "1452", ChildFails]], await RowsAsync("SHOW WARNINGS"));
        Assert.Equal([["1", "1"], ["3", "1"]], await RowsAsync("SELECT * FROM c ORDER BY id"));
    }

    [Fact]
    public async Task ReplaceOfAReferencedParentIsADeleteThatTheChildRefuses()
    {
        await RunAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id)); INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1, 1)");
        await AssertErrorAsync(MySqlErrorCode.RowIsReferenced2, "REPLACE INTO p VALUES (1, 'b')");
        Assert.Equal("a", await ScalarAsync("SELECT name FROM p"));
    }

    [Fact]
    public async Task CreateTableLikeDoesNotCopyForeignKeys()
    {
        await RunAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id)); CREATE TABLE c2 LIKE c");
        await OkAsync("INSERT INTO c2 VALUES (1, 99)");
        Assert.Contains("KEY `pid` (`pid`)", (await RowsAsync("SHOW CREATE TABLE c2"))[0][1]);
        Assert.DoesNotContain("FOREIGN KEY", (await RowsAsync("SHOW CREATE TABLE c2"))[0][1]);
    }

    [Fact]
    public async Task AMysqldumpStyleScriptRestoresChildrenBeforeParents()
    {
        await RunAsync("""
            CREATE TABLE c (id INT PRIMARY KEY, pid INT, note VARCHAR(10),
              CONSTRAINT fk_c FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE CASCADE);
            INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (10, 1, 'x')
            """);
        string childDdl = (await RowsAsync("SHOW CREATE TABLE c"))[0][1]!;
        string parentDdl = (await RowsAsync("SHOW CREATE TABLE p"))[0][1]!;
        // The shape of mysqldump's output: checks saved and switched off, tables in name order (child first), rows, checks restored.
        await RunAsync($"""
            /*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
            DROP TABLE IF EXISTS `c`;
            {childDdl};
            LOCK TABLES `c` WRITE;
            INSERT INTO `c` VALUES (10,1,'x'),(11,2,'y');
            UNLOCK TABLES;
            DROP TABLE IF EXISTS `p`;
            {parentDdl};
            INSERT INTO `p` VALUES (1,'a'),(2,'b');
            /*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
            """);
        Assert.Equal("1", await ScalarAsync("SELECT @@foreign_key_checks"));
        Assert.Equal(childDdl, (await RowsAsync("SHOW CREATE TABLE c"))[0][1]);
        await AssertErrorAsync(MySqlErrorCode.NoReferencedRow2, "INSERT INTO c VALUES (12, 3, 'z')");
        await OkAsync("DELETE FROM p WHERE id = 2");
        Assert.Equal([["10", "1", "x"]], await RowsAsync("SELECT * FROM c"));
    }

    [Fact]
    public async Task ACatalogWrittenBeforeForeignKeysWereKeptStillOpens()
    {
        await RunAsync("CREATE TABLE c (id INT PRIMARY KEY, pid INT); INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1, 1)");
        using (var connection = Database.OpenConnection())
        {
            await connection.AcquireWriteLockAsync(TestToken);
            Execution.SqliteUtil.Exec(connection.Handle, "UPDATE __bx_tables SET definition = json_remove(definition, '$.ForeignKeys')");
            connection.EndStatement();
            await connection.WaitForDurableAsync(TestToken);
        }
        var server = new SqlServer(Database, Options);
        using var session = server.OpenSession(new SessionInfo(99, "admin", "127.0.0.1:5000", "d"));
        Assert.Equal([["1", "1"]], await RowsAsync("SELECT * FROM c", session));
        await OkAsync("ALTER TABLE c ADD FOREIGN KEY (pid) REFERENCES p (id)", session);
        await AssertErrorAsync(MySqlErrorCode.RowIsReferenced2, "DELETE FROM p", session);
    }
}
