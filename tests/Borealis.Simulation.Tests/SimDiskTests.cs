namespace Borealis.Simulation.Tests;

public sealed class SimDiskTests
{
    [Fact]
    public void SyncedBytesAndSyncedNamesSurviveEveryCrash()
    {
        for (ulong seed = 1; seed <= 200; seed++)
        {
            var random = new SimRandom(seed);
            var disk = new SimDisk();
            var data = new byte[3000];
            random.NextBytes(data);
            using (var file = disk.Open("log", create: true))
            {
                file.Write(0, data);
                file.Sync();
            }
            disk.SyncDirectory();
            using (var file = disk.Open("log", create: false))
            {
                file.Write(1000, new byte[4000]);
                file.SetLength(100);
            }
            disk.Open("temp", create: true).Dispose();
            disk.Crash(random);

            Assert.True(disk.Exists("log"));
            using var after = disk.Open("log", create: false);
            var read = new byte[after.Length];
            after.Read(0, read);
            // Whatever survived of the unsynced writes, the synced prefix that they did not overwrite is intact.
            Assert.Equal(data.AsSpan(0, Math.Min(100, read.Length)).ToArray(), read.AsSpan(0, Math.Min(100, read.Length)).ToArray());
        }
    }

    [Fact]
    public void UnsyncedWritesAreSometimesLostAndSometimesTorn()
    {
        int lost = 0, torn = 0, kept = 0;
        for (ulong seed = 1; seed <= 300; seed++)
        {
            var random = new SimRandom(seed);
            var disk = new SimDisk();
            using (var file = disk.Open("log", create: true))
                file.Sync();
            disk.SyncDirectory();
            var data = new byte[2048];
            data.AsSpan().Fill(0xAB);
            using (var file = disk.Open("log", create: false))
                file.Write(0, data);
            disk.Crash(random);
            using var after = disk.Open("log", create: false);
            var read = new byte[after.Length];
            after.Read(0, read);
            int ab = read.Count(b => b == 0xAB);
            if (ab == 0)
                lost++;
            else if (ab == data.Length)
                kept++;
            else
                torn++;
        }
        Assert.True(lost > 0, "some crash loses the unsynced write");
        Assert.True(torn > 0, "some crash tears the unsynced write");
        Assert.True(kept > 0, "some crash keeps the unsynced write whole");
    }

    [Fact]
    public void AnUnsyncedRenameMayBeLostButASyncedOneIsNot()
    {
        int lostRenames = 0;
        for (ulong seed = 1; seed <= 100; seed++)
        {
            var random = new SimRandom(seed);
            var disk = new SimDisk();
            using (var file = disk.Open("map.tmp", create: true))
            {
                file.Write(0, "v1"u8);
                file.Sync();
            }
            disk.Rename("map.tmp", "map");
            if (seed % 2 == 0)
                disk.SyncDirectory();
            disk.Crash(random);
            if (seed % 2 == 0)
            {
                Assert.True(disk.Exists("map"));
                Assert.False(disk.Exists("map.tmp"));
            }
            else if (!disk.Exists("map"))
            {
                lostRenames++;
            }
        }
        Assert.True(lostRenames > 0);
    }

    [Fact]
    public void HandlesOpenedBeforeACrashAreRefused()
    {
        var disk = new SimDisk();
        var file = disk.Open("x", create: true);
        disk.Crash(new SimRandom(1));
        Assert.Throws<InvalidOperationException>(() => file.Write(0, "a"u8));
    }

    [Fact]
    public void ABitFlipChangesExactlyOneBit()
    {
        var disk = new SimDisk();
        var data = new byte[64];
        using (var file = disk.Open("seg", create: true))
        {
            file.Write(0, data);
            file.Sync();
        }
        Assert.NotNull(disk.FlipRandomBit(new SimRandom(3)));
        using var after = disk.Open("seg", create: false);
        var read = new byte[64];
        after.Read(0, read);
        Assert.Equal(1, read.Sum(b => System.Numerics.BitOperations.PopCount(b)));
    }

    [Fact]
    public void TransientErrorsAreInjectedAtTheGivenRate()
    {
        var disk = new SimDisk();
        disk.SetTransientErrors(0.5, new SimRandom(9));
        int errors = 0;
        for (int i = 0; i < 100; i++)
        {
            try
            {
                disk.Open("f", create: true).Dispose();
            }
            catch (IOException)
            {
                errors++;
            }
        }
        Assert.InRange(errors, 30, 70);
        Assert.Equal(errors, disk.InjectedErrors);
    }
}
