namespace Borealis.Integration.Tests.Drivers;

/// <summary>MySqlConnector through the driver contract, with client-side parameters (its default).</summary>
public sealed class MySqlConnectorDriverTests(MySqlConnectorDriverTests.Report report)
    : DriverContractTests<MySqlConnectorDriverTests.Report>(report), IClassFixture<MySqlConnectorDriverTests.Report>
{
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

        protected override AdoProvider Provider(InstanceProcess instance) => new("MySqlConnector",
            () => new MySqlConnector.MySqlConnection(instance.ConnectionString()),
            ex => (((MySqlConnector.MySqlException)ex).Number, ex.SqlState),
            (reader, i) => reader.IsDBNull(i) ? null : ((MySqlConnector.MySqlDataReader)reader).GetMySqlDecimal(i).ToString());
    }
}
