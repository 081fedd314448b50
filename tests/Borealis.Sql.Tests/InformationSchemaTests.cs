namespace Borealis.Sql.Tests;

public sealed class InformationSchemaTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE demo; USE demo; CREATE TABLE course (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(40) NOT NULL, price DECIMAL(6,2))");
    }

    [Fact]
    public async Task SchemataTablesAndColumnsAreQueryable()
    {
        var schemas = (await RowsAsync("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")).Select(r => r[0]).ToArray();
        Assert.Contains("demo", schemas);
        Assert.Contains("information_schema", schemas);
        var tables = await RowsAsync("SELECT table_name, table_type, engine FROM information_schema.tables WHERE table_schema = 'demo'");
        Assert.Equal([["course", "BASE TABLE", "InnoDB"]], tables);
        var columns = await RowsAsync("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, EXTRA, CHARACTER_MAXIMUM_LENGTH, NUMERIC_SCALE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'course' ORDER BY ORDINAL_POSITION");
        Assert.Equal(["id", "int", "int", "NO", "PRI", "auto_increment", null, "0"], columns[0]);
        Assert.Equal(["title", "varchar", "varchar(40)", "NO", "", "", "40", null], columns[1]);
        Assert.Equal(["price", "decimal", "decimal(6,2)", "YES", "", "", null, "2"], columns[2]);
        Assert.Single(await RowsAsync("SELECT SERVER_ID FROM information_schema.replica_host_status"));
        Assert.Equal([["PRIMARY", "id", "PRIMARY KEY"]], await RowsAsync(
            "SELECT k.CONSTRAINT_NAME, k.COLUMN_NAME, c.CONSTRAINT_TYPE FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.TABLE_CONSTRAINTS c USING (CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME) WHERE k.TABLE_SCHEMA = 'demo'"));
        Assert.Empty(await RowsAsync("SELECT * FROM information_schema.REFERENTIAL_CONSTRAINTS"));
        Assert.NotEmpty(await RowsAsync("SELECT * FROM information_schema.COLLATIONS"));
        await AssertErrorAsync(Errors.MySqlErrorCode.UnknownTable, "SELECT * FROM information_schema.nope");
    }

    [Fact]
    public async Task ShowStatements()
    {
        Assert.Contains(["demo"], await RowsAsync("SHOW DATABASES"));
        Assert.Equal([["course"]], await RowsAsync("SHOW TABLES"));
        Assert.Equal([["course", "BASE TABLE"]], await RowsAsync("SHOW FULL TABLES FROM demo"));
        Assert.Equal([["course"]], await RowsAsync("SHOW TABLES LIKE 'cou%'"));
        Assert.Equal(3, (await RowsAsync("SHOW FULL COLUMNS FROM course")).Count);
        Assert.Equal(["title"], (await RowsAsync("SHOW COLUMNS FROM course LIKE 'ti%'")).Select(r => r[0]).ToArray());
        Assert.NotEmpty(await RowsAsync("SHOW STATUS"));
        Assert.Single(await RowsAsync("SHOW STATUS LIKE 'Uptime'"));
        var processes = await RowsAsync("SHOW PROCESSLIST");
        Assert.Single(processes);
        Assert.Equal("SHOW PROCESSLIST", processes[0][7]);
        Assert.Single(await RowsAsync("SHOW CREATE DATABASE demo"));
        Assert.NotEmpty(await RowsAsync("SHOW ENGINES"));
        Assert.NotEmpty(await RowsAsync("SHOW CHARACTER SET"));
        Assert.NotEmpty(await RowsAsync("SHOW COLLATION"));
        Assert.NotEmpty(await RowsAsync("SHOW TABLE STATUS"));
        Assert.Single(await RowsAsync("SHOW GRANTS"));
        Assert.Empty(await RowsAsync("SHOW WARNINGS"));
        await OkAsync("DROP TABLE IF EXISTS nope");
        var warnings = await RowsAsync("SHOW WARNINGS");
        Assert.Equal([["Note", "1051", "Unknown table 'demo.nope'"]], warnings);
        await AssertErrorAsync(Errors.MySqlErrorCode.NoSuchTable, "SELECT * FROM nope");
        Assert.Equal([["Error", "1146", "Table 'demo.nope' doesn't exist"]], await RowsAsync("SHOW WARNINGS"));
        await OkAsync("USE information_schema");
        Assert.Contains(["COLUMNS"], await RowsAsync("SHOW TABLES"));
        Assert.Equal("course", await ScalarAsync("SELECT TABLE_NAME FROM TABLES WHERE TABLE_SCHEMA = 'demo'"));
    }
}
