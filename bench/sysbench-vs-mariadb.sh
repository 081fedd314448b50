#!/usr/bin/env bash
# Side-by-side sysbench: Borealis and a MariaDB server (InnoDB, innodb_flush_log_at_trx_commit=1), both started
# by this script on 127.0.0.1, same tables, same threads, in one run. Prints each throughput and the ratio.
#
#   bench/sysbench-vs-mariadb.sh [--threads N] [--time SECONDS] [--table-size ROWS] [--tests "oltp_point_select oltp_insert"]
#                                [--cache-mb MB] [--rss-soak SECONDS]
#
# --rss-soak runs oltp_insert against Borealis alone for SECONDS afterwards and prints its RSS every 10 s, to
# show that instance memory stays bounded by the cache setting under a long insert load.
#
# Needs: sysbench, mariadb-server (installed with apt-get when missing). Results go to stdout; record them in
# docs/benchmarks.md with the command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
threads=4
duration=20
table_size=100000
tests="oltp_point_select oltp_insert"
cache_mb=256
rss_soak=0
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift ;;
    --time) duration="$2"; shift ;;
    --table-size) table_size="$2"; shift ;;
    --tests) tests="$2"; shift ;;
    --cache-mb) cache_mb="$2"; shift ;;
    --rss-soak) rss_soak="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

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
}
trap cleanup EXIT


password=bench-pw

# --- MariaDB, durable settings ---
maria_port=$(free_port)
mariadb-install-db --no-defaults --datadir="$work/maria" --user=root --auth-root-authentication-method=normal >/dev/null 2>&1
/usr/sbin/mariadbd --no-defaults --datadir="$work/maria" --user=root --bind-address=127.0.0.1 --port="$maria_port" \
  --socket="$work/maria.sock" --innodb-flush-log-at-trx-commit=1 --sync-binlog=0 --skip-log-bin \
  --innodb-buffer-pool-size=256M --max-connections=200 --log-error="$work/maria.err" &
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
mariadb -h 127.0.0.1 -P "$bor_port" -u admin -p"$password" --skip-ssl -e "CREATE DATABASE sbtest"

run() { # target port test -> "tps qps p95"
  local port=$1 test=$2
  local common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=admin --mysql-password="$password"
                --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" --threads="$threads")
  sysbench "$test" "${common[@]}" cleanup >/dev/null 2>&1 || true
  sysbench "$test" "${common[@]}" prepare >"$work/prepare.log" 2>&1 || { cat "$work/prepare.log" >&2; return 1; }
  sysbench "$test" "${common[@]}" --time="$duration" --report-interval=0 --histogram=off run >"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; return 1; }
  local tps qps p95 errors
  tps=$(awk '/transactions:/ {gsub(/[()]/,"",$3); print $3}' "$work/run.log")
  qps=$(awk '/queries:/ && /per sec/ {gsub(/[()]/,"",$3); print $3}' "$work/run.log")
  p95=$(awk '/95th percentile:/ {print $3}' "$work/run.log")
  errors=$(awk '/ignored errors:/ {print $3}' "$work/run.log")
  echo "$tps $qps $p95 ${errors:-0}"
}

printf '%-20s %12s %12s %10s %12s %12s %10s %8s\n' test borealis_tps borealis_qps b_p95_ms mariadb_tps mariadb_qps m_p95_ms ratio
for t in $tests; do
  read -r btps bqps bp95 berr < <(run "$bor_port" "$t")
  read -r mtps mqps mp95 merr < <(run "$maria_port" "$t")
  ratio=$(awk -v a="$btps" -v b="$mtps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
  printf '%-20s %12s %12s %10s %12s %12s %10s %8s\n' "$t" "$btps" "$bqps" "$bp95" "$mtps" "$mqps" "$mp95" "${ratio}x"
  [ "${berr:-0}" != "0" ] && echo "  note: borealis reported $berr ignored errors in $t"
done
echo "borealis RSS after the run: $(( $(rss_kb "$bor_pid") / 1024 )) MiB (cache bound $cache_mb MiB)"
if [ "$rss_soak" -gt 0 ]; then
  echo "RSS soak: oltp_insert on Borealis for ${rss_soak}s (cache bound $cache_mb MiB)"
  sysbench oltp_insert --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$bor_port" --mysql-user=admin \
    --mysql-password="$password" --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" \
    --threads="$threads" --time="$rss_soak" --report-interval=0 run >"$work/soak.log" 2>&1 &
  soak_pid=$!
  for ((s = 10; s <= rss_soak; s += 10)); do
    sleep 10
    echo "  t=${s}s rss=$(( $(rss_kb "$bor_pid") / 1024 )) MiB"
  done
  wait "$soak_pid" || { cat "$work/soak.log" >&2; exit 1; }
  rows=$(mariadb -h 127.0.0.1 -P "$bor_port" -u admin -p"$password" --skip-ssl -N -e "SELECT COUNT(*) FROM sbtest.sbtest1")
  echo "  rows in sbtest1 after the soak: $rows; inserts/s: $(awk '/transactions:/ {gsub(/[()]/,"",$3); print $3}' "$work/soak.log")"
fi
echo "threads=$threads time=${duration}s table_size=$table_size"
