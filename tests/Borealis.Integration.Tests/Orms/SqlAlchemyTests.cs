using System.Text.Json;
using Borealis.Integration.Tests.Drivers;
using Borealis.Testing;

namespace Borealis.Integration.Tests.Orms;

/// <summary>SQLAlchemy 1.4 (Debian's python3-sqlalchemy) on PyMySQL against a real borealis process:
/// sqlalchemy_check.py runs Core and ORM once; each test checks one part of its report.</summary>
public sealed class SqlAlchemyTests(SqlAlchemyTests.Report report) : BorealisTest, IClassFixture<SqlAlchemyTests.Report>
{
    JsonElement Part(string name)
    {
        if (report.SkipReason is { } reason)
            Assert.Skip(reason);
        var part = report.Root.GetProperty(name);
        Assert.False(part.TryGetProperty("error", out var error), $"{name}: {error}");
        return part;
    }

    static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.ToString())];

    [Fact]
    public void CoreCreatesTablesAndReflectsThem()
    {
        var create = Part("core_create");
        Assert.Equal(["addresses", "users"], Strings(create.GetProperty("tables")));
        Assert.Equal(
            ["""["id","INTEGER",false]""", """["name","VARCHAR(50)",false]""", """["email","VARCHAR(100)",true]""",
             """["balance","DECIMAL(12, 2)",false]""", """["created","DATETIME",false]"""],
            Strings(create.GetProperty("columns")));
        Assert.Equal(["id"], Strings(create.GetProperty("pk")));
        Assert.Equal(["""[["user_id"],"users",["id"]]"""], Strings(create.GetProperty("fks")));
        Assert.Equal(["""["ix_addresses_user_id",["user_id"],false]"""], Strings(create.GetProperty("indexes")));
    }

    [Fact]
    public void CoreInsertsSelectsWithJoinsAndUpdatesAndDeletes()
    {
        var dml = Part("core_dml");
        Assert.Equal(1, dml.GetProperty("first_id").GetInt32());
        Assert.Equal(["""["ada","London"]""", """["ada","Oslo"]"""], Strings(dml.GetProperty("joined")));
        // GROUP BY over an outer join, ordered by the count, then LIMIT 2 OFFSET 1.
        Assert.Equal(["""["grace",1]""", """["linus",0]"""], Strings(dml.GetProperty("counts")));
        Assert.Equal(["""["ada","10.50"]""", """["grace","99.99"]"""], Strings(dml.GetProperty("rich")));
        Assert.Equal(1, dml.GetProperty("updated").GetInt32());
        Assert.Equal(1, dml.GetProperty("deleted").GetInt32());
        Assert.Equal(["1.01", "2026-05-01 12:00:00"], Strings(dml.GetProperty("linus")));
        Assert.Equal(2, dml.GetProperty("addresses_left").GetInt32());
    }

    [Fact]
    public void OrmSessionAddsQueriesUpdatesAndDeletes()
    {
        var orm = Part("orm");
        Assert.Equal("""{"knuth":1,"gray":2}""", orm.GetProperty("ids").ToString());
        Assert.Equal("""{"Gray":["Transaction Processing"],"Knuth":["Concrete Mathematics","TAOCP 1","TAOCP 2"]}""", orm.GetProperty("lazy").ToString());
        Assert.Equal(["Concrete Mathematics", "TAOCP 2"], Strings(orm.GetProperty("page")));
        Assert.Equal(["""["Gray",1,"120.00"]""", """["Knuth",2,"154.49"]"""], Strings(orm.GetProperty("joined")));
        Assert.Equal(["Knuth", "1938-01-10", "3"], Strings(orm.GetProperty("eager")));
        // After the update, the delete of Gray (and, by the ORM's cascade, its book) and a rolled-back flush.
        Assert.Equal(["""["Concrete Mathematics",null]""", """["TAOCP 2","74.50"]""", """["TAOCP Volume 1","81.00"]"""], Strings(orm.GetProperty("after")));
        Assert.Equal(["Knuth"], Strings(orm.GetProperty("authors")));
        Assert.Equal(1062, orm.GetProperty("duplicate").GetInt32());
    }

    public sealed class Report : DriverReport
    {
        protected override string? Unavailable() =>
            Directory.Exists("/usr/lib/python3/dist-packages/sqlalchemy") ? null : "python3-sqlalchemy is not installed (./test.sh installs it)";

        protected override Task<string> RunAsync(InstanceProcess instance) =>
            RunProgramAsync("/usr/bin/python3",
                ["sqlalchemy_check.py", instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), InstanceProcess.Password],
                Path.Combine(Path.GetDirectoryName(TypeMatrix.Directory)!, "Orms"));
    }
}
