using System.Text;
using Borealis.Engine;

namespace Borealis.Sql.Tests;

/// <summary>BX_AI_CI: MySQL's case- and accent-insensitive text, as a collation and as LIKE.</summary>
public sealed class CollationTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE c; USE c");
    }

    static int Compare(string a, string b) => Math.Sign(TextCollation.Compare(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b)));

    static bool Like(string value, string pattern, int escape = '\\') =>
        TextCollation.Like(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(pattern), escape);

    [Theory]
    [InlineData("É", "é", 0)]
    [InlineData("e", "É", 0)]
    [InlineData("Ärger", "arger", 0)]
    [InlineData("ΆΛΦΑ", "αλφα", 0)]
    [InlineData("Ёж", "еж", 0)]
    [InlineData("Ỳ", "y", 0)]
    [InlineData("a", "b", -1)]
    [InlineData("é", "f", -1)]
    [InlineData("a", "a ", -1)] // NO PAD
    [InlineData("_", "a", -1)] // ASCII orders as under NOCASE: '_' (95) before letters
    [InlineData("ß", "ss", 1)] // a letter of its own
    [InlineData("abc", "ab", 1)]
    public void WeighsCaseAndAccentsAway(string a, string b, int expected)
    {
        Assert.Equal(expected, Compare(a, b));
        Assert.Equal(-expected, Compare(b, a));
    }

    [Fact]
    public void OrdersAsciiExactlyAsNocaseAndIsATotalOrder()
    {
        var random = new Random(5);
        const string alphabet = "aAbBzZ_ 09[]~éÉèüÜßøØ\u00ff\u4e2d";
        var words = Enumerable.Range(0, 400).Select(_ => new string(Enumerable.Range(0, random.Next(0, 5))
            .Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())).ToList();
        foreach (var a in words.Where(w => w.All(char.IsAscii)))
        {
            foreach (var b in words.Where(w => w.All(char.IsAscii)))
            {
                // SQLite's NOCASE: ASCII upper case folded to lower case, then bytes.
                int nocase = Math.Sign(string.CompareOrdinal(a.ToLowerInvariant(), b.ToLowerInvariant()));
                Assert.Equal(nocase, Compare(a, b));
            }
        }
        var sorted = words.Order(Comparer<string>.Create(Compare)).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            Assert.True(Compare(sorted[i - 1], sorted[i]) <= 0);
            Assert.True(Compare(sorted[0], sorted[i]) <= 0, "transitive");
        }
    }

    [Fact]
    public void BytesThatAreNotUtf8WeighAboveEveryCharacter()
    {
        byte[] bad = [0x61, 0xFF];
        Assert.Equal(1, Math.Sign(TextCollation.Compare(bad, Encoding.UTF8.GetBytes("a\U0010FFFF"))));
        Assert.Equal(0, TextCollation.Compare(bad, bad));
    }

    [Theory]
    [InlineData("Émile", "em%", true)]
    [InlineData("Zoë", "%E", true)]
    [InlineData("ç", "_", true)]
    [InlineData("çc", "_", false)]
    [InlineData("abc", "a%c", true)]
    [InlineData("abbbc", "a%b%c", true)]
    [InlineData("abc", "a%d", false)]
    [InlineData("a%c", "a\\%c", true)]
    [InlineData("abc", "a\\%c", false)]
    [InlineData("", "%", true)]
    [InlineData("", "_", false)]
    [InlineData("a ", "a", false)]
    public void LikeMatchesByWeight(string value, string pattern, bool expected) => Assert.Equal(expected, Like(value, pattern));

    [Fact]
    public void LikePrefixStopsAtTheFirstWildcardAndDropsEscapes()
    {
        Assert.Equal("jos", TextCollation.LikePrefix("jos%", "\\"));
        Assert.Equal("a%b", TextCollation.LikePrefix("a\\%b_c", "\\"));
        Assert.Equal("", TextCollation.LikePrefix("%x", "\\"));
        Assert.Equal("a|", TextCollation.LikePrefix("a|", "|"));
    }

    [Fact]
    public async Task TablesUseItForEqualityOrderGroupingUniqueKeysAndIndexedLike()
    {
        await OkAsync("CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20), KEY k (name))");
        await OkAsync("INSERT INTO p VALUES (1, 'José'), (2, 'jose'), (3, 'Émile'), (4, 'émile'), (5, 'b'), (6, 'Zoë')");
        Assert.Equal(["1", "2"], (await RowsAsync("SELECT id FROM p WHERE name = 'JOSE' ORDER BY id")).Select(r => r[0]));
        Assert.Equal(["3", "4"], (await RowsAsync("SELECT id FROM p WHERE name LIKE 'emi%' ORDER BY id")).Select(r => r[0]));
        Assert.Equal(["5"], (await RowsAsync("SELECT id FROM p WHERE name NOT LIKE '%e%' ORDER BY id")).Select(r => r[0])); // Zoë has an e
        Assert.Equal(["5", "3", "4", "1", "2", "6"], (await RowsAsync("SELECT id FROM p ORDER BY name, id")).Select(r => r[0]));
        Assert.Equal("4", await ScalarAsync("SELECT COUNT(DISTINCT name) FROM p"));
        var plan = string.Join(" ", (await RowsAsync("EXPLAIN SELECT id FROM p WHERE name LIKE 'jos%'")).SelectMany(r => r));
        Assert.Contains("name>? AND name<?", plan, StringComparison.Ordinal);

        await OkAsync("CREATE TABLE u (n VARCHAR(10) UNIQUE)");
        await OkAsync("INSERT INTO u VALUES ('Ünal')");
        Assert.Equal(Errors.MySqlErrorCode.DupEntry, (await ErrorAsync("INSERT INTO u VALUES ('unal')")).Code);
        Assert.Equal("ok", await ScalarAsync("SELECT CASE WHEN 'É' = 'e' THEN 'ok' ELSE 'no' END"));
    }
}
