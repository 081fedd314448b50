using Borealis.Sql.Errors;
using Borealis.Sql.Results;

namespace Borealis.Sql.Tests;

/// <summary>
/// Behaviours the query corpus (Integration.Tests QueryCorpusTests, against MariaDB) found different from MySQL 8.0,
/// each pinned here in-process with MySQL's result.
/// </summary>
public sealed class MySqlCompatibilityTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("""
            CREATE DATABASE d; USE d;
            CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20), dept VARCHAR(10), salary DECIMAL(10,2), hired DATE);
            INSERT INTO emp VALUES (1, 'Ann', 'eng', 120000, '2019-03-01'), (2, 'Bob', 'eng', 95000.5, '2020-07-15'),
              (3, 'Cid', 'ops', 70000, '2021-01-10'), (4, 'Dee', 'ops', 72000, '2018-11-30')
            """);
    }

    async Task<string?[]> RowAsync(string sql) => Assert.Single(await RowsAsync(sql));

    [Fact]
    public async Task IfNullAndCoalesceTakeTheTypeOfTheirNonNullArguments()
    {
        var r = await ExecAsync("SELECT IFNULL(NULL, 'dflt'), COALESCE(NULL, NULL, 3)");
        Assert.Equal(["dflt", "3"], r.Rows[0]);
        Assert.Equal(MySqlColumnType.VarString, r.Columns![0].Type);
        Assert.Equal(MySqlColumnType.LongLong, r.Columns[1].Type);
    }

    [Fact]
    public async Task DecimalArithmeticIsExactAsInMySql()
    {
        Assert.Equal(["1", "0.0", "0.3"], await RowAsync("SELECT 0.1 + 0.2 = 0.3, 0.3 - 0.1 - 0.2, 0.1 + 0.2"));
        Assert.Equal("1", await ScalarAsync("SELECT 1.1 * 1.1 = 1.21"));
        await OkAsync("CREATE TABLE price (id INT PRIMARY KEY, p DECIMAL(10,2), q INT)");
        await OkAsync("INSERT INTO price VALUES (1, 0.10, 3), (2, 0.10, 3), (3, 0.10, 3), (4, 0.10, 3), (5, 0.10, 3), (6, 0.10, 3), (7, 0.10, 3), (8, 0.10, 3), (9, 0.10, 3), (10, 0.10, 3)");
        // As doubles, ten 0.1s sum to 0.9999999999999999 and 0.1 * 3 is 0.30000000000000004.
        Assert.Equal(["1.00", "1", "10"], await RowAsync("SELECT SUM(p), SUM(p) = 1, COUNT(*) FROM price"));
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM (SELECT q FROM price GROUP BY q HAVING SUM(p) = 1.00) s"));
        Assert.Equal("10", await ScalarAsync("SELECT COUNT(*) FROM price WHERE p * q = 0.3"));
        Assert.Equal("3.00", await ScalarAsync("SELECT SUM(p * q) FROM price"));
        Assert.Equal("1", await ScalarAsync("SELECT s = 1 FROM (SELECT id, SUM(p) OVER (ORDER BY id) AS s FROM price) w WHERE id = 10"));
        // Where a string is wanted, a DECIMAL keeps its scale, as MySQL shows it.
        Assert.Equal(["0.10", "$0.10", "0.10|3", "4", "0.10", "2.20"], await RowAsync(
            "SELECT CONCAT(p), CONCAT('$', p), CONCAT_WS('|', p, q), LENGTH(p), CAST(p AS CHAR), CONCAT(1.10 + 1.10) FROM price WHERE id = 1"));
        Assert.Equal("0.10,0.10,0.10", await ScalarAsync("SELECT GROUP_CONCAT(p ORDER BY id) FROM price WHERE id <= 3"));
        Assert.Null(await ScalarAsync("SELECT CONCAT(NULL + p) FROM price WHERE id = 1"));
    }

    [Fact]
    public async Task StatementsOfOneShapeWithLiteralsOfOtherKindsAreTranslatedAgain()
    {
        // Plans are shared by statements that differ only in their literals, but a string compares differently from a
        // number and exact arithmetic is rounded to the literals' scale: those must not share a plan.
        Assert.Equal("0.3", await ScalarAsync("SELECT 0.1 + 0.2"));
        Assert.Equal("3", await ScalarAsync("SELECT 1 + 2"));
        Assert.Equal("0.75", await ScalarAsync("SELECT 0.25 + 0.5"));
        Assert.Equal("1.50", await ScalarAsync("SELECT 0.75 + 0.75"));
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM emp WHERE name = 0 AND id = 1"));
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM emp WHERE name = 'Ann' AND id = 1"));
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM emp WHERE name IN (7, 8)"));
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM emp WHERE name IN ('Ann', 'Bob')"));
    }

    [Fact]
    public async Task AStringColumnComparedWithANumberComparesAsANumber()
    {
        await OkAsync("CREATE TABLE code (id INT PRIMARY KEY, v VARCHAR(10), e ENUM('a', 'b'))");
        await OkAsync("INSERT INTO code VALUES (1, 'Ann', 'a'), (2, '0', 'b'), (3, '7', 'a'), (4, '7.0', 'b'), (5, '12abc', 'a'), (6, NULL, NULL)");
        // 'Ann' and '0' are 0; '7' and '7.0' are 7; '12abc' is 12 (MySQL warns of the truncation).
        Assert.Equal([["1"], ["2"]], await RowsAsync("SELECT id FROM code WHERE v = 0 ORDER BY id"));
        Assert.Equal([["3"], ["4"]], await RowsAsync("SELECT id FROM code WHERE 7 = v ORDER BY id"));
        Assert.Equal([["5"]], await RowsAsync("SELECT id FROM code WHERE v > 10 ORDER BY id"));
        Assert.Equal([["3"]], await RowsAsync("SELECT id FROM code WHERE v = '7'"));
        // An ENUM compares with a number by its index, not as a number in its text.
        Assert.Equal([["2"], ["4"]], await RowsAsync("SELECT id FROM code WHERE e = 2 ORDER BY id"));
        // IN and BETWEEN with numbers only follow the same rules.
        Assert.Equal([["1"], ["2"], ["3"], ["4"]], await RowsAsync("SELECT id FROM code WHERE v IN (0, 7) ORDER BY id"));
        Assert.Equal([["3"], ["4"], ["5"]], await RowsAsync("SELECT id FROM code WHERE v BETWEEN 5 AND 12 ORDER BY id"));
        Assert.Equal([["3"]], await RowsAsync("SELECT id FROM code WHERE v IN ('7', 'x') ORDER BY id"));
        Assert.Equal([["2"], ["4"]], await RowsAsync("SELECT id FROM code WHERE e IN (2) ORDER BY id"));
        Assert.Equal([["1"], ["2"], ["3"], ["4"], ["5"]], await RowsAsync("SELECT id FROM code WHERE e BETWEEN 1 AND 2 ORDER BY id"));
    }

    [Fact]
    public async Task OnlyFullGroupByRefusesColumnsTheGroupDoesNotDetermine()
    {
        var e = await ErrorAsync("SELECT dept, name FROM emp GROUP BY dept");
        Assert.Equal(MySqlErrorCode.WrongFieldWithGroup, e.Code);
        Assert.Equal("Expression #2 of SELECT list is not in GROUP BY clause and contains nonaggregated column 'd.emp.name' which is not "
            + "functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by", e.Message);
        var mixed = await ErrorAsync("SELECT COUNT(*), name FROM emp");
        Assert.Equal(MySqlErrorCode.MixOfGroupFuncAndFields, mixed.Code);
        Assert.Equal("In aggregated query without GROUP BY, expression #2 of SELECT list contains nonaggregated column 'd.emp.name'; "
            + "this is incompatible with sql_mode=only_full_group_by", mixed.Message);
        Assert.Equal(MySqlErrorCode.WrongFieldWithGroup, (await ErrorAsync("SELECT dept, UPPER(name) FROM emp GROUP BY dept")).Code);
        Assert.Equal(MySqlErrorCode.WrongFieldWithGroup, (await ErrorAsync("SELECT e.dept, m.name FROM emp e LEFT JOIN emp m ON m.id = e.id GROUP BY e.dept")).Code);
        Assert.Equal(MySqlErrorCode.WrongFieldWithGroup, (await ErrorAsync("INSERT INTO emp (id, name) SELECT MAX(id) + 1, name FROM emp GROUP BY dept")).Code);

        // What MySQL 8 accepts: grouped columns and expressions, positions, aliases, aggregates, ANY_VALUE, a grouped key,
        // constants and equalities from WHERE and inner joins, subqueries.
        await OkAsync("CREATE TABLE dept (name VARCHAR(10) PRIMARY KEY, budget INT)");
        await OkAsync("INSERT INTO dept VALUES ('eng', 10), ('ops', 20)");
        Assert.Equal([["eng", "2"], ["ops", "2"]], await RowsAsync("SELECT dept, COUNT(*) FROM emp GROUP BY dept ORDER BY dept"));
        Assert.Equal([["eng", "2"], ["ops", "2"]], await RowsAsync("SELECT dept, COUNT(*) FROM emp GROUP BY 1 ORDER BY 1"));
        Assert.Equal([["eng", "2"], ["ops", "2"]], await RowsAsync("SELECT dept AS d, COUNT(*) FROM emp GROUP BY d ORDER BY d"));
        Assert.Equal([["ENG", "120000.00"], ["OPS", "72000.00"]], await RowsAsync("SELECT UPPER(dept), MAX(salary) FROM emp GROUP BY dept ORDER BY 1"));
        Assert.Equal([["2018", "1"], ["2019", "1"], ["2020", "1"], ["2021", "1"]], await RowsAsync("SELECT YEAR(hired), COUNT(*) FROM emp GROUP BY YEAR(hired) ORDER BY 1"));
        Assert.Equal([["1", "Ann", "eng"], ["2", "Bob", "eng"]], await RowsAsync("SELECT id, name, dept FROM emp WHERE dept = 'eng' GROUP BY id ORDER BY id"));
        Assert.Equal([["eng", "Ann"]], await RowsAsync("SELECT dept, name FROM emp WHERE name = 'Ann' GROUP BY dept"));
        Assert.Equal([["eng", "10", "2"], ["ops", "20", "2"]], await RowsAsync("SELECT e.dept, d.budget, COUNT(*) FROM emp e JOIN dept d ON d.name = e.dept GROUP BY e.dept ORDER BY e.dept"));
        Assert.Equal("eng", (await RowsAsync("SELECT dept, ANY_VALUE(name) FROM emp GROUP BY dept ORDER BY dept"))[0][0]);
        Assert.Equal([["eng", "2"], ["ops", "2"]], await RowsAsync("SELECT dept, (SELECT COUNT(*) FROM emp i WHERE i.dept = o.dept) FROM emp o GROUP BY dept ORDER BY dept"));
        Assert.Equal("4", await ScalarAsync("SELECT COUNT(*) FROM emp"));
        Assert.Equal(4, (await RowsAsync("SELECT ANY_VALUE(name), dept FROM emp")).Count); // ANY_VALUE is not an aggregate

        // Without the mode, MySQL's old behaviour: some row's value.
        await OkAsync("SET SESSION sql_mode = 'STRICT_TRANS_TABLES'");
        Assert.Equal(2, (await RowsAsync("SELECT dept, name FROM emp GROUP BY dept")).Count);
        await OkAsync("SET SESSION sql_mode = DEFAULT");
        Assert.Equal(MySqlErrorCode.WrongFieldWithGroup, (await ErrorAsync("SELECT dept, name FROM emp GROUP BY dept")).Code);
    }

    [Fact]
    public async Task AScalarSubqueryOfSeveralRowsIs1242()
    {
        await AssertErrorAsync(MySqlErrorCode.SubqueryNoOneRow, "SELECT (SELECT name FROM emp WHERE dept = 'eng')");
        await AssertErrorAsync(MySqlErrorCode.SubqueryNoOneRow, "SELECT * FROM emp WHERE id = (SELECT id FROM emp)");
        Assert.Equal("Ann", await ScalarAsync("SELECT (SELECT name FROM emp WHERE id = 1)"));
        Assert.Null(await ScalarAsync("SELECT (SELECT name FROM emp WHERE id = 99)"));
        Assert.Equal([["Ann", "2"], ["Cid", "2"]], await RowsAsync("SELECT name, (SELECT COUNT(*) FROM emp r WHERE r.dept = e.dept) FROM emp e WHERE id IN (1, 3) ORDER BY id"));
    }

    [Fact]
    public async Task AnyAndAllCompareWithEveryRow()
    {
        Assert.Equal([["Ann"], ["Bob"]], await RowsAsync("SELECT name FROM emp WHERE salary > ALL (SELECT salary FROM emp WHERE dept = 'ops') ORDER BY name"));
        Assert.Equal([["Cid"]], await RowsAsync("SELECT name FROM emp WHERE salary < ANY (SELECT salary FROM emp WHERE dept = 'ops') ORDER BY name"));
        Assert.Equal([["Ann"]], await RowsAsync("SELECT name FROM emp WHERE salary >= ALL (SELECT salary FROM emp)"));
        Assert.Equal("4", await ScalarAsync("SELECT COUNT(*) FROM emp WHERE salary > ALL (SELECT salary FROM emp WHERE 1 = 0)"));
        await AssertErrorAsync(MySqlErrorCode.OperandColumns, "SELECT 1 FROM emp WHERE id = ANY (SELECT id, name FROM emp)");
    }

    [Fact]
    public async Task OrderByAfterAUnionOrdersTheUnion()
    {
        Assert.Equal([["b"], ["a"]], await RowsAsync("SELECT 'a' AS x UNION SELECT 'b' ORDER BY x DESC"));
        Assert.Equal([["Dee"]], await RowsAsync("SELECT name FROM emp WHERE id = 1 UNION SELECT name FROM emp WHERE id > 1 ORDER BY name DESC LIMIT 1"));
    }

    [Fact]
    public async Task NamedWindowsAreDefinedOnceAndUsedOrRefined()
    {
        Assert.Equal([["Ann", "1", "120000.00"], ["Bob", "2", "215000.50"], ["Cid", "1", "70000.00"], ["Dee", "2", "142000.00"]],
            await RowsAsync("""
                SELECT name, ROW_NUMBER() OVER w, SUM(salary) OVER (w ROWS UNBOUNDED PRECEDING) FROM emp
                WINDOW w AS (PARTITION BY dept ORDER BY id) ORDER BY id
                """));
        Assert.Equal([["1"], ["2"], ["3"], ["4"]], await RowsAsync("SELECT RANK() OVER w FROM emp WINDOW w AS (ORDER BY id) ORDER BY id"));
    }

    [Fact]
    public async Task TheSameTableTwiceWithoutAliasesIs1066()
    {
        var e = await ErrorAsync("SELECT name FROM emp, emp");
        Assert.Equal(MySqlErrorCode.NonUniqTable, e.Code);
        Assert.Equal("Not unique table/alias: 'emp'", e.Message);
    }

    [Fact]
    public async Task JsonIsPrintedAsMySqlPrintsIt()
    {
        await OkAsync("CREATE TABLE doc (id INT PRIMARY KEY, body JSON)");
        await OkAsync("INSERT INTO doc VALUES (1, '{\"name\":\"Ann\",\"tags\":[\"a\",\"b\"],\"n\":3,\"nested\":{\"k\":true}}'), (2, '{\"name\": \"Bob\", \"n\": null}')");
        Assert.Equal("{\"n\": 3, \"name\": \"Ann\", \"tags\": [\"a\", \"b\"], \"nested\": {\"k\": true}}", await ScalarAsync("SELECT body FROM doc WHERE id = 1"));
        Assert.Equal(["\"Ann\"", "true", "[\"a\", \"b\"]"], await RowAsync("SELECT JSON_EXTRACT(body, '$.name'), body->'$.nested.k', body->'$.tags' FROM doc WHERE id = 1"));
        Assert.Equal([["Ann"], ["Bob"]], await RowsAsync("SELECT body->>'$.name' FROM doc ORDER BY id"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM doc WHERE body->>'$.n' = 3"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM doc WHERE JSON_EXTRACT(body, '$.name') = 'Ann'"));
        // A JSON null is not SQL NULL.
        Assert.Equal([["1"], ["2"]], await RowsAsync("SELECT id FROM doc WHERE JSON_EXTRACT(body, '$.n') IS NOT NULL ORDER BY id"));
        Assert.Equal(["{\"a\": \"x\", \"b\": 1, \"cc\": null}", "[1, \"two\", null, 3.5]", "[\"n\", \"name\"]"],
            await RowAsync("SELECT JSON_OBJECT('b', 1, 'a', 'x', 'cc', NULL), JSON_ARRAY(1, 'two', NULL, 3.5), JSON_KEYS(body) FROM doc WHERE id = 2"));
        Assert.Equal(["STRING", "2", "4"], await RowAsync("SELECT JSON_TYPE(body->'$.name'), JSON_LENGTH(body, '$.tags'), JSON_LENGTH(body) FROM doc WHERE id = 1"));
        Assert.Equal(["1", "\"$.tags[1]\"", "{\"a\": 1, \"c\": 3}", "[1, 2, 3]"],
            await RowAsync("SELECT JSON_CONTAINS(body, '\"a\"', '$.tags'), JSON_SEARCH(body, 'one', 'b'), JSON_MERGE_PATCH('{\"a\": 1, \"b\": 2}', '{\"b\": null, \"c\": 3}'), JSON_MERGE_PRESERVE('[1, 2]', '3') FROM doc WHERE id = 1"));
        await AssertErrorAsync(MySqlErrorCode.InvalidJsonText, "INSERT INTO doc VALUES (3, '{bad')");
    }

    [Fact]
    public async Task JsonPathsWithWildcardsRangesAndLastWorkFromTextPlaceholdersAndCachedPlans()
    {
        await OkAsync("CREATE TABLE doc (id INT PRIMARY KEY, body JSON)");
        await OkAsync("INSERT INTO doc VALUES (1, '{\"tags\": [\"a\", \"b\", \"c\"], \"n\": {\"k\": 1, \"m\": {\"k\": 2}}}')");
        // The same statement shape with a plain path, then a wildcard: the plan cached for the first must not serve the second.
        Assert.Equal("\"b\"", await ScalarAsync("SELECT JSON_EXTRACT(body, '$.tags[1]') FROM doc"));
        Assert.Equal("[\"a\", \"b\", \"c\"]", await ScalarAsync("SELECT JSON_EXTRACT(body, '$.tags[*]') FROM doc"));
        Assert.Equal("[\"b\", \"c\"]", await ScalarAsync("SELECT JSON_EXTRACT(body, '$.tags[1 to last]') FROM doc"));
        Assert.Equal("[1, 2]", await ScalarAsync("SELECT JSON_EXTRACT(body, '$**.k') FROM doc"));
        Assert.Equal("c", await ScalarAsync("SELECT body->>'$.tags[last]' FROM doc"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM doc WHERE body->>'$.tags[last]' = 'c'"));

        var statement = Session.Prepare("SELECT JSON_EXTRACT(body, ?), body->>? FROM doc");
        foreach (var (path, json, text) in new[] { ("$.tags[0]", "\"a\"", "a"), ("$.tags[*]", "[\"a\", \"b\", \"c\"]", "[\"a\", \"b\", \"c\"]"), ("$.zz", null, null) })
        {
            var sink = new RecordingSink();
            await Session.ExecutePreparedAsync(statement, [path, path], sink, TestToken);
            Assert.Equal([json, text], sink.Last.Rows[0]);
        }
        Session.ClosePrepared(statement);

        Assert.Equal(["4", "1", "0"], await RowAsync("SELECT JSON_DEPTH(body), JSON_CONTAINS_PATH(body, 'one', '$.zz', '$**.m'), JSON_CONTAINS_PATH(body, 'all', '$.zz', '$.n') FROM doc"));
        await AssertErrorAsync(MySqlErrorCode.InvalidJsonPathWildcard, "SELECT JSON_LENGTH(body, '$.tags[*]') FROM doc");
        await AssertErrorAsync(MySqlErrorCode.JsonBadOneOrAllArg, "SELECT JSON_CONTAINS_PATH(body, 'any', '$.n') FROM doc");
        await AssertErrorAsync(MySqlErrorCode.InvalidJsonPath, "SELECT JSON_EXTRACT(body, '$**') FROM doc");
    }

    [Fact]
    public async Task JsonArrayAppendAndInsertTakeJsonValuesAsJsonAndOthersAsScalars()
    {
        Assert.Equal(["[1, 2, 3, \"x\"]", "{\"a\": [1, {\"k\": [2]}]}", "[[1, 4], 2]"],
            await RowAsync("SELECT JSON_ARRAY_APPEND('[1, 2]', '$', 3, '$', 'x'), JSON_ARRAY_APPEND('{\"a\": 1}', '$.a', JSON_OBJECT('k', JSON_ARRAY(2))), JSON_ARRAY_APPEND('[1, 2]', '$[0]', 4)"));
        Assert.Equal(["[0, 1, 2]", "[1, 2, \"end\"]", "[1, [\"x\"], 2]"],
            await RowAsync("SELECT JSON_ARRAY_INSERT('[1, 2]', '$[0]', 0), JSON_ARRAY_INSERT('[1, 2]', '$[5]', 'end'), JSON_ARRAY_INSERT('[1, 2]', '$[1]', CAST('[\"x\"]' AS JSON))"));
        Assert.Null(await ScalarAsync("SELECT JSON_ARRAY_APPEND(NULL, '$', 1)"));
        await AssertErrorAsync(MySqlErrorCode.InvalidJsonPathArrayCell, "SELECT JSON_ARRAY_INSERT('[1]', '$', 1)");
        await AssertErrorAsync(MySqlErrorCode.InvalidJsonPathWildcard, "SELECT JSON_ARRAY_APPEND('[1]', '$[*]', 1)");
        await AssertErrorAsync(MySqlErrorCode.InvalidJsonTextInParam, "SELECT JSON_ARRAY_APPEND('[1', '$', 1)");
    }

    [Fact]
    public async Task ADateComparesWithAValueAsADatetimeAndTypedLiteralsAreTyped()
    {
        await OkAsync("CREATE TABLE ev (id INT PRIMARY KEY, d DATE DEFAULT DATE '2024-01-01', at DATETIME, KEY (d))");
        await OkAsync("INSERT INTO ev (id, at) VALUES (1, '2024-01-01 10:00:00'), (2, '2024-01-02 00:00:00')");
        await OkAsync("UPDATE ev SET d = DATE '2024-01-02' WHERE id = 2");
        // A DATE is midnight: it equals '… 00:00:00' and no other time of that day.
        Assert.Equal([["1"]], await RowsAsync("SELECT id FROM ev WHERE d = '2024-01-01 00:00:00'"));
        Assert.Empty(await RowsAsync("SELECT id FROM ev WHERE d = '2024-01-01 10:00:00'"));
        Assert.Equal([["1"]], await RowsAsync("SELECT id FROM ev WHERE d < '2024-01-01 00:00:01'"));
        Assert.Equal([["2"]], await RowsAsync("SELECT id FROM ev WHERE d > '2024-01-01 23:59:59'"));
        Assert.Equal([["1"], ["2"]], await RowsAsync("SELECT id FROM ev WHERE d IN ('2024-01-01 00:00:00', 20240102) ORDER BY id"));
        Assert.Equal([["2"]], await RowsAsync("SELECT id FROM ev WHERE d BETWEEN '2024-01-01 00:00:01' AND '2024-01-02' ORDER BY id"));
        Assert.Equal(["1", "1", "1", "0"],
            await RowAsync("SELECT DATE '2024-01-01' = 20240101, CAST('2024-01-01' AS DATE) = '2024-01-01 00:00:00', DATE(at) = '2024-01-01', TIMESTAMP '2024-01-01 10:00:00' < at FROM ev WHERE id = 1"));
        Assert.Equal(["2024-07-04 13:05:10", "2024-07-04 13:05:09.5", "2024-01-01 10:00:00.25"],
            await RowAsync("SELECT CAST('2024-07-04 13:05:09.5' AS DATETIME), CAST('2024-07-04 13:05:09.5' AS DATETIME(1)), TIMESTAMP '2024-01-01 10:00:00.25'"));
        var error = await ErrorAsync("SELECT DATE '2024-13-01'");
        Assert.Equal((MySqlErrorCode.WrongValue, "Incorrect DATE value: '2024-13-01'"), (error.Code, error.Message));
        await AssertErrorAsync(MySqlErrorCode.WrongValue, "SELECT TIMESTAMP '2024-01-01 25:00:00'");
    }

    [Fact]
    public async Task NumbersFollowMySqlRules()
    {
        Assert.Equal(["2", "-2", "12", "18446744073709551615", "4"],
            await RowAsync("SELECT CAST(1.5 AS SIGNED), CAST(-1.5 AS SIGNED), CAST('12abc' AS SIGNED), CAST(-1 AS UNSIGNED), CAST(3.9 AS UNSIGNED)"));
        Assert.Equal(["3.141593", "18446744073709551615", "-9223372036854775808", "-2.5"], await RowAsync("SELECT PI(), ~0, -9223372036854775808 + 0, -2.5"));
        Assert.Equal(["1", "1", "1"], await RowAsync("SELECT '3' = 3, 3 = '3', 'abc' = 0"));
        Assert.Equal(["1", "1,234,567.89"], await RowAsync("SELECT FORMAT(0.5, 0), FORMAT(1234567.891, 2)"));
        // DECIMAL division keeps the dividend's scale plus 4; a derived table keeps its columns' types.
        Assert.Equal("107500.250000", await ScalarAsync("SELECT SUM(salary) / COUNT(*) FROM emp WHERE dept = 'eng'"));
        Assert.Equal([["eng", "215000.50"], ["ops", "142000.00"]], await RowsAsync("SELECT t.dept, t.total FROM (SELECT dept, SUM(salary) AS total FROM emp GROUP BY dept) AS t ORDER BY t.dept"));
        Assert.Equal("142000.00", await ScalarAsync("WITH t AS (SELECT dept, SUM(salary) AS total FROM emp GROUP BY dept) SELECT MIN(total) FROM t"));
        Assert.Equal(["1", "7", "0", "4"], await RowAsync("SELECT STD(salary) > 0, BIT_OR(id), BIT_AND(id), BIT_XOR(id) FROM emp"));
        Assert.Equal(["255", "1010", "16"], await RowAsync("SELECT CONV('ff', 16, 10), CONV(10, 10, 2), BIT_LENGTH('ab')"));
        // RAND(N) is MySQL's generator: the same values as MySQL, one sequence per call site for the statement.
        Assert.Equal(["0.40540353712197724", "1"], await RowAsync("SELECT RAND(1), RAND(1) = RAND(1)"));
        Assert.Equal([["0.9057697559760601"], ["0.37307905813034536"], ["0.14808605345719125"]],
            await RowsAsync("SELECT RAND(3) FROM emp WHERE id <= 3 ORDER BY id"));
    }

    [Fact]
    public async Task StringAndDateFunctionsGiveMySqlsResults()
    {
        Assert.Equal(["a#b#c", "123", "4"], await RowAsync("SELECT REGEXP_REPLACE('a1b22c', '[0-9]+', '#'), REGEXP_SUBSTR('abc123def', '[0-9]+'), REGEXP_INSTR('abc123', '[0-9]')"));
        Assert.Equal(["1", "0", "1"], await RowAsync("SELECT 'abc' LIKE 'A%', 'abc' LIKE BINARY 'A%', 'a_c' LIKE 'a\\_c'"));
        Assert.Equal(["9", "0", "1", "4050607"], await RowAsync("SELECT WEEK('2024-03-04'), WEEK('2024-01-01'), WEEK('2024-12-31', 3), EXTRACT(DAY_SECOND FROM '2024-03-04 05:06:07')"));
        var dates = await ExecAsync("SELECT DATE_ADD(hired, INTERVAL 1 MONTH), DATE_ADD(hired, INTERVAL 1 HOUR), '2024-01-31' + INTERVAL 1 MONTH FROM emp WHERE id = 1");
        Assert.Equal(["2019-04-01", "2019-03-01 01:00:00", "2024-02-29"], dates.Rows[0]);
        Assert.Equal([MySqlColumnType.Date, MySqlColumnType.DateTime, MySqlColumnType.VarString], dates.Columns!.Select(c => c.Type));
        var parsed = await ExecAsync("SELECT STR_TO_DATE('04/03/2024', '%d/%m/%Y'), STR_TO_DATE('2024-03-04 10:20', '%Y-%m-%d %H:%i'), STR_TO_DATE('31/02/2024', '%d/%m/%Y')");
        Assert.Equal(["2024-03-04", "2024-03-04 10:20:00", null], parsed.Rows[0]);
        Assert.Equal(MySqlColumnType.Date, parsed.Columns![0].Type);
        Assert.Equal(["01:30:00", "11:30:00", "08:30:00", "3"], await RowAsync("SELECT TIMEDIFF('12:00:00', '10:30:00'), ADDTIME('10:00:00', '01:30:00'), SUBTIME('10:00:00', '01:30:00'), PERIOD_DIFF(202403, 202312)"));
        await AssertErrorAsync(MySqlErrorCode.ParseError, "SELECT SUBSTRING('abc')");
        Assert.Equal(["202409", "202501", "250000", "{\"a\": 2, \"b\": 1}"], await RowAsync("SELECT YEARWEEK('2024-03-04'), YEARWEEK('2024-12-31', 3), MICROSECOND('10:00:00.25'), CAST('{\"b\": 1, \"a\": 2}' AS JSON)"));
    }

    [Fact]
    public async Task ReplaceAndUpsertFromASelectCountRowsAsMySqlDoes()
    {
        await OkAsync("CREATE TABLE copy LIKE emp");
        await OkAsync("INSERT INTO copy SELECT * FROM emp WHERE id <= 2");
        // REPLACE: 1 for the new row 3, 2 for row 1 (deleted and inserted).
        Assert.Equal(3UL, (await OkAsync("REPLACE INTO copy (id, name) SELECT id, name FROM emp WHERE id IN (1, 3)")).AffectedRows);
        // ON DUPLICATE KEY UPDATE: 2 per changed row, 1 per inserted row, 0 per unchanged row (no CLIENT_FOUND_ROWS here).
        await OkAsync("UPDATE copy SET dept = 'x' WHERE id = 2");
        Assert.Equal(3UL, (await OkAsync("INSERT INTO copy (id, name) SELECT id, name FROM emp WHERE id IN (1, 2, 4) ON DUPLICATE KEY UPDATE dept = 'x'")).AffectedRows);
        Assert.Equal([["1", "x"], ["2", "x"], ["3", null], ["4", null]], await RowsAsync("SELECT id, dept FROM copy ORDER BY id"));
    }

    [Fact]
    public async Task ShowStatementsNameAndPrintLikeMySql()
    {
        var dbs = await ExecAsync("SHOW DATABASES LIKE 'd'");
        Assert.Equal("Database (d)", dbs.Columns![0].Name);
        Assert.Equal([["d"]], dbs.Rows);
        Assert.Equal("Tables_in_d (e%)", (await ExecAsync("SHOW TABLES LIKE 'e%'")).Columns![0].Name);
        Assert.Equal([["autocommit", "ON"]], await RowsAsync("SHOW VARIABLES LIKE 'autocommit'"));
        Assert.Equal("1", await ScalarAsync("SELECT @@autocommit"));
        await OkAsync("CREATE VIEW v_eng AS SELECT name FROM emp WHERE dept = 'eng'");
        Assert.Equal([["v_eng", "YES"]], await RowsAsync("SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'd'"));
        await OkAsync("CREATE INDEX k_dept ON emp (dept)");
        Assert.Equal([["k_dept"], ["PRIMARY"]], await RowsAsync("SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_NAME = 'emp' ORDER BY INDEX_NAME"));
    }

    [Fact]
    public async Task ComputedStringsGroupAndDeduplicateUnderTheTextCollation()
    {
        await RunAsync("INSERT INTO emp VALUES (5, 'ann', 'ENG', 1, '2022-01-01'), (6, 'BOB', 'Eng', 2, '2022-01-02')");
        // 'Ann'/'ann' and 'Bob'/'BOB' are equal under utf8mb4_0900_ai_ci, computed or not.
        Assert.Equal("4", await ScalarAsync("SELECT COUNT(*) FROM (SELECT DISTINCT CONCAT(name, '@', dept) FROM emp) t"));
        Assert.Equal([["A", "2"], ["B", "2"], ["C", "1"], ["D", "1"]],
            await RowsAsync("SELECT UPPER(LEFT(name, 1)) AS initial, COUNT(*) FROM emp GROUP BY LEFT(name, 1) ORDER BY initial"));
        Assert.Equal([["eng", "4"], ["ops", "2"]], await RowsAsync("SELECT LOWER(SUBSTR(dept, 1, 3)) AS d3, COUNT(*) FROM emp GROUP BY d3 ORDER BY 1"));
        // One row (MySQL keeps the first spelling, 'a'; SQLite's UNION keeps the last: a known difference).
        Assert.Single(await RowsAsync("SELECT 'a' UNION SELECT 'A' UNION SELECT 'á'"));
        Assert.Equal(["Ann", "ann", "Bob", "BOB"], (await RowsAsync("SELECT name FROM emp WHERE id IN (1, 2, 5, 6) ORDER BY CONCAT(name, ''), id")).Select(r => r[0]));
        // Inside aggregates, windows and comparisons too.
        Assert.Equal(["4", "Ann", "Dee"], await RowAsync("SELECT COUNT(DISTINCT CONCAT(name, '')), MIN(CONCAT(name, '')), MAX(TRIM(name)) FROM emp"));
        Assert.Equal("Ann,Bob,Cid,Dee", await ScalarAsync("SELECT GROUP_CONCAT(DISTINCT CONCAT(name, '') ORDER BY id) FROM emp"));
        Assert.Equal([["1"], ["5"]], await RowsAsync("SELECT id FROM emp WHERE SUBSTR(name, 1, 1) = 'a' ORDER BY id"));
        Assert.Equal([["1", "1"], ["5", "1"]], await RowsAsync("SELECT id, RANK() OVER (ORDER BY CONCAT(name, '')) FROM emp WHERE id IN (1, 5) ORDER BY id"));
        // A binary argument keeps the comparison byte by byte.
        Assert.Equal("6", await ScalarAsync("SELECT COUNT(*) FROM (SELECT DISTINCT CONCAT(name, BINARY '') FROM emp) t"));
    }

    [Fact]
    public async Task BitValueLiteralsAreBinaryStringsAndNumbersWhereNumbersAreWanted()
    {
        await RunAsync("""
            CREATE TABLE bits (id INT, b BIT(8), v VARBINARY(4), s VARCHAR(4), i INT);
            INSERT INTO bits VALUES (1, b'101', b'1000001', b'1000010', b'11'), (2, b'11111111', 0b1000011, 0x44, 0x10);
            UPDATE bits SET i = i + b'1' WHERE id = 1;
            UPDATE bits SET i = 0x20 WHERE id = 2
            """);
        // Into string columns as their bytes ('A', not '65'); into numbers as the numbers they spell.
        Assert.Equal([["1", "5", "A", "B", "4"], ["2", "255", "C", "D", "32"]], await RowsAsync("SELECT id, b + 0, v, s, i FROM bits ORDER BY id"));
        Assert.Equal([["1"]], await RowsAsync("SELECT id FROM bits WHERE b = b'101'"));
        Assert.Equal([["2"]], await RowsAsync("SELECT id FROM bits WHERE b > b'101'"));
        Assert.Equal([["1"], ["2"]], await RowsAsync("SELECT id FROM bits WHERE b IN (b'101', b'11111111') ORDER BY id"));
        Assert.Equal([["1"]], await RowsAsync("SELECT id FROM bits WHERE v = b'1000001'"));
        Assert.Equal([["2"]], await RowsAsync("SELECT id FROM bits WHERE i = 0x20"));
    }

    [Fact]
    public async Task UserVariablesAssignedInsideExpressionsChangeRowByRow()
    {
        Assert.Equal(["5", "6"], await RowAsync("SELECT @x := 5, @x + 1"));
        Assert.Equal("5", await ScalarAsync("SELECT @x"));
        // The pre-window-function row number: the derived table sets @n once, before the rows are read.
        Assert.Equal([["1", "1"], ["2", "2"], ["3", "3"], ["4", "4"]],
            await RowsAsync("SELECT @n := @n + 1 AS rn, id FROM emp, (SELECT @n := 0) init ORDER BY id"));
        Assert.Equal("4", await ScalarAsync("SELECT @n"));
        await RunAsync("SET @total := 0");
        Assert.Equal(["1", "3", "6", "10"], (await RowsAsync("SELECT @total := @total + id FROM emp ORDER BY id")).Select(r => r[0]));
        Assert.Equal([["10", "1"]], await RowsAsync("SELECT @total, @total := NULL IS NULL"));
    }

    [Fact]
    public async Task NumericDatesAndTimesReadAsMySqlReadsThem()
    {
        // SQLite would take a number as a Julian day: YEAR(950501) was -2110.
        Assert.Equal(["1995-05-01", "1995", "2", "2000-01-01", "2024-01-01"], await RowAsync("SELECT DATE(950501), YEAR(950501), DAYOFWEEK(20240101), DATE(101), DATE('240101')"));
        Assert.Equal(["2024-01-01 10:30:00", "10:30:00", "10:00:00.5", "25:00:00", null], await RowAsync("SELECT TIMESTAMP(240101103000), TIME(103000), TIME('2024-01-01 10:00:00.5'), TIME('25:00:00'), TIME('abc')"));
        Assert.Equal(["63871286400", "728779"], await RowAsync("SELECT TO_SECONDS('2024-01-01'), TO_DAYS(950501)"));
    }

    [Fact]
    public async Task HavingWithoutGroupingFiltersRowsAndLeastComparesUnderTheCollation()
    {
        Assert.Equal([["Cid", "3"], ["Dee", "4"]], await RowsAsync("SELECT name, id AS n FROM emp HAVING n > 2 ORDER BY id"));
        Assert.Equal(["a", "B", "c"], await RowAsync("SELECT LEAST('a', 'B', 'c'), GREATEST('a', 'B'), GREATEST('a', 'B', 'c')"));
        Assert.Equal(["", "0", "1"], await RowAsync("SELECT UNHEX(''), LENGTH(UNHEX('')), 'Robert' SOUNDS LIKE 'Rupert'"));
    }

    [Fact]
    public async Task IntegerOverflowIsAnErrorNotAFloatingPointResult()
    {
        var ex = await ErrorAsync("SELECT 9223372036854775807 + 1");
        Assert.Equal(MySqlErrorCode.DataOutOfRange, ex.Code);
        Assert.Equal("BIGINT value is out of range in '(9223372036854775807 + 1)'", ex.Message);
        await RunAsync("CREATE TABLE big (id INT PRIMARY KEY, b BIGINT, i INT); INSERT INTO big VALUES (1, 9223372036854775807, 2147483647)");
        await AssertErrorAsync(MySqlErrorCode.DataOutOfRange, "SELECT b + 1 FROM big");
        await AssertErrorAsync(MySqlErrorCode.DataOutOfRange, "UPDATE big SET b = b * 2");
        Assert.Equal("9223372036854775807", await ScalarAsync("SELECT b FROM big"));
        // Narrower integers widen to 64 bits, as in MySQL.
        Assert.Equal(["2147483648", "4611686014132420609", "9223372036854775806", "-6"], await RowAsync("SELECT i + 1, i * i, b - 1, 2 - 8 FROM big"));
    }

    [Fact]
    public async Task AddressUuidCompressionAndEncryptionFunctions()
    {
        Assert.Equal(["167773449", "2130706433", null, "10.0.5.9", null], await RowAsync("SELECT INET_ATON('10.0.5.9'), INET_ATON('127.1'), INET_ATON('1.2.256.4'), INET_NTOA(167773449), INET_NTOA(-1)"));
        Assert.Equal(["0A000509", "FDFE0000000000005A55CAFFFEFA9089", "fdfe::5a55:caff:fefa:9089", "::ffff:1.2.3.4", null],
            await RowAsync("SELECT HEX(INET6_ATON('10.0.5.9')), HEX(INET6_ATON('fdfe::5a55:caff:fefa:9089')), INET6_NTOA(INET6_ATON('fdfe::5a55:caff:fefa:9089')), INET6_NTOA(INET6_ATON('::ffff:1.2.3.4')), INET6_ATON('1.2.3')"));
        Assert.Equal(["1", "0", "1", "1"], await RowAsync("SELECT IS_IPV4('10.0.5.9'), IS_IPV4('10.0.5.256'), IS_IPV6('::1'), IS_IPV4_MAPPED(INET6_ATON('::ffff:10.0.5.9'))"));
        const string uuid = "6ccd780c-baba-1026-9564-5b8c656024db";
        Assert.Equal(["6CCD780CBABA102695645B8C656024DB", "1026BABA6CCD780C95645B8C656024DB", uuid, uuid, "1", "0"],
            await RowAsync($"SELECT HEX(UUID_TO_BIN('{uuid}')), HEX(UUID_TO_BIN('{uuid}', 1)), BIN_TO_UUID(UUID_TO_BIN('{uuid}')), BIN_TO_UUID(UUID_TO_BIN('{uuid}', 1), 1), IS_UUID('{{{uuid}}}'), IS_UUID('x')"));
        Assert.Equal(MySqlErrorCode.WrongValueForType, (await ErrorAsync("SELECT UUID_TO_BIN('not a uuid')")).Code);
        Assert.Equal("Incorrect parameter count in the call to native function 'INET_ATON'", (await ErrorAsync("SELECT INET_ATON('1', '2')")).Message);
        Assert.Equal(["any string", "30", "", null], await RowAsync("SELECT UNCOMPRESS(COMPRESS('any string')), UNCOMPRESSED_LENGTH(COMPRESS(REPEAT('a', 30))), COMPRESS(''), UNCOMPRESS('plain')"));
        // AES-128-ECB with MySQL's key folding: the bytes MariaDB 10.11 gave for these arguments (same algorithm as MySQL 8.0).
        Assert.Equal(["15E36637363712FC2E699B9C95B75393", "F628F61C9DA7C317D3ADE8EE6F5D03BF", "text", null],
            await RowAsync("SELECT HEX(AES_ENCRYPT('text', 'key')), HEX(AES_ENCRYPT('text', 'a very long key of more than 16 bytes')), AES_DECRYPT(AES_ENCRYPT('text', 'key'), 'key'), AES_DECRYPT(AES_ENCRYPT('text', 'key'), 'other')"));
        Assert.Equal(["16", "1", "a9993e364706816aba3e25717850c26c9cd0d89d"], await RowAsync("SELECT LENGTH(RANDOM_BYTES(16)), UUID_SHORT() < UUID_SHORT(), SHA('abc')"));
        Assert.Equal("{\n  \"a\": 1,\n  \"b\": [\n    2,\n    {}\n  ]\n}", await ScalarAsync("SELECT JSON_PRETTY('{\"b\":[2,{}],\"a\":1}')"));
        Assert.Equal(["utf8mb4", "utf8mb4_0900_ai_ci", "4", "binary", "5", "2"], await RowAsync("SELECT CHARSET('a'), COLLATION(name), COERCIBILITY('a'), CHARSET(1), COERCIBILITY(id), COERCIBILITY(name) FROM emp WHERE id = 1"));
        Assert.Equal(["0.7853981633974483", "0.7853981633974483", "0.6420926159343306"], await RowAsync("SELECT ATAN(1, 1), ATAN2(1, 1), COT(1)"));
    }

    [Fact]
    public async Task StoredValuesRoundAndRefuseAsMySqlDoes()
    {
        await RunAsync("CREATE TABLE st (id INT PRIMARY KEY, dt DATETIME(3), d0 DATETIME, ts TIMESTAMP NULL, n SMALLINT)");
        // Rounded once to the column's digits: .12345 is .123 (digit by digit it became .124), .9996 carries.
        await RunAsync("INSERT INTO st (id, dt, d0) VALUES (1, '2024-01-01 10:00:00.12345', '2024-01-01 10:00:00.5'), (2, '2024-12-31 23:59:59.9996', '2024-12-31 23:59:59.49')");
        Assert.Equal([["2024-01-01 10:00:00.123", "2024-01-01 10:00:01"], ["2025-01-01 00:00:00.000", "2024-12-31 23:59:59"]],
            await RowsAsync("SELECT dt, d0 FROM st ORDER BY id"));
        // A number followed by more is truncated (1265, 01000); no number at all is 1366.
        var truncated = await ErrorAsync("INSERT INTO st (id, n) VALUES (3, '12abc')");
        Assert.Equal((MySqlErrorCode.WarnDataTruncated, "01000"), (truncated.Code, truncated.SqlState));
        await AssertErrorAsync(MySqlErrorCode.TruncatedWrongValueForField, "INSERT INTO st (id, n) VALUES (3, 'abc')");
        // TIMESTAMP holds 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC (this test machine's zone is the server's).
        var offset = TimeZoneInfo.Local.GetUtcOffset(new DateTime(2038, 1, 19));
        string last = new DateTime(2038, 1, 19, 3, 14, 7).Add(offset).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        await OkAsync($"INSERT INTO st (id, ts) VALUES (4, '{last}')");
        await AssertErrorAsync(MySqlErrorCode.TruncatedWrongValue, $"INSERT INTO st (id, ts) VALUES (5, '{new DateTime(2038, 1, 19, 3, 14, 8).Add(offset):yyyy-MM-dd HH:mm:ss}')");
        await AssertErrorAsync(MySqlErrorCode.TruncatedWrongValue, "INSERT INTO st (id, ts) VALUES (5, '1969-12-31 00:00:00')");
        Assert.Equal(last, await ScalarAsync("SELECT ts FROM st WHERE id = 4"));
    }
}
