using Borealis.Testing;
using Microsoft.EntityFrameworkCore;

namespace Borealis.Integration.Tests.Orms;

/// <summary>
/// Entity Framework Core 9 with Pomelo.EntityFrameworkCore.MySql 9 against a real borealis process: the migration
/// in Migrations/ creates the schema (Database.Migrate, with Pomelo's migration lock and __EFMigrationsHistory),
/// then a small model with relations is saved, queried with LINQ (Include, joins, ordering, paging, grouping),
/// updated and deleted. Each test uses its own database on one shared instance.
/// </summary>
public sealed class EfCoreTests(InstanceFixture fixture) : BorealisTest, IClassFixture<InstanceFixture>
{
    const string MigrationId = "20261124152014_InitialCreate";

    static readonly DateTime s_start = new(2026, 5, 1, 8, 30, 15, 123, 456, DateTimeKind.Unspecified);

    async Task<BloggingContext> MigratedAsync(string database)
    {
        var db = Context(database);
        await db.Database.MigrateAsync(TestToken);
        return db;
    }

    BloggingContext Context(string database)
    {
        var connectionString = fixture.Instance.ConnectionString(database);
        var options = new DbContextOptionsBuilder<BloggingContext>()
            .UseMySql(connectionString, ServerVersion.AutoDetect(connectionString))
            .Options;
        return new BloggingContext(options);
    }

