using Borealis.Testing;
using Borealis.Volume;

namespace Borealis.Engine.Tests;

public sealed class DurabilityTests : BorealisTest
{
    [Fact]
    public async Task RepliesWaitUntilTheCommitTheyDependOnIsDurable()
    {
        var volume = new ManualDurabilityVolume(new InMemoryVolume());
        await using var database = Database.Open(volume, new DatabaseOptions { LockWaitTimeout = TimeSpan.FromSeconds(5) });
        using var writer = database.OpenConnection();
        using var reader = database.OpenConnection();
        await Sql.WriteAsync(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY)", TestToken);
        volume.Flush();
        await writer.WaitForDurableAsync(TestToken);

        await Sql.WriteAsync(writer, "INSERT INTO t VALUES (1)", TestToken);
        var commit = database.CommittedLsn;
        Assert.Equal(commit, writer.ReplyLsn);
        Assert.True(database.DurableLsn < commit);
        // The write lock is free before durability: the next writer does not wait for the flush (group commit).
        await Sql.WriteAsync(reader, "INSERT INTO t VALUES (2)", TestToken);

        var writerReply = writer.WaitForDurableAsync(TestToken).AsTask();
        // A reader that saw the undurable commit must not reply before it is durable either.
        Assert.Equal(2, Sql.Long(reader, "SELECT COUNT(*) FROM t"));
        var readerReply = reader.WaitForDurableAsync(TestToken).AsTask();
        Assert.False(writerReply.IsCompleted);
        Assert.False(readerReply.IsCompleted);

        volume.Flush();
        await writerReply;
        await readerReply;
        Assert.True(database.DurableLsn >= reader.ReplyLsn);
    }

    [Fact]
    public async Task OpeningOnAVolumeOfAnotherPageSizeFails()
    {
        await using var volume = new InMemoryVolume(pageSize: 8192);
        Assert.Throws<ArgumentException>(() => Database.Open(volume));
    }
}
