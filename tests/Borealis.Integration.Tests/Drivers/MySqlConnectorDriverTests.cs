namespace Borealis.Integration.Tests.Drivers;

/// <summary>MySqlConnector through the driver contract, with client-side parameters (its default).</summary>
public sealed class MySqlConnectorDriverTests(MySqlConnectorDriverTests.Report report)
    : DriverContractTests<MySqlConnectorDriverTests.Report>(report), IClassFixture<MySqlConnectorDriverTests.Report>
{
    /// <summary>The report of MySqlConnector against a fresh instance; a derived report picks server-side
    /// prepared statements (binary protocol).</summary>
    public class Report : DriverReport
    {
        readonly bool _prepare;
        public Report()
            : this(prepare: false)
        {
        }

        protected Report(bool prepare)
        {
            _prepare = prepare;
        }

        protected override string? Unavailable() => null;

        protected override Task<string> RunAsync(InstanceProcess instance) =>
            new AdoDriver(new AdoProvider("MySqlConnector",
                () => new MySqlConnector.MySqlConnection(instance.ConnectionString()),
                ex => (((MySqlConnector.MySqlException)ex).Number, ex.SqlState),
                (reader, i) => reader.IsDBNull(i) ? null : ((MySqlConnector.MySqlDataReader)reader).GetMySqlDecimal(i).ToString()), _prepare).RunAsync();
    }
}
