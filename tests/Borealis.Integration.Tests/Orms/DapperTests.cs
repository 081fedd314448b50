using Borealis.Testing;
using Dapper;
using MySqlConnector;

namespace Borealis.Integration.Tests.Orms;

/// <summary>Dapper on MySqlConnector against a real borealis process: parameter objects and lists, LAST_INSERT_ID,
/// IN-list expansion, multi-mapping over a join, several result sets, transactions and the duplicate-key error.</summary>
public sealed class DapperTests(InstanceFixture fixture) : BorealisTest, IClassFixture<InstanceFixture>
{
    static readonly DateTime s_created = new(2026, 5, 1, 9, 15, 30, 250, 125);

    async Task<MySqlConnection> OpenAsync(string database)
    {
        await using (var admin = await fixture.Instance.OpenAsync())
            await admin.ExecuteAsync($"CREATE DATABASE {database}");
        var connection = await fixture.Instance.OpenAsync(database);
        await connection.ExecuteAsync("""
            CREATE TABLE Customer (Id INT AUTO_INCREMENT PRIMARY KEY, Name VARCHAR(50) NOT NULL UNIQUE, Country CHAR(2));
            CREATE TABLE Product (Id BIGINT AUTO_INCREMENT PRIMARY KEY, Name VARCHAR(100) NOT NULL, Price DECIMAL(10,2) NOT NULL,
                InStock BOOLEAN NOT NULL, Created DATETIME(6) NOT NULL, Photo BLOB, Sku CHAR(36) NOT NULL);
            CREATE TABLE Orders (Id INT AUTO_INCREMENT PRIMARY KEY, CustomerId INT NOT NULL, ProductId BIGINT NOT NULL, Quantity INT NOT NULL,
                KEY ix_customer (CustomerId));
            """);
        return connection;
    }

    [Fact]
    public async Task ParameterObjectsRoundTripEveryPropertyType()
    {
        await using var db = await OpenAsync("dapper_types");
        var sku = Guid.Parse("6f1c2a8e-3b7d-4c59-9e21-0a4b5c6d7e8f");
        long id = await db.QuerySingleAsync<long>(
            "INSERT INTO Product (Name, Price, InStock, Created, Photo, Sku) VALUES (@Name, @Price, @InStock, @Created, @Photo, @Sku); SELECT LAST_INSERT_ID();",
            new { Name = "Gizmo ✓ 😀", Price = 1234.56m, InStock = true, Created = s_created, Photo = new byte[] { 0, 0x80, 0xff }, Sku = sku });
        Assert.Equal(1, id);
        var inserted = await db.ExecuteAsync(
            "INSERT INTO Product (Name, Price, InStock, Created, Photo, Sku) VALUES (@Name, @Price, @InStock, @Created, @Photo, @Sku)",
            Enumerable.Range(1, 4).Select(i => new Product { Name = $"Widget {i}", Price = i * 0.5m, InStock = i % 2 == 0, Created = s_created.AddDays(i), Sku = Guid.Empty }));
        Assert.Equal(4, inserted);

        var gizmo = await db.QuerySingleAsync<Product>("SELECT * FROM Product WHERE Id = @id", new { id });
        Assert.Equal("Gizmo ✓ 😀", gizmo.Name);
        Assert.Equal(1234.56m, gizmo.Price);
        Assert.True(gizmo.InStock);
        Assert.Equal(s_created, gizmo.Created);
        Assert.Equal(new byte[] { 0, 0x80, 0xff }, gizmo.Photo);
        Assert.Equal(sku, gizmo.Sku);

        var some = (await db.QueryAsync<Product>("SELECT * FROM Product WHERE Id IN @ids AND InStock = @inStock ORDER BY Price DESC",
            new { ids = new long[] { 2, 3, 4 }, inStock = false })).ToList();
        Assert.Equal(["Widget 3", "Widget 1"], some.Select(p => p.Name));
        Assert.All(some, p => Assert.Null(p.Photo));
        Assert.Equal(5.00m, await db.ExecuteScalarAsync<decimal>("SELECT SUM(Price) FROM Product WHERE Name LIKE @pattern", new { pattern = "Widget%" }));
    }

