using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

/// <summary>Random and mutated statements never fail with anything but a MySQL error, and the session stays usable.</summary>
public sealed class FuzzTests : SqlTestBase
{
    static readonly string[] s_seeds =
    [
        "SELECT c FROM sbtest1 WHERE id BETWEEN 1 AND 10 ORDER BY c LIMIT 5",
        "INSERT INTO sbtest1 (id, k, c, pad) VALUES (0, 1, 'x', 'y'), (0, -2, 'z\\'q', \"w\")",
        "UPDATE sbtest1 SET k = k + 1, c = CONCAT(c, 'a') WHERE id IN (1, 2, 3) ORDER BY id DESC LIMIT 2",
        "DELETE FROM sbtest1 WHERE k > 5 AND c LIKE 'a%' LIMIT 1",
        "SELECT COUNT(*), SUM(k), GROUP_CONCAT(c SEPARATOR ';') FROM sbtest1 GROUP BY k HAVING COUNT(*) > 0",
        "SELECT a.id FROM sbtest1 a LEFT JOIN sbtest1 b ON a.id = b.k WHERE b.id IS NULL UNION SELECT 1",
        "CREATE TABLE IF NOT EXISTS f (id INT AUTO_INCREMENT PRIMARY KEY, d DECIMAL(10,2) DEFAULT '1.5', e ENUM('a','b'), j JSON)",
        "SELECT CAST(X'3132' AS SIGNED), b'1011', 0x1F, 1e308 * 10, -9223372036854775808, 18446744073709551615",
        "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d'), @@version, @x, IF(1, 'a', NULL) /* c */ # d",
        "INSERT INTO f (d, e, j) VALUES (1234567.891, 'b', '{\"k\": [1, 2]}') ON DUPLICATE KEY UPDATE d = VALUES(d)",
        "SHOW FULL COLUMNS FROM sbtest1 WHERE Field LIKE 'c%'",
        "SET @x = (SELECT MAX(id) FROM sbtest1), SESSION sql_mode = 'STRICT_TRANS_TABLES'",
        "ALTER TABLE f ADD COLUMN n INT NOT NULL DEFAULT 3 AFTER d, ADD INDEX ix (n)",
        "WITH n (i) AS (SELECT 1 UNION ALL SELECT 2) SELECT i, ROW_NUMBER() OVER (ORDER BY i DESC) FROM n",
        "CREATE OR REPLACE VIEW v AS SELECT id, k FROM sbtest1 WHERE k > 1",
        "UPDATE sbtest1 a JOIN sbtest1 b ON a.id = b.k SET a.c = b.c WHERE b.id < 3",
        "INSERT INTO sbtest1 (id, k) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE k = new.k + sbtest1.k",
        "CREATE TEMPORARY TABLE tt (a INT CHECK (a > 0)); INSERT INTO tt VALUES (1); SELECT * FROM tt",
        "EXPLAIN SELECT c FROM sbtest1 WHERE id IN (SELECT k FROM sbtest1) ORDER BY c",
    ];

    [Fact]
    public async Task MutatedStatementsOnlyRaiseMySqlErrors()
    {
        await RunAsync("CREATE DATABASE z; USE z; CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id))");
        await RunAsync("INSERT INTO sbtest1 (k, c, pad) VALUES (1, 'a', 'b'), (2, 'c', 'd'), (3, 'e', 'f')");
        var random = new Random(20261124);
        const string alphabet = "abcXYZ019 '\"`()[],.;=<>!+-*/%&|^~@?#\\\n\t_$";
        int errors = 0;
        for (int i = 0; i < 3000; i++)
        {
            var sql = s_seeds[random.Next(s_seeds.Length)].ToCharArray().ToList();
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations && sql.Count > 0; m++)
            {
                int at = random.Next(sql.Count);
                switch (random.Next(3))
                {
                    case 0:
                        sql.RemoveAt(at);
                        break;
                    case 1:
                        sql.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        sql.RemoveRange(at, Math.Min(sql.Count - at, random.Next(1, 8)));
                        break;
                }
            }
            string text = new(sql.ToArray());
            try
            {
                await RunAsync(text);
            }
            catch (MySqlErrorException)
            {
                errors++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{ex.GetType().Name} for: {text}\n{ex}");
            }
            Session.Reset();
            await OkAsync("USE z");
        }
        Assert.True(errors > 100);
        Assert.Equal("1", await ScalarAsync("SELECT 1"));
        Assert.NotNull(await ScalarAsync("SELECT COUNT(*) FROM sbtest1"));
    }
}
