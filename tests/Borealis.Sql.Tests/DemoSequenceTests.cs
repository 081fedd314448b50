using Borealis.Sql.Results;

namespace Borealis.Sql.Tests;

public sealed class DemoSequenceTests : SqlTestBase
{
    [Fact]
    public async Task CreateInsertReadBackAndCount()
    {
        Assert.Equal(1UL, (await OkAsync("CREATE DATABASE demo")).AffectedRows);
        await OkAsync("USE demo");
        Assert.Equal("demo", Session.CurrentDatabase);
        await OkAsync("CREATE TABLE course (title VARCHAR(40), instructor VARCHAR(40), duration INT, created DATE, url VARCHAR(256))");
        var ok = await OkAsync("INSERT INTO course VALUES ('Databases', 'Ada', 90, '2024-01-05', 'https://example.com/db'), ('Networks', 'Bob', 60, '2024-2-3', NULL)");
        Assert.Equal(2UL, ok.AffectedRows);
        Assert.Equal("Records: 2  Duplicates: 0  Warnings: 0", ok.Info);
        var result = await ExecAsync("SELECT title, duration, created FROM course ORDER BY title");
        Assert.Equal(2, result.Rows.Count);
        Assert.Equal(["Databases", "90", "2024-01-05"], result.Rows[0]);
        Assert.Equal(["Networks", "60", "2024-02-03"], result.Rows[1]);
        var cols = result.Columns!;
        Assert.Equal(MySqlColumnType.VarString, cols[0].Type);
        Assert.Equal(160u, cols[0].Length);
        Assert.Equal(CharacterSets.Utf8mb4General, cols[0].CharacterSet);
        Assert.Equal("course", cols[0].OriginalTable);
        Assert.Equal("demo", cols[0].Schema);
        Assert.Equal(MySqlColumnType.Long, cols[1].Type);
        Assert.Equal(MySqlColumnType.Date, cols[2].Type);
        Assert.Equal(CharacterSets.Binary, cols[2].CharacterSet);
        var count = await ExecAsync("SELECT COUNT(*) FROM course");
        Assert.Equal("2", count.Rows[0][0]);
        Assert.Equal("COUNT(*)", count.Columns![0].Name);
        Assert.Equal(MySqlColumnType.LongLong, count.Columns[0].Type);
    }

    [Fact]
    public async Task SelectStarReturnsEveryColumnWithNulls()
    {
        await RunAsync("CREATE DATABASE demo; USE demo; CREATE TABLE course (title VARCHAR(40), instructor VARCHAR(40), duration INT, created DATE, url VARCHAR(256))");
        await OkAsync("INSERT INTO course (title, created) VALUES ('Solo', '2023-12-31')");
        var r = await ExecAsync("SELECT * FROM course");
        Assert.Equal(5, r.Columns!.Count);
        Assert.Equal(["Solo", null, null, "2023-12-31", null], r.Rows[0]);
    }
}
