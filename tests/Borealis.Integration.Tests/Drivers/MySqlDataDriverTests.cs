using MySql.Data.MySqlClient;

namespace Borealis.Integration.Tests.Drivers;

/// <summary>Oracle's MySql.Data (Connector/NET) through the driver contract, with client-side parameters (its default).</summary>
public sealed class MySqlDataDriverTests(MySqlDataDriverTests.Report report)
    : DriverContractTests<MySqlDataDriverTests.Report>(report), IClassFixture<MySqlDataDriverTests.Report>
{
    /// <summary>MySql.Data drops the SQLSTATE of a server error: MySqlException.SqlState is empty whatever the server
    /// sends (MySqlConnector, mysql2 and Connector/J read 23000 from the same packet).</summary>
    protected override bool ExposesSqlState => false;

    public class Report : AdoDriverReport
    {
        public Report()
            : base(prepare: false)
        {
        }

        protected Report(bool prepare)
            : base(prepare)
        {
        }

        protected override AdoProvider Provider(InstanceProcess instance) => new("MySql.Data",
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
            // IsDBNull and GetValue throw OverflowException on a DECIMAL(65,30) value; GetMySqlDecimal reads it.
            (reader, i) => ((MySqlDataReader)reader).GetMySqlDecimal(i) is { IsNull: false } d ? d.ToString() : null);
    }
}