    [Fact]
    public async Task MultiMappingAndMultipleResultSets()
    {
        await using var db = await OpenAsync("dapper_joins");
        await db.ExecuteAsync("INSERT INTO Customer (Name, Country) VALUES (@Name, @Country)",
            new[] { new { Name = "Ada", Country = "GB" }, new { Name = "Grace", Country = "US" } });
        await db.ExecuteAsync("INSERT INTO Product (Name, Price, InStock, Created, Sku) VALUES ('Gizmo', 2.50, 1, NOW(6), UUID()), ('Widget', 1.25, 1, NOW(6), UUID())");
        await db.ExecuteAsync("INSERT INTO Orders (CustomerId, ProductId, Quantity) VALUES (@c, @p, @q)",
            new[] { new { c = 1, p = 1L, q = 3 }, new { c = 2, p = 2L, q = 1 }, new { c = 1, p = 2L, q = 7 } });

        var orders = (await db.QueryAsync<Order, Customer, Order>(
            "SELECT o.Id, o.Quantity, c.Id, c.Name, c.Country FROM Orders o JOIN Customer c ON c.Id = o.CustomerId ORDER BY o.Id",
            (order, customer) => { order.Customer = customer; return order; }, splitOn: "Id")).ToList();
        Assert.Equal([(1, 3, "Ada"), (2, 1, "Grace"), (3, 7, "Ada")], orders.Select(o => (o.Id, o.Quantity, o.Customer!.Name)));

        await using var grid = await db.QueryMultipleAsync("""
            SELECT Name FROM Customer ORDER BY Name;
            SELECT c.Name AS Customer, SUM(o.Quantity * p.Price) AS Total FROM Orders o JOIN Customer c ON c.Id = o.CustomerId
              JOIN Product p ON p.Id = o.ProductId GROUP BY c.Name ORDER BY Total DESC;
            SELECT COUNT(*) FROM Orders WHERE CustomerId = @id;
            """, new { id = 1 });
        Assert.Equal(["Ada", "Grace"], await grid.ReadAsync<string>());
        Assert.Equal([("Ada", 16.25m), ("Grace", 1.25m)], (await grid.ReadAsync<(string Customer, decimal Total)>()).ToList());
        Assert.Equal(2, await grid.ReadSingleAsync<long>());
    }

    [Fact]
    public async Task ATransactionRollsBackAndADuplicateKeyIs1062()
    {
        await using var db = await OpenAsync("dapper_tx");
        await db.ExecuteAsync("INSERT INTO Customer (Name) VALUES (@name)", new { name = "Ada" });
        await using (var transaction = await db.BeginTransactionAsync(TestToken))
        {
            await db.ExecuteAsync("INSERT INTO Customer (Name) VALUES (@name)", new[] { new { name = "Tmp1" }, new { name = "Tmp2" } }, transaction);
            Assert.Equal(3, await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM Customer", transaction: transaction));
            await transaction.RollbackAsync(TestToken);
        }
        Assert.Equal(["Ada"], await db.QueryAsync<string>("SELECT Name FROM Customer"));

        var error = await Assert.ThrowsAsync<MySqlException>(() => db.ExecuteAsync("INSERT INTO Customer (Name) VALUES (@name)", new { name = "ada" }));
        Assert.Equal(MySqlErrorCode.DuplicateKeyEntry, error.ErrorCode);
        Assert.Equal("23000", error.SqlState);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM Customer"));
    }

    public sealed class Product
    {
        public long Id { get; set; }

        public string Name { get; set; } = "";

        public decimal Price { get; set; }

        public bool InStock { get; set; }

        public DateTime Created { get; set; }

        public byte[]? Photo { get; set; }

        public Guid Sku { get; set; }
    }

    public sealed class Customer
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";

        public string? Country { get; set; }
    }

    public sealed class Order
    {
        public int Id { get; set; }

        public int Quantity { get; set; }

        public Customer? Customer { get; set; }
    }
}
