namespace Borealis.Sql.Execution;

/// <summary>System variables (@@name): their defaults and which are numeric. Session values override globals.</summary>
internal static class SystemVariables
{
    public const string Version = "8.0.39-borealis";

    /// <summary>Variables of boolean type: SHOW VARIABLES prints them as ON/OFF.</summary>
    static readonly HashSet<string> s_boolean = new(StringComparer.OrdinalIgnoreCase)
    {
        "autocommit", "foreign_key_checks", "unique_checks", "sql_safe_updates", "sql_notes", "sql_warnings", "sql_auto_is_null",
        "sql_quote_show_create", "read_only", "super_read_only", "innodb_read_only", "explicit_defaults_for_timestamp",
        "performance_schema", "transaction_read_only", "tx_read_only", "big_tables", "sql_big_selects", "sql_log_bin", "local_infile",
        "require_secure_transport", "innodb_file_per_table", "log_bin", "skip_name_resolve", "skip_networking", "old_alter_table",
    };

    public static bool IsBoolean(string name) => s_boolean.Contains(name);

    static readonly Dictionary<string, object?> s_defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["version"] = Version,
        ["version_comment"] = "Borealis (MySQL-compatible)",
        ["version_compile_os"] = "Linux",
        ["version_compile_machine"] = "x86_64",
        ["aurora_version"] = "3.08.0",
        ["autocommit"] = 1L,
        ["sql_mode"] = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
        ["max_allowed_packet"] = 67108864L,
        ["net_buffer_length"] = 16384L,
        ["character_set_client"] = "utf8mb4",
        ["character_set_connection"] = "utf8mb4",
        ["character_set_results"] = "utf8mb4",
        ["character_set_server"] = "utf8mb4",
        ["character_set_database"] = "utf8mb4",
        ["character_set_system"] = "utf8mb3",
        ["character_set_filesystem"] = "binary",
        ["collation_connection"] = "utf8mb4_0900_ai_ci",
        ["collation_server"] = "utf8mb4_0900_ai_ci",
        ["collation_database"] = "utf8mb4_0900_ai_ci",
        ["transaction_isolation"] = "REPEATABLE-READ",
        ["tx_isolation"] = "REPEATABLE-READ",
        ["transaction_read_only"] = 0L,
        ["tx_read_only"] = 0L,
        ["lower_case_table_names"] = 2L,
        ["time_zone"] = "SYSTEM",
        ["system_time_zone"] = "UTC",
        ["wait_timeout"] = 28800L,
        ["interactive_timeout"] = 28800L,
        ["net_read_timeout"] = 30L,
        ["net_write_timeout"] = 60L,
        ["license"] = "Apache-2.0",
        ["init_connect"] = "",
        ["performance_schema"] = 0L,
        ["query_cache_type"] = "OFF",
        ["query_cache_size"] = 0L,
        ["auto_increment_increment"] = 1L,
        ["auto_increment_offset"] = 1L,
        ["sql_auto_is_null"] = 0L,
        ["sql_select_limit"] = 18446744073709551615UL,
        ["sql_safe_updates"] = 0L,
        ["sql_notes"] = 1L,
        ["sql_warnings"] = 0L,
        ["sql_quote_show_create"] = 1L,
        ["foreign_key_checks"] = 1L,
        ["unique_checks"] = 1L,
        ["default_storage_engine"] = "InnoDB",
        ["default_tmp_storage_engine"] = "InnoDB",
        ["storage_engine"] = "InnoDB",
        ["default_authentication_plugin"] = "caching_sha2_password",
        ["innodb_lock_wait_timeout"] = 50L,
        ["lock_wait_timeout"] = 31536000L,
        ["innodb_flush_log_at_trx_commit"] = 1L,
        ["innodb_buffer_pool_size"] = 268435456L,
        ["max_connections"] = 1000L,
        ["max_user_connections"] = 0L,
        ["div_precision_increment"] = 4L,
        ["group_concat_max_len"] = 1024L,
        ["explicit_defaults_for_timestamp"] = 1L,
        ["event_scheduler"] = "OFF",
        ["protocol_version"] = 10L,
        ["server_id"] = 1L,
        ["port"] = 3306L,
        ["hostname"] = "localhost",
        ["aurora_server_id"] = "borealis-1",
        ["read_only"] = 0L,
        ["super_read_only"] = 0L,
        ["innodb_read_only"] = 0L,
        ["aurora_replica_read_consistency"] = "",
        ["aurora_mm_session_consistency_level"] = "INSTANCE_RAW",
        ["have_ssl"] = "YES",
        ["have_openssl"] = "YES",
        ["ssl_cipher"] = "",
        ["require_secure_transport"] = 0L,
        ["socket"] = "",
        ["basedir"] = "/",
        ["datadir"] = "/data/",
        ["tmpdir"] = "/tmp",
        ["log_bin"] = 0L,
        ["binlog_format"] = "ROW",
        ["gtid_mode"] = "OFF",
        ["enforce_gtid_consistency"] = "OFF",
        ["session_track_schema"] = 1L,
        ["session_track_system_variables"] = "time_zone,autocommit,character_set_client,character_set_results,character_set_connection",
        ["session_track_state_change"] = 0L,
        ["session_track_transaction_info"] = "OFF",
        ["session_track_gtids"] = "OFF",
        ["transaction_prealloc_size"] = 4096L,
        ["max_execution_time"] = 0L,
        ["max_join_size"] = 18446744073709551615UL,
        ["sql_big_selects"] = 1L,
        ["long_query_time"] = 10.0,
        ["slow_query_log"] = 0L,
        ["general_log"] = 0L,
        ["character_sets_dir"] = "/usr/share/mysql/charsets/",
        ["warning_count"] = 0L,
        ["error_count"] = 0L,
        ["identity"] = 0L,
        ["last_insert_id"] = 0L,
        ["profiling"] = 0L,
        ["big_tables"] = 0L,
        ["thread_handling"] = "one-thread-per-connection",
        ["table_open_cache"] = 4000L,
        ["open_files_limit"] = 1048576L,
        ["ft_min_word_len"] = 4L,
        ["innodb_version"] = "8.0.39",
        ["innodb_strict_mode"] = 1L,
        ["cte_max_recursion_depth"] = 1000L,
        ["optimizer_switch"] = "index_merge=on",
        ["completion_type"] = "NO_CHAIN",
        ["default_week_format"] = 0L,
        ["block_encryption_mode"] = "aes-128-ecb",
        ["updatable_views_with_limit"] = "YES",
        ["local_infile"] = 0L,
        ["secure_file_priv"] = null,
        ["skip_name_resolve"] = 1L,
        ["back_log"] = 151L,
        ["resultset_metadata"] = "FULL",
        ["mysqlx_port"] = 33060L,
    };

    public static IEnumerable<KeyValuePair<string, object?>> Defaults => s_defaults;

    public static bool IsKnown(string name) => s_defaults.ContainsKey(name);

    public static bool IsNumeric(string name) => s_defaults.TryGetValue(name, out var v) && v is long or ulong or double;

    public static object? Default(string name) => s_defaults.GetValueOrDefault(name);

    /// <summary>The canonical (lower-case) name of a known variable.</summary>
    public static string Canonical(string name)
    {
        foreach (var key in s_defaults.Keys)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
                return key;
        }
        return name.ToLowerInvariant();
    }
}
