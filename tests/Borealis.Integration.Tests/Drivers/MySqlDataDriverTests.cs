using MySql.Data.MySqlClient;

namespace Borealis.Integration.Tests.Drivers;

/// <summary>Oracle's MySql.Data (Connector/NET) through the driver contract, with client-side parameters (its
/// default) or server-side prepared statements.</summary>
public abstract class MySqlDataReport(bool prepare) : DriverReport
{
    protected override string? Unavailable() => null;

    protected override Task<string> RunAsync(InstanceProcess instance) =>
        new AdoDriver(new AdoProvider("MySql.Data",
            () => new MySqlConnection(new MySqlConnectionStringBuilder
            {
                Server = "127.0.0.1",
                Port = (uint)instance.Port,
                UserID = "admin",
                Password = InstanceProcess.Password,
                SslMode = MySqlSslMode.Disabled,
                AllowPublicKeyRetrieval = true,
                Pooling = false,
            }.ConnectionString),
            ex => (((MySqlException)ex).Number, ((MySqlException)ex).SqlState),
            (reader, i) => ((MySqlDataReader)reader).GetMySqlDecimal(i) is { IsNull: false } d ? d.ToString() : null), prepare).RunAsync();
}

public sealed class MySqlDataTextReport() : MySqlDataReport(prepare: false);

public sealed class MySqlDataPreparedReport() : MySqlDataReport(prepare: true);

public sealed class MySqlDataDriverTests(MySqlDataTextReport report)
    : DriverContractTests<MySqlDataTextReport>(report), IClassFixture<MySqlDataTextReport>
{
    /// <summary>MySql.Data drops the SQLSTATE of a server error (MySqlException.SqlState is empty; it reads the
    /// "#23000" marker and discards it), whatever the server sends.</summary>
    protected override bool ExposesSqlState => false;
}

public sealed class MySqlDataPreparedDriverTests(MySqlDataPreparedReport report)
    : DriverContractTests<MySqlDataPreparedReport>(report), IClassFixture<MySqlDataPreparedReport>
{
    protected override bool ExposesSqlState => false;
}
