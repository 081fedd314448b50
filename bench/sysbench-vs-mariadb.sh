#!/usr/bin/env bash
# Side-by-side sysbench: Borealis and a MariaDB server (InnoDB, durable: innodb_flush_log_at_trx_commit=1,
# sync_binlog=1, binlog off), both started by this script on 127.0.0.1, same tables, same threads, in one run.
# For each suite and thread count it prints TPS, QPS and p95 latency of both, and the Borealis/MariaDB ratios.
#
#   bench/sysbench-vs-mariadb.sh [--threads "4 16"] [--time SECONDS] [--table-size ROWS] [--tests "oltp_point_select ..."]
#                                [--cache-mb MB] [--rss-soak SECONDS] [--warmup SECONDS]
#
# Default tests: every suite of the compatibility issue (oltp_read_write, oltp_read_only, oltp_write_only,
# oltp_point_select, oltp_update_index, oltp_update_non_index, oltp_delete, oltp_insert, select_random_points,
# select_random_ranges, bulk_insert). Each suite's tables are prepared once per server and every thread count runs
# on them in turn (the write suites change a few rows; bulk_insert gets fresh tables, one per thread, for each run).
# Before a suite's first measured run each server runs it unmeasured for --warmup seconds (default 5; 0: none), the
# same for both: MariaDB's buffer pool and Borealis's JIT (about 1 s of compilation in its first seconds) start warm.
# --rss-soak runs oltp_insert (with the first thread count) against Borealis alone for SECONDS afterwards and
# prints its RSS every 10 s, to show that instance memory stays bounded by the cache setting under a long insert load.
#
# Needs: sysbench, mariadb-server (installed with apt-get when missing). Results go to stdout; record them in
# docs/benchmarks.md with the command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
thread_counts="4 16"
duration=20
table_size=100000
tests="oltp_read_write oltp_read_only oltp_write_only oltp_point_select oltp_update_index oltp_update_non_index oltp_delete oltp_insert select_random_points select_random_ranges bulk_insert"
cache_mb=256
rss_soak=0
warmup=5
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) thread_counts="$2"; shift ;;
    --time) duration="$2"; shift ;;
    --table-size) table_size="$2"; shift ;;
    --tests) tests="$2"; shift ;;
    --cache-mb) cache_mb="$2"; shift ;;
    --rss-soak) rss_soak="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$warmup" in ''|*[!0-9]*) echo "error: --warmup needs a number of seconds, not '$warmup'" >&2; exit 2 ;; esac
max_threads=0
for t in $thread_counts; do [ "$t" -gt "$max_threads" ] && max_threads=$t; done

need=()
command -v sysbench >/dev/null || need+=(sysbench)
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v mariadb >/dev/null || need+=(mariadb-client)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/borealis-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
  release_ports
}
trap cleanup EXIT


password=bench-pw

# --- MariaDB, durable settings ---
maria_port=$(free_port)
mariadb-install-db --no-defaults --datadir="$work/maria" --user=root --auth-root-authentication-method=normal >/dev/null 2>&1
/usr/sbin/mariadbd --no-defaults --datadir="$work/maria" --user=root --bind-address=127.0.0.1 --port="$maria_port" \
  --socket="$work/maria.sock" --innodb-flush-log-at-trx-commit=1 --sync-binlog=1 --skip-log-bin \
  --innodb-buffer-pool-size=256M --max-connections=200 --log-error="$work/maria.err" >"$work/maria.out" 2>&1 &
pids+=($!)
wait_port "$maria_port"
mariadb -S "$work/maria.sock" -u root -e "CREATE USER 'admin'@'127.0.0.1' IDENTIFIED BY '$password'; GRANT ALL ON *.* TO 'admin'@'127.0.0.1'; CREATE DATABASE sbtest;"

# --- Borealis, one instance on a local volume ---
bor_port=$(free_port)
"$root/borealis" --help >/dev/null  # builds when needed
BOREALIS_PASSWORD="$password" "$root/artifacts/bin/Borealis.Cli/release/borealis" instance --volume "$work/volume" --port "$bor_port" --cache-mb "$cache_mb" \
  >"$work/borealis.log" 2>&1 &
bor_pid=$!
pids+=($bor_pid)
wait_port "$bor_port"
mariadb -h 127.0.0.1 -P "$bor_port" -u admin -p"$password" --skip-ssl --connect-timeout=10 -e "CREATE DATABASE sbtest"

common() { # port threads -> sysbench options
  echo --db-driver=mysql --db-ps-mode=auto --mysql-host=127.0.0.1 --mysql-port="$1" --mysql-user=admin \
    --mysql-password="$password" --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" --threads="$2"
}

prepare() { # port test
  local port=$1 test=$2
  # bulk_insert writes one table per thread: prepare as many as the largest thread count.
  # shellcheck disable=SC2046
  sysbench "$test" $(common "$port" "$max_threads") cleanup >/dev/null 2>&1 || true
  # shellcheck disable=SC2046
  sysbench "$test" $(common "$port" "$max_threads") prepare >"$work/prepare.log" 2>&1 \
    || { echo "error: prepare of $test on port $port failed:" >&2; cat "$work/prepare.log" >&2; return 1; }
}

