using System.Globalization;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using Borealis.Sql.Syntax;
using SQLitePCL;

namespace Borealis.Sql;

internal sealed partial class SqlSession
{
    /// <summary>@@name: session value, then global, then the instance's identity, then the default.</summary>
    internal object? GetSystemVariable(string name, bool global)
    {
        string key = name.ToLowerInvariant();
        if (!global && _sessionVariables.TryGetValue(key, out var sessionValue))
            return sessionValue;
        switch (key)
        {
            case "autocommit":
                return global ? 1L : _autocommit ? 1L : 0L;
            case "hostname":
                return _server.Options.Hostname;
            case "port":
                return (long)_server.Options.Port;
            case "aurora_server_id":
                return _server.Options.ServerId;
            case "read_only" or "innodb_read_only" or "super_read_only" or "transaction_read_only" or "tx_read_only" when _server.Options.ReadOnly:
                return 1L;
            case "last_insert_id" or "identity":
                return _lastInsertId;
            case "warning_count":
                return (long)_state.Warnings.Count;
            case "error_count":
                return (long)_state.Warnings.Count(w => w.Level == "Error");
            case "character_set_database" or "collation_database":
                {
                    var schema = CurrentDatabase is null ? null : _server.Catalog.FindSchema(CurrentDatabase);
                    if (schema is not null)
                        return key == "character_set_database" ? schema.Charset : schema.Collation;
                    break;
                }
        }
        if (_server.GlobalVariables.TryGetValue(key, out var globalValue))
            return globalValue;
        if (!SystemVariables.IsKnown(key))
            throw MySqlErrors.UnknownSystemVariable(name);
        return SystemVariables.Default(key);
    }

    async ValueTask SetAsync(Statement.Set set, CatalogSnapshot catalog, object?[] literals, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken)
    {
        foreach (var (scope, name, valueExpr) in set.Items)
        {
            if (scope == "user")
            {
                _userVariables[name] = Evaluate(valueExpr, catalog, literals, parameters);
                continue;
            }
            string key = name.ToLowerInvariant();
            if (!SystemVariables.IsKnown(key))
                throw MySqlErrors.UnknownSystemVariable(name);
            object? value = valueExpr is Expr.Default ? SystemVariables.Default(key) : valueExpr is Expr.Column c ? c.Name : Evaluate(valueExpr, catalog, literals, parameters);
            if (value is string s && key is "autocommit" or "foreign_key_checks" or "unique_checks" or "sql_safe_updates" or "sql_notes" or "sql_auto_is_null")
            {
                value = s.ToUpperInvariant() switch
                {
                    "ON" or "TRUE" or "1" => 1L,
                    "OFF" or "FALSE" or "0" => 0L,
                    _ => throw MySqlErrors.WrongValueForVariable(key, s),
                };
            }
            if (key == "autocommit")
            {
                bool on = Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;
                if (scope == "global")
                {
                    _server.GlobalVariables[key] = on ? 1L : 0L;
                    continue;
                }
                if (on && !_autocommit && _connection.InTransaction)
                    await CommitAsync(cancellationToken);
                _autocommit = on;
                continue;
            }
            if (key is "read_only" or "innodb_read_only" or "super_read_only" or "version" or "hostname" or "aurora_server_id" or "port" or "version_comment")
            {
                if (scope == "global")
                    throw MySqlErrors.ReadOnlyVariable(key);
                throw MySqlErrors.ReadOnlyVariable(key);
            }
            if (key == "aurora_mm_session_consistency_level")
            {
                string level = (Convert.ToString(value, CultureInfo.InvariantCulture) ?? "").ToUpperInvariant();
                if (level is not ("INSTANCE_RAW" or "REGIONAL_RAW"))
                    throw MySqlErrors.WrongValueForVariable(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NULL");
                value = level;
            }
            if (key == "sql_mode" && value is string mode)
                value = NormaliseSqlMode(mode);
            if (scope == "global")
                _server.GlobalVariables[key] = value;
            else
                _sessionVariables[key] = value;
            if (key == "foreign_key_checks" && scope != "global")
                _state.ForeignKeyChecks = Convert.ToInt64(GetSystemVariable(key, global: false), CultureInfo.InvariantCulture) != 0;
        }
    }

    static string NormaliseSqlMode(string mode)
    {
        var parts = mode.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToUpperInvariant()).ToList();
        if (parts.Remove("TRADITIONAL"))
        {
            parts.AddRange(["STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_IN_DATE", "NO_ZERO_DATE", "ERROR_FOR_DIVISION_BY_ZERO", "NO_ENGINE_SUBSTITUTION"]);
        }
        if (parts.Remove("ANSI"))
        {
            parts.AddRange(["REAL_AS_FLOAT", "PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE", "ONLY_FULL_GROUP_BY"]);
        }
        return string.Join(",", parts.Distinct());
    }

    void SetNames(Statement.SetNames names)
    {
        string charset = names.Charset.ToLowerInvariant();
        if (charset is not ("utf8mb4" or "utf8" or "utf8mb3" or "latin1" or "ascii" or "binary"))
            throw MySqlErrors.UnknownCharacterSet(names.Charset);
        _sessionVariables["character_set_client"] = charset;
        _sessionVariables["character_set_connection"] = charset;
        _sessionVariables["character_set_results"] = charset;
        _sessionVariables["collation_connection"] = names.Collation ?? (charset == "utf8mb4" ? "utf8mb4_0900_ai_ci" : charset + "_general_ci");
    }

    /// <summary>Evaluates a scalar expression (SET values) through SQLite.</summary>
    object? Evaluate(Expr e, CatalogSnapshot catalog, object?[] literals, IReadOnlyList<object?>? parameters)
    {
        if (e is Expr.Literal lit)
            return lit.Value;
        var select = new Query.Select { Items = [new SelectItem(e, "v", "v")] };
        var plan = NewTranslator(catalog).TranslateSelect(select);
        var stmt = GetStatement(plan.Sql);
        try
        {
            BindAll(stmt, plan.Params, literals, parameters);
            int rc = raw.sqlite3_step(stmt);
            if (rc == raw.SQLITE_ROW)
                return SqliteUtil.ReadValue(stmt, 0);
            if (rc == raw.SQLITE_DONE)
                return null;
            throw SqliteRowSource.Error(rc, _db, _state);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }
}
