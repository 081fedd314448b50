using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>PyMySQL (Debian's python3-pymysql) against a real borealis process: autocommit off, commit, rollback.</summary>
public sealed class PyMySqlTests : BorealisTest
{
    const string Script = """
        import json, sys, datetime, pymysql
        port, password = int(sys.argv[1]), sys.argv[2]
        conn = pymysql.connect(host="127.0.0.1", port=port, user="admin", password=password, autocommit=False)
        out = {}
        with conn.cursor() as c:
            c.execute("CREATE DATABASE demo")
            c.execute("USE demo")
            c.execute("CREATE TABLE course (title VARCHAR(40), instructor VARCHAR(40), duration INT, created DATE, url VARCHAR(256))")
            c.execute("INSERT INTO course VALUES (%s, %s, %s, %s, %s)", ("Quorums", "Leslie", 50, "2026-04-01", "https://example.com/q"))
            c.executemany("INSERT INTO course VALUES (%s, %s, %s, %s, %s)",
                          [("Epochs", "Barbara", 40, "2026-04-02", None), ("Gossip", "Butler", 20, "2026-04-03", None)])
        conn.commit()
        with conn.cursor() as c:
            c.execute("INSERT INTO course VALUES ('Rolled back', 'Nobody', 1, '2026-04-04', NULL)")
            c.execute("SELECT COUNT(*) FROM course")
            out["inside"] = c.fetchone()[0]
        conn.rollback()
        with conn.cursor() as c:
            c.execute("SELECT title, duration, created, url FROM course ORDER BY created")
            rows = c.fetchall()
            out["types"] = [type(v).__name__ for v in rows[0]]
            out["rows"] = [[r[0], r[1], r[2].isoformat(), r[3]] for r in rows]
            c.execute("SELECT COUNT(*) FROM course")
            out["count"] = c.fetchone()[0]
        conn.close()
        print(json.dumps(out))
        """;

    [Fact]
    public async Task DemoSequenceWithCommitAndRollback()
    {
        await using var instance = await InstanceProcess.StartAsync();
        using var dir = new TempDirectory();
        var script = dir.Combine("demo.py");
        await File.WriteAllTextAsync(script, Script, TestToken);

        var result = await ExternalProcess.RunAsync("/usr/bin/python3",
            [script, instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), InstanceProcess.Password]);
        Assert.True(result.ExitCode == 0, result.ToString());

        using var json = System.Text.Json.JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("inside").GetInt32());
        Assert.Equal(3, root.GetProperty("count").GetInt32());
        Assert.Equal(["str", "int", "date", "str"], root.GetProperty("types").EnumerateArray().Select(e => e.GetString()!));
        var first = root.GetProperty("rows")[0];
        Assert.Equal("Quorums", first[0].GetString());
        Assert.Equal(50, first[1].GetInt32());
        Assert.Equal("2026-04-01", first[2].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("rows")[1][3].ValueKind);
    }
}