drop_tables() { # port test
  # shellcheck disable=SC2046
  sysbench "$2" $(common "$1" "$max_threads") cleanup >/dev/null 2>&1 || true
}

run() { # port test threads -> "tps qps p95 errors" (or "fail fail fail fail")
  local port=$1 test=$2 threads=$3
  # shellcheck disable=SC2046
  if ! sysbench "$test" $(common "$port" "$threads") --time="$duration" --report-interval=0 --histogram=off run >"$work/run.log" 2>&1; then
    echo "error: $test with $threads threads on port $port failed:" >&2
    tail -5 "$work/run.log" >&2
    echo "fail fail fail fail"
    return 0
  fi
  local tps qps p95 errors
  tps=$(awk '/transactions:/ {gsub(/[()]/,"",$3); print $3}' "$work/run.log")
  qps=$(awk '/queries:/ && /per sec/ {gsub(/[()]/,"",$3); print $3}' "$work/run.log")
  p95=$(awk '/95th percentile:/ {print $3}' "$work/run.log")
  errors=$(awk '/ignored errors:/ {print $3}' "$work/run.log")
  echo "$tps $qps $p95 ${errors:-0}"
}

warm() { # port test: run the test unmeasured for $warmup seconds with the first thread count
  local port=$1 test=$2
  [ "$warmup" -gt 0 ] && [ "$test" != bulk_insert ] || return 0
  # shellcheck disable=SC2046
  sysbench "$test" $(common "$port" "${thread_counts%% *}") --time="$warmup" --report-interval=0 run >/dev/null 2>&1 || true
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }'; }

format='%-22s %4s %11s %11s %8s %11s %11s %8s %9s %9s\n'
# shellcheck disable=SC2059
printf "$format" test thr bor_tps bor_qps bor_p95 mdb_tps mdb_qps mdb_p95 tps_ratio qps_ratio
for t in $tests; do
  if ! prepare "$bor_port" "$t" || ! prepare "$maria_port" "$t"; then
    echo "$t: prepare failed, skipped"
    continue
  fi
  warm "$bor_port" "$t"
  warm "$maria_port" "$t"
  for threads in $thread_counts; do
    # bulk_insert inserts ids from 1 on in each run: it needs empty tables every time.
    if [ "$t" = bulk_insert ] && [ "$threads" != "${thread_counts%% *}" ]; then
      if ! prepare "$bor_port" "$t" || ! prepare "$maria_port" "$t"; then echo "$t: prepare failed"; continue; fi
    fi
    read -r btps bqps bp95 berr < <(run "$bor_port" "$t" "$threads")
    read -r mtps mqps mp95 merr < <(run "$maria_port" "$t" "$threads")
    # shellcheck disable=SC2059
    printf "$format" "$t" "$threads" "$btps" "$bqps" "$bp95" "$mtps" "$mqps" "$mp95" "$(ratio "$btps" "$mtps")" "$(ratio "$bqps" "$mqps")"
    if [ "$berr" != "0" ] && [ "$berr" != "fail" ]; then echo "  note: borealis reported $berr ignored errors in $t"; fi
    if [ "$merr" != "0" ] && [ "$merr" != "fail" ]; then echo "  note: mariadb reported $merr ignored errors in $t"; fi
  done
  drop_tables "$bor_port" "$t"
  drop_tables "$maria_port" "$t"
done
echo "borealis RSS after the run: $(( $(rss_kb "$bor_pid") / 1024 )) MiB (cache bound $cache_mb MiB)"
if [ "$rss_soak" -gt 0 ]; then
  echo "RSS soak: oltp_insert on Borealis for ${rss_soak}s (cache bound $cache_mb MiB)"
  prepare "$bor_port" oltp_insert
  sysbench oltp_insert --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$bor_port" --mysql-user=admin \
    --mysql-password="$password" --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" \
    --threads="${thread_counts%% *}" --time="$rss_soak" --report-interval=0 run >"$work/soak.log" 2>&1 &
  soak_pid=$!
  for ((s = 10; s <= rss_soak; s += 10)); do
    sleep 10
    echo "  t=${s}s rss=$(( $(rss_kb "$bor_pid") / 1024 )) MiB"
  done
  wait "$soak_pid" || { cat "$work/soak.log" >&2; exit 1; }
  rows=$(mariadb -h 127.0.0.1 -P "$bor_port" -u admin -p"$password" --skip-ssl -N -e "SELECT COUNT(*) FROM sbtest.sbtest1")
  echo "  rows in sbtest1 after the soak: $rows; inserts/s: $(awk '/transactions:/ {gsub(/[()]/,"",$3); print $3}' "$work/soak.log")"
fi
echo "threads=\"$thread_counts\" time=${duration}s warmup=${warmup}s table_size=$table_size (p95 in ms; ratios are Borealis / MariaDB)"
