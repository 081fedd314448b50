using System.Net.Sockets;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// Bad input against a real process: garbage and mutated packets on raw sockets, and mutated statements from a
/// real client. Afterwards the server still answers and the data is exactly what it was.
/// </summary>
public sealed class BadInputTests : BorealisTest
{
    static readonly string[] s_corpus =
    [
        "SELECT id, name, balance FROM fz.account WHERE id = 3",
        "SELECT COUNT(*), SUM(balance) FROM fz.account WHERE name LIKE 'a%'",
        "SELECT a.id FROM fz.account a JOIN fz.account b ON a.id = b.id ORDER BY a.id DESC LIMIT 2, 3",
        "SELECT name, balance * 2 AS twice FROM fz.account GROUP BY name HAVING twice > 10",
        "SELECT CONCAT(name, '-', id), IFNULL(NULL, 'x'), COALESCE(NULL, 2) FROM fz.account",
        "SELECT * FROM fz.account WHERE id IN (SELECT id FROM fz.account WHERE balance > 5) UNION SELECT 1, 'u', 0",
        "SHOW TABLES FROM fz",
        "SELECT @@version, DATABASE(), NOW()",
        "INSERT INTO fz.scratch VALUES (1, 'abc')",
        "UPDATE fz.scratch SET v = 'q' WHERE id = 1",
    ];

    [Fact]
    public async Task MalformedPacketsAndMutatedStatementsLeaveTheServerServingAndTheDataIntact()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        await using var instance = await InstanceProcess.StartAsync();
        await using (var setup = await instance.OpenAsync())
        {
            await new MySqlCommand(
                "CREATE DATABASE fz; CREATE TABLE fz.account (id INT PRIMARY KEY, name VARCHAR(20), balance INT); " +
                "CREATE TABLE fz.scratch (id INT, v VARCHAR(10)); " +
                "INSERT INTO fz.account VALUES (1, 'alice', 10), (2, 'bob', 20), (3, 'carol', 30), (4, 'anna', 40)", setup).ExecuteNonQueryAsync(TestToken);
        }
        var before = await SnapshotAsync(instance);

        // 1. Raw sockets: random bytes, truncated and oversized headers, bad sequence ids.
        for (int i = 0; i < 60; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync("127.0.0.1", instance.Port, TestToken);
            var stream = socket.GetStream();
            var greeting = new byte[1024];
            using (var read = CancellationTokenSource.CreateLinkedTokenSource(TestToken))
            {
                read.CancelAfter(TimeSpan.FromSeconds(5));
                await stream.ReadAtLeastAsync(greeting, 1, throwOnEndOfStream: false, read.Token);
            }
            byte[] junk = (i % 4) switch
            {
                0 => RandomBytes(random, random.Next(1, 200)),
                1 => [0xff, 0xff, 0xff, 0x01, 0x00],                       // a 16 MiB header, then nothing
                2 => [0x05, 0x00, 0x00, 0x07, 0x03, 0x53, 0x45, 0x4c],    // wrong sequence id, truncated
                _ => [0x01, 0x00, 0x00, 0x01],                              // a header without its payload
            };
            try
            {
                await stream.WriteAsync(junk, TestToken);
                await stream.FlushAsync(TestToken);
            }
            catch (IOException)
            {
                // The server closed first: fine.
            }
        }

        // 2. A real client sending mutated statements: every one gets a result or a MySQL error.
        await using (var fuzz = await instance.OpenAsync())
        {
            for (int i = 0; i < 400; i++)
            {
                var sql = Mutate(s_corpus[random.Next(s_corpus.Length)], random);
                try
                {
                    await using var command = new MySqlCommand(sql, fuzz);
                    await using var reader = await command.ExecuteReaderAsync(TestToken);
                    while (await reader.ReadAsync(TestToken))
                    {
                    }
                }
                catch (MySqlException ex) when (ex.ErrorCode != MySqlErrorCode.UnableToConnectToHost)
                {
                    Assert.True(fuzz.State == System.Data.ConnectionState.Open || ex.ErrorCode != 0,
                        $"seed {seed}: '{sql}' broke the session: {ex.Message}");
                    if (fuzz.State != System.Data.ConnectionState.Open)
                        await fuzz.OpenAsync(TestToken);
                }
            }
        }

        var after = await SnapshotAsync(instance);
        Assert.True(before == after, $"seed {seed}: data changed:\n{before}\n---\n{after}");
    }

    static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    static string Mutate(string sql, Random random)
    {
        var chars = sql.ToList();
        int edits = random.Next(1, 4);
        const string alphabet = "'\"`()*,;=<>!?%_\\ \n\t0123456789abcxyzSELECTFROM";
        for (int e = 0; e < edits && chars.Count > 0; e++)
        {
            int at = random.Next(chars.Count);
            switch (random.Next(3))
            {
                case 0: chars.RemoveAt(at); break;
                case 1: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                default: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
            }
        }
        return new string([.. chars]);
    }

    static async Task<string> SnapshotAsync(InstanceProcess instance)
    {
        await using var connection = await instance.OpenAsync();
        await using var command = new MySqlCommand("SELECT id, name, balance FROM fz.account ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            rows.Add($"{reader.GetInt32(0)}|{reader.GetString(1)}|{reader.GetInt32(2)}");
        return string.Join("\n", rows);
    }
}
