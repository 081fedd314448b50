using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

/// <summary>
/// Many statements, run in order on one session, each with its expected outcome as MySQL 8.0 gives it:
/// "ok", "ok:N" (affected rows), "rows:N", "value:V" (first column of the single row), or "error:CODE".
/// </summary>
public sealed class StatementCorpusTests : SqlTestBase
{
    static readonly (string Sql, string Expected)[] s_corpus =
    [
        ("CREATE DATABASE IF NOT EXISTS corpus", "ok:1"),
        ("USE `corpus`", "ok"),
        ("/* leading comment */ SELECT 1", "value:1"),
        ("SELECT 1 -- trailing comment", "value:1"),
        ("SELECT 1 # hash comment", "value:1"),
        ("SELECT /*!40101 2 + */ 1", "value:3"),
        ("/*!40101 SET NAMES utf8mb4 */", "ok"),
        ("SELECT 'a' 'b' 'c'", "value:abc"),
        ("SELECT 'O''Brien'", "value:O'Brien"),
        ("SELECT 'tab\\there'", "value:tab\there"),
        ("SELECT \"double\"", "value:double"),
        ("SELECT _utf8mb4'intro'", "value:intro"),
        ("SELECT N'national'", "value:national"),
        ("SELECT 0x41", "value:A"),
        ("SELECT 1.5e2", "value:150"),
        ("SELECT .5", "value:0.5"),
        ("SELECT -3 + 1", "value:-2"),
        ("SELECT 10 DIV 4, 10 MOD 4", "value:2"),
        ("SELECT 5 & 3, 5 | 3, 5 ^ 3, 1 << 4, ~0 & 255", "value:1"),
        ("SELECT TRUE, FALSE", "value:1"),
        ("SELECT 1 = 1 AND 2 > 1 OR 0", "value:1"),
        ("SELECT 1 XOR 1", "value:0"),
        ("SELECT NOT 0, !1", "value:1"),
        ("SELECT 'abc' = 'ABC'", "value:1"),
        ("SELECT UPPER('héllo'), LOWER('ÀB')", "value:HÉLLO"),
        ("SELECT LENGTH('héllo'), CHAR_LENGTH('héllo')", "value:6"),
        ("SELECT SUBSTRING('hello', 2, 3)", "value:ell"),
        ("SELECT SUBSTRING('hello' FROM 2 FOR 2)", "value:el"),
        ("SELECT TRIM('  x  '), TRIM(LEADING 'x' FROM 'xxy')", "value:x"),
        ("SELECT REPLACE('aXbX', 'X', '-')", "value:a-b-"),
        ("SELECT CONCAT_WS('-', 'a', NULL, 'b')", "value:a-b"),
        ("SELECT LPAD('5', 3, '0')", "value:005"),
        ("SELECT LEFT('hello', 2), RIGHT('hello', 2)", "value:he"),
        ("SELECT LOCATE('l', 'hello')", "value:3"),
        ("SELECT ROUND(2.5), ROUND(-2.5), ROUND(1.234, 2)", "value:3"),
        ("SELECT FLOOR(2.7), CEIL(2.1), ABS(-4)", "value:2"),
        ("SELECT GREATEST(1, 5, 3), LEAST(4, 2)", "value:5"),
        ("SELECT NULLIF(1, 1)", "value:"),
        ("SELECT YEAR('2024-03-04'), MONTH('2024-03-04'), DAY('2024-03-04')", "value:2024"),
        ("SELECT DATEDIFF('2024-03-01', '2024-02-01')", "value:29"),
        ("SELECT DATE_SUB('2024-03-01', INTERVAL 1 MONTH)", "value:2024-02-01"),
        ("SELECT '2024-01-31' + INTERVAL 1 DAY", "value:2024-02-01"),
        ("SELECT DATE_FORMAT('2024-03-04 05:06:07', '%Y/%m/%d %H:%i:%s')", "value:2024/03/04 05:06:07"),
        ("SELECT TIMESTAMPDIFF(DAY, '2024-01-01', '2024-01-31')", "value:30"),
        ("SELECT UNIX_TIMESTAMP('1970-01-02 00:00:00') > 0", "value:1"),
        ("SELECT CAST(3.9 AS UNSIGNED)", "value:4"),
        ("SELECT CONVERT('12', SIGNED)", "value:12"),
        ("SELECT JSON_EXTRACT('{\"a\": [1, 2]}', '$.a[1]')", "value:2"),
        ("SELECT 'x' REGEXP '^[a-z]$'", "value:1"),
        ("SELECT JSON_SET('{\"a\": 1}', '$.b', 2)", "value:{\"a\": 1, \"b\": 2}"),
        ("SELECT JSON_TYPE('[1]')", "value:ARRAY"),
        ("SELECT JSON_KEYS('{\"a\": 1, \"b\": 2}')", "value:[\"a\", \"b\"]"),
        ("SELECT JSON_UNQUOTE(JSON_EXTRACT('{\"s\": \"x\"}', '$.s'))", "value:x"),
        ("SELECT 'abc' NOT LIKE 'b%'", "value:1"),
        ("SELECT 5 NOT BETWEEN 1 AND 3", "value:1"),
        ("SELECT 4 NOT IN (1, 2)", "value:1"),
        ("SELECT NULL IS NOT NULL", "value:0"),
        ("SELECT 1 IS TRUE", "value:1"),
        ("SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", "value:two"),
        ("SELECT 1 FROM DUAL", "value:1"),
        ("SELECT * FROM DUAL", "error:1096"),
        ("CREATE TABLE `t-1` (`select` INT, `from` VARCHAR(10))", "ok"),
        ("INSERT INTO `t-1` (`select`, `from`) VALUES (1, 'a'), (2, 'b'), (3, NULL)", "ok:3"),
        ("SELECT `select` FROM `t-1` WHERE `from` = 'B'", "value:2"),
        ("SELECT COUNT(`from`) FROM `t-1`", "value:2"),
        ("INSERT INTO `t-1` SET `select` = 4, `from` = 'd'", "ok:1"),
        ("INSERT INTO `t-1` VALUE (5, DEFAULT)", "ok:1"),
        ("SELECT COUNT(*) FROM `t-1` WHERE `from` IS NULL", "value:2"),
        ("UPDATE `t-1` SET `from` = 'z' WHERE `from` IS NULL LIMIT 1", "ok:1"),
        ("DELETE FROM `t-1` WHERE `select` > 3", "ok:2"),
        ("SELECT SQL_CALC_FOUND_ROWS * FROM `t-1` LIMIT 1", "rows:1"),
        ("SELECT * FROM `t-1` FOR UPDATE", "rows:3"),
        ("SELECT * FROM `t-1` LOCK IN SHARE MODE", "rows:3"),
        ("SELECT * FROM `t-1` t USE INDEX (PRIMARY) WHERE t.`select` = 1", "rows:1"),
        ("CREATE TABLE k (id INT UNSIGNED NOT NULL AUTO_INCREMENT, name VARCHAR(20) NOT NULL, PRIMARY KEY (id), UNIQUE KEY name_uq (name)) ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4", "ok"),
        ("INSERT INTO k (name) VALUES ('first')", "ok:1"),
        ("SELECT LAST_INSERT_ID()", "value:100"),
        ("INSERT INTO k (name) VALUES ('first')", "error:1062"),
        ("INSERT INTO k (name) VALUES ('second') ON DUPLICATE KEY UPDATE name = 'x'", "ok:1"),
        ("INSERT INTO k (id, name) VALUES (100, 'third') ON DUPLICATE KEY UPDATE name = VALUES(name)", "ok:2"),
        ("SELECT name FROM k WHERE id = 100", "value:third"),
        ("REPLACE INTO k (id, name) VALUES (100, 'fourth')", "ok:2"),
        ("INSERT IGNORE INTO k (id, name) VALUES (100, 'dup')", "ok:0"),
        ("SELECT COUNT(*) FROM k", "value:2"),
        ("SELECT id FROM k ORDER BY id DESC LIMIT 1", "value:102"), // the failed insert spent 101, as in InnoDB
        ("SELECT k.name, t.`from` FROM k JOIN `t-1` t ON t.`select` = 1 ORDER BY k.id LIMIT 1", "value:fourth"),
        ("SELECT name FROM k WHERE name IN (SELECT name FROM k WHERE id > 100)", "value:second"),
        ("SELECT MAX(id) - MIN(id) FROM k", "value:2"),
        ("SELECT * FROM k WHERE id = -1", "rows:0"),
        ("SELECT nonexistent FROM k", "error:1054"),
        ("SELECT * FROM k, `t-1` WHERE id = `select` AND `select` = 1", "rows:0"),
        ("SELECT * FROM missing", "error:1146"),
        ("SELECT * FROM", "error:1064"),
        ("INSERT INTO k VALUES (1)", "error:1136"),
        ("INSERT INTO k (name, name) VALUES ('a', 'b')", "error:1110"),
        ("CREATE TABLE k (a INT)", "error:1050"),
        ("DROP TABLE k, missing", "error:1051"),
        ("SELECT COUNT(*) FROM k", "value:2"),
        ("LOCK TABLES k WRITE", "ok"),
        ("UNLOCK TABLES", "ok"),
        ("FLUSH PRIVILEGES", "ok"),
        ("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", "ok"),
        ("SET @@SESSION.sql_mode = 'NO_ENGINE_SUBSTITUTION'", "ok"),
        ("INSERT INTO k (name) VALUES ('this name is far too long for the column')", "ok:1"),
        ("SHOW WARNINGS", "rows:1"),
        ("SET sql_mode = DEFAULT", "ok"),
        ("INSERT INTO k (name) VALUES ('this name is far too long for the column')", "error:1406"),
        ("SELECT @@GLOBAL.version LIKE '8.0%'", "value:1"),
        ("SET GLOBAL max_connections = 500", "ok"),
        ("SELECT @@global.max_connections", "value:500"),
        ("SHOW GLOBAL VARIABLES LIKE 'max_connections'", "rows:1"),
        ("SHOW VARIABLES LIKE 'version%'", "rows:4"),
        ("DESC k", "rows:2"),
        ("EXPLAIN ANALYZE SELECT 1", "error:1235"),
        ("DROP TABLE IF EXISTS k, `t-1`", "ok"),
        ("DROP DATABASE corpus", "ok:0"),
        ("DROP DATABASE IF EXISTS corpus", "ok:0"),
    ];

    [Fact]
    public async Task EveryStatementHasItsMySqlOutcome()
    {
        var failures = new List<string>();
        foreach (var (sql, expected) in s_corpus)
        {
            string actual;
            try
            {
                var result = await ExecAsync(sql);
                if (result.Ok is { } ok)
                {
                    actual = expected.StartsWith("ok:", StringComparison.Ordinal) ? $"ok:{ok.AffectedRows}" : "ok";
                }
                else if (expected.StartsWith("value:", StringComparison.Ordinal))
                {
                    actual = result.Rows.Count == 1 ? "value:" + result.Rows[0][0] : $"rows:{result.Rows.Count}";
                }
                else
                {
                    actual = $"rows:{result.Rows.Count}";
                }
            }
            catch (MySqlErrorException ex)
            {
                actual = $"error:{(int)ex.Code}";
                if (actual != expected)
                    actual += " " + ex.Message;
            }
            if (actual != expected)
                failures.Add($"{sql}\n    expected {expected}, got {actual}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