    /// <summary>Two blogs: "Storage" with posts 0..6 (ratings 0..6, tags), "Replicas" with posts 0..2.</summary>
    static async Task SeedAsync(BloggingContext db)
    {
        var tags = new[] { "db", "aurora", "sql" }.Select(n => new Tag { Name = n }).ToArray();
        var storage = new Blog { Name = "Storage", Url = "https://example.com/storage", CreatedAt = s_start };
        var replicas = new Blog { Name = "Replicas", CreatedAt = s_start.AddDays(1) };
        for (int i = 0; i < 7; i++)
        {
            var post = new Post
            {
                Title = $"Storage post {i}",
                Content = i == 0 ? "Quorums of 4/6 — ünïcode 😀" : $"Body {i}",
                Rating = i,
                Price = 10.25m * i,
                IsDraft = i % 2 == 1,
                PublishedAt = s_start.AddHours(i).AddTicks(i * 10),
                Thumbnail = i == 0 ? [0, 1, 0x7f, 0x80, 0xff] : null,
                PublicId = new Guid(i + 1, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11]),
            };
            post.Tags.Add(tags[i % 3]);
            if (i % 2 == 0)
                post.Tags.Add(tags[(i + 1) % 3]);
            storage.Posts.Add(post);
        }
        for (int i = 0; i < 3; i++)
            replicas.Posts.Add(new Post { Title = $"Replica post {i}", Rating = 10 + i, PublishedAt = s_start.AddDays(2 + i), PublicId = Guid.NewGuid() });
        db.Blogs.AddRange(storage, replicas);
        Assert.Equal(2 + 10 + 3 + 11, await db.SaveChangesAsync(TestToken));
    }

    [Fact]
    public async Task MigrateCreatesTheSchemaOnce()
    {
        await using (var db = await MigratedAsync("ef_schema"))
        {
            Assert.Equal([MigrationId], await db.Database.GetAppliedMigrationsAsync(TestToken));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestToken));
            var tables = await db.Database.SqlQueryRaw<string>(
                "SELECT TABLE_NAME AS Value FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ef_schema' ORDER BY TABLE_NAME").ToListAsync(TestToken);
            Assert.Equal(["__EFMigrationsHistory", "Blogs", "Posts", "PostTag", "Tags"], tables, StringComparer.OrdinalIgnoreCase);
            var indexes = await db.Database.SqlQueryRaw<string>(
                "SELECT DISTINCT INDEX_NAME AS Value FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'ef_schema' AND TABLE_NAME = 'Posts' ORDER BY INDEX_NAME").ToListAsync(TestToken);
            Assert.Equal(["IX_Posts_BlogId", "IX_Posts_PublishedAt", "PRIMARY"], indexes);
        }
        // A second Migrate finds the migration applied and changes nothing.
        await using (var again = await MigratedAsync("ef_schema"))
            Assert.Equal([MigrationId], await again.Database.GetAppliedMigrationsAsync(TestToken));
    }

    [Fact]
    public async Task ASavedGraphIsQueriedWithIncludeJoinsOrderingAndPaging()
    {
        await using (var db = await MigratedAsync("ef_query"))
            await SeedAsync(db);
        await using var read = Context("ef_query");

        var blogs = await read.Blogs.Include(b => b.Posts).ThenInclude(p => p.Tags).OrderBy(b => b.Name).ToListAsync(TestToken);
        Assert.Equal(["Replicas", "Storage"], blogs.Select(b => b.Name));
        Assert.Equal(3, blogs[0].Posts.Count);
        var storage = blogs[1];
        Assert.Equal(7, storage.Posts.Count);
        var first = storage.Posts.Single(p => p.Rating == 0);
        Assert.Equal("Quorums of 4/6 — ünïcode 😀", first.Content);
        Assert.Equal(s_start, first.PublishedAt);
        Assert.Equal(0m, first.Price);
        Assert.Equal(new byte[] { 0, 1, 0x7f, 0x80, 0xff }, first.Thumbnail);
        Assert.Equal(new Guid(1, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11]), first.PublicId);
        Assert.Equal(["aurora", "db"], first.Tags.Select(t => t.Name).Order());
        var third = storage.Posts.Single(p => p.Rating == 3);
        Assert.Equal(30.75m, third.Price);
        Assert.True(third.IsDraft);
        Assert.Equal(s_start.AddHours(3).AddTicks(30), third.PublishedAt);

        // Paging: LIMIT @p OFFSET @p0 (variables become parameters), ordered by two keys.
        int skip = 2, take = 3;
        var page = await read.Posts.Where(p => p.Blog.Name == "Storage").OrderByDescending(p => p.Rating).ThenBy(p => p.Id)
            .Skip(skip).Take(take).Select(p => p.Title).ToListAsync(TestToken);
        Assert.Equal(["Storage post 4", "Storage post 3", "Storage post 2"], page);

        // An explicit join, a filter through the many-to-many table, and a projection.
        var tagged = await (from p in read.Posts
                            join b in read.Blogs on p.BlogId equals b.Id
                            where p.Tags.Any(t => t.Name == "sql") && !p.IsDraft
                            orderby p.PublishedAt
                            select new { Blog = b.Name, p.Title }).ToListAsync(TestToken);
        Assert.Equal([("Storage", "Storage post 2"), ("Storage", "Storage post 4")], tagged.Select(x => (x.Blog, x.Title)));

        // Grouping and aggregates.
        var stats = await read.Posts.GroupBy(p => p.Blog.Name).OrderBy(g => g.Key)
            .Select(g => new { Blog = g.Key, Count = g.Count(), Best = g.Max(p => p.Rating), Total = g.Sum(p => p.Price) }).ToListAsync(TestToken);
        Assert.Equal([("Replicas", 3, 12, 0m), ("Storage", 7, 6, 215.25m)], stats.Select(s => (s.Blog, s.Count, s.Best, s.Total)));

        // String and date predicates, Find, Count, Any.
        Assert.Equal(6, await read.Posts.CountAsync(p => p.Title.StartsWith("Storage") && p.Content.Contains("Body"), TestToken));
        Assert.Equal(3, await read.Posts.CountAsync(p => p.PublishedAt > s_start.AddHours(3).AddTicks(30) && p.BlogId == storage.Id, TestToken));
        Assert.True(await read.Tags.AnyAsync(t => t.Name == "aurora", TestToken));
        var found = await read.Posts.FindAsync([first.Id], TestToken);
        Assert.Equal("Storage post 0", found!.Title);
    }

    [Fact]
    public async Task UpdatesAndDeletesAreSaved()
    {
        await using (var db = await MigratedAsync("ef_write"))
            await SeedAsync(db);

        await using (var db = Context("ef_write"))
        {
            var post = await db.Posts.Include(p => p.Tags).SingleAsync(p => p.Title == "Storage post 2", TestToken);
            post.Title = "Renamed";
            post.Rating = 99;
            post.Tags.RemoveAll(t => t.Name == "sql");
            var doomed = await db.Posts.SingleAsync(p => p.Title == "Storage post 5", TestToken);
            db.Posts.Remove(doomed);
            await db.SaveChangesAsync(TestToken);

            // Set-based update and delete (EF Core 7+): one UPDATE and one DELETE statement.
            Assert.Equal(3, await db.Posts.Where(p => p.Blog.Name == "Replicas").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsDraft, true), TestToken));
            Assert.Equal(1, await db.Posts.Where(p => p.Title == "Storage post 6").ExecuteDeleteAsync(TestToken));
        }

        await using (var db = Context("ef_write"))
        {
            var renamed = await db.Posts.Include(p => p.Tags).SingleAsync(p => p.Rating == 99, TestToken);
            Assert.Equal("Renamed", renamed.Title);
            Assert.Equal(["db"], renamed.Tags.Select(t => t.Name));
            Assert.False(await db.Posts.AnyAsync(p => p.Title == "Storage post 5" || p.Title == "Storage post 6", TestToken));
            Assert.Equal(3, await db.Posts.CountAsync(p => p.IsDraft && p.Blog.Name == "Replicas", TestToken));

            // Deleting a blog with its posts loaded deletes the posts (EF's cascade of tracked dependents).
            var replicas = await db.Blogs.Include(b => b.Posts).SingleAsync(b => b.Name == "Replicas", TestToken);
            db.Blogs.Remove(replicas);
            await db.SaveChangesAsync(TestToken);
        }

        await using (var db = Context("ef_write"))
        {
            Assert.Equal(["Storage"], await db.Blogs.Select(b => b.Name).ToListAsync(TestToken));
            Assert.Equal(
                ["Renamed", "Storage post 0", "Storage post 1", "Storage post 3", "Storage post 4"],
                await db.Posts.OrderBy(p => p.Title).Select(p => p.Title).ToListAsync(TestToken));
        }
    }

    [Fact]
    public async Task AUniqueIndexViolationIs1062AndATransactionRollsBack()
    {
        await using (var db = await MigratedAsync("ef_errors"))
        {
            db.Tags.Add(new Tag { Name = "db" });
            await db.SaveChangesAsync(TestToken);
        }

        await using (var db = Context("ef_errors"))
        {
            db.Tags.Add(new Tag { Name = "db" });
            var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(TestToken));
            var inner = Assert.IsType<MySqlConnector.MySqlException>(error.InnerException);
            Assert.Equal(MySqlConnector.MySqlErrorCode.DuplicateKeyEntry, inner.ErrorCode);
            Assert.Equal("23000", inner.SqlState);
        }

        await using (var db = Context("ef_errors"))
        {
            await using (var transaction = await db.Database.BeginTransactionAsync(TestToken))
            {
                db.Tags.AddRange(new Tag { Name = "gone 1" }, new Tag { Name = "gone 2" });
                await db.SaveChangesAsync(TestToken);
                Assert.Equal(3, await db.Tags.CountAsync(TestToken));
                await transaction.RollbackAsync(TestToken);
            }
            Assert.Equal(["db"], await db.Tags.AsNoTracking().Select(t => t.Name).ToListAsync(TestToken));
        }
    }
}
