using Borealis.Sql.Results;

namespace Borealis.Sql.Tests;

/// <summary>
/// Column definitions of results as MariaDB sends them (checked side by side with the `mariadb` client's
/// --column-type-info): the table as the query names it, NOT_NULL only where a value cannot be NULL, and a UNION's
/// columns belonging to no table.
/// </summary>
public sealed class ResultMetadataTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("""
            CREATE DATABASE d; USE d;
            CREATE TABLE a (id INT PRIMARY KEY, x INT NOT NULL, y VARCHAR(5) NOT NULL, n INT);
            CREATE TABLE b (id INT PRIMARY KEY, a_id INT NOT NULL, z INT NOT NULL, KEY (a_id));
            INSERT INTO a VALUES (1, 1, 'p', NULL), (2, 2, 'q', 5);
            INSERT INTO b VALUES (1, 1, 10)
            """);
    }

    async Task<IReadOnlyList<ColumnDefinition>> ColumnsAsync(string sql) => (await ExecAsync(sql)).Columns!;

    static bool NotNull(ColumnDefinition c) => c.Flags.HasFlag(ColumnFlags.NotNull);

    [Fact]
    public async Task TheInnerSideOfAnOuterJoinCanBeNullWhateverItsColumnsDeclare()
    {
        var result = await ExecAsync("SELECT a.id, b.z, b.id FROM a LEFT JOIN b ON b.a_id = a.id ORDER BY a.id");
        Assert.Null(result.Rows[1][1]); // the reason: a.id 2 has no b
        var c = result.Columns!;
        Assert.True(NotNull(c[0]));
        Assert.False(NotNull(c[1]));
        Assert.False(NotNull(c[2]));
        Assert.True(c[2].Flags.HasFlag(ColumnFlags.PrimaryKey | ColumnFlags.PartKey), "key flags stay, as in MariaDB");

        var right = await ColumnsAsync("SELECT b.*, a.x FROM b RIGHT JOIN a ON a.id = b.a_id");
        Assert.Equal([false, false, false, true], right.Select(NotNull));

        var star = await ColumnsAsync("SELECT * FROM a LEFT JOIN (b JOIN a AS a3 ON a3.id = b.a_id) ON b.a_id = a.id");
        Assert.Equal([true, true, true, false, false, false, false, false, false, false, false], star.Select(NotNull));

        var inner = await ColumnsAsync("SELECT b.z FROM a JOIN b ON b.a_id = a.id");
        Assert.True(NotNull(inner[0]));
    }

    [Fact]
    public async Task RollupKeysCanBeNullWhateverTheirColumnsDeclare()
    {
        // The grand-total row puts NULL in x and y, both NOT NULL columns; the mysql client sizes its columns by the flag.
        var result = await ExecAsync("SELECT x, y, COUNT(*) FROM a GROUP BY x, y WITH ROLLUP");
        Assert.Equal([null, null, "2"], result.Rows[^1]);
        Assert.Equal([false, false, false], result.Columns!.Select(NotNull));
        var literal = await ExecAsync("SELECT k FROM (SELECT 1 AS k) t GROUP BY k WITH ROLLUP");
        Assert.Equal([["1"], [null]], literal.Rows);
        Assert.False(NotNull(literal.Columns![0]));
    }

    [Fact]
    public async Task AColumnNamesItsTableAsTheQueryDoesAndASelfJoinTellsItsSidesApart()
    {
        var c = await ColumnsAsync("SELECT a2.id, a.id, t.x FROM a LEFT JOIN a a2 ON a2.id = a.x + 1 JOIN a t ON t.id = a.id");
        Assert.Equal(["a2", "a", "t"], c.Select(x => x.Table));
        Assert.Equal(["a", "a", "a"], c.Select(x => x.OriginalTable));
        Assert.Equal([false, true, true], c.Select(NotNull));
    }

    [Fact]
    public async Task AnExpressionIsNotNullOnlyWhenNoArgumentCanBeNull()
    {
        var c = await ColumnsAsync("""
            SELECT a.x + 1, b.z + 1, COALESCE(b.z, 0), COUNT(*), MAX(a.x), a.x / 2, a.n + 1, a.x IS NULL, b.z <=> 1,
                   ABS(a.x), CONCAT(a.y, 'z'), NOW(), 'lit', NULL, CASE WHEN a.x > 1 THEN 'p' ELSE 'q' END
            FROM a LEFT JOIN b ON b.a_id = a.id GROUP BY a.id, a.x, a.n, b.z, a.y
            """);
        Assert.Equal([true, false, true, true, false, false, false, true, true, true, false, true, true, false, true], c.Select(NotNull));
        Assert.False(c[4].Flags.HasFlag(ColumnFlags.NoDefaultValue), "MAX of a column is not the column");
    }

    [Fact]
    public async Task AUnionsColumnsBelongToNoTableAndAreNotNullOnlyWhenEveryMembersAre()
    {
        var c = await ColumnsAsync("SELECT id, x, n FROM a UNION SELECT id, z, 1 FROM b");
        Assert.All(c, x => Assert.Equal("", x.Table));
        Assert.All(c, x => Assert.Equal("", x.OriginalTable));
        Assert.All(c, x => Assert.False(x.Flags.HasFlag(ColumnFlags.PrimaryKey)));
        Assert.Equal([true, true, false], c.Select(NotNull));

        var nulls = await ColumnsAsync("SELECT id, y FROM a UNION ALL SELECT 1, NULL");
        Assert.Equal([true, false], nulls.Select(NotNull));
    }

    [Fact]
    public async Task ACommonTableDoesNotCountAsTheResultAndItsInnerSideIsNullable()
    {
        var c = await ColumnsAsync("WITH q AS (SELECT id FROM b) SELECT a.id, q.id FROM a LEFT JOIN q ON q.id = a.id");
        Assert.Equal([true, false], c.Select(NotNull));
    }
}
