#!/usr/bin/env bash
# The quorum storage service against the local volume, side by side in one run on this machine:
#   - commit latency (sysbench oltp_insert, 1 thread: p50 and p99) against the physical floor
#     (one loopback round trip + one fsync, both measured here), and against what a write quorum costs when the 6
#     copies share this machine's one disk (round trip + the 4th of 6 simultaneous fdatasyncs),
#   - throughput with 16 clients (oltp_insert) as a ratio quorum/local (target >= 0.7x), and the CPU time the
#     servers used per transaction (local: the instance; quorum: the writer and the 6 nodes; sysbench not counted),
#   - network bytes per transaction from the writer to the nodes (target < 1 KiB per node for a one-row insert),
#   - writer recovery time (SIGKILL, restart, first point select answered) after a small and an at least 10x larger
#     log, on a fleet of its own whose nodes do not checkpoint during the run (storage --checkpoint-mb 1024).
#
#   bench/quorum-storage.sh [--time SECONDS] [--table-size ROWS] [--pages-per-group N]
#
# --pages-per-group (default 4096, 16 MiB groups as `up` makes) set lower spreads the same data over many protection
# groups, as a large database is spread: every commit then touches several groups on every node.
#
# Needs sysbench and the mariadb client (installed with apt-get when missing). Record the output in
# docs/benchmarks.md with the command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
duration=20
table_size=10000
pages_per_group=4096
while [ $# -gt 0 ]; do
  case "$1" in
    --time) duration="$2"; shift ;;
    --table-size) table_size="$2"; shift ;;
    --pages-per-group) pages_per_group="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
need=()
command -v sysbench >/dev/null || need+=(sysbench)
command -v mariadb >/dev/null || need+=(mariadb-client)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/borealis-qbench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
  release_ports
}
trap cleanup EXIT
password=bench-pw
"$root/borealis" --help >/dev/null  # builds when needed
exe="$root/artifacts/bin/Borealis.Cli/release/borealis"

# --- the floor: loopback round trip and fsync on this disk ---
read -r rtt_us fsync_us quorum_fsync_us < <(/usr/bin/python3 - "$work" <<'PY'
import os, socket, sys, threading, time
d = sys.argv[1]
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
def echo():
    c, _ = srv.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        b = c.recv(64)
        if not b: return
        c.sendall(b)
threading.Thread(target=echo, daemon=True).start()
cl = socket.create_connection(srv.getsockname()); cl.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
n = 2000
t = time.perf_counter()
for _ in range(n):
    cl.sendall(b"x" * 32); cl.recv(64)
rtt = (time.perf_counter() - t) / n * 1e6
f = os.open(os.path.join(d, "fsync.probe"), os.O_WRONLY | os.O_CREAT)
t = time.perf_counter()
for i in range(500):
    os.pwrite(f, b"y" * 512, i * 512); os.fdatasync(f)
fs = (time.perf_counter() - t) / 500 * 1e6
# What a write quorum costs when the 6 copies share this one disk: 6 files synced at once, until the 4th is done
# (median of 300 rounds). On 6 machines this is one fdatasync; here the device may serialise them.
import statistics
files = [os.open(os.path.join(d, f"quorum{k}.probe"), os.O_WRONLY | os.O_CREAT) for k in range(6)]
rounds = 300
start = threading.Barrier(7); done = threading.Barrier(7)
stamps = [[0.0] * rounds for _ in range(6)]
def syncer(k):
    for r in range(rounds):
        start.wait()
        os.pwrite(files[k], b"z" * 512, r * 512); os.fdatasync(files[k])
        stamps[k][r] = time.perf_counter()
        done.wait()
threads = [threading.Thread(target=syncer, args=(k,), daemon=True) for k in range(6)]
for th in threads: th.start()
fourth = []
for r in range(rounds):
    start.wait(); t = time.perf_counter(); done.wait()
    fourth.append((sorted(stamps[k][r] for k in range(6))[3] - t) * 1e6)
print(f"{rtt:.0f} {fs:.0f} {statistics.median(fourth):.0f}")
PY
)
floor_us=$((rtt_us + fsync_us))
quorum_floor_us=$((rtt_us + quorum_fsync_us))

# --- local volume instance ---
local_port=$(free_port)
BOREALIS_PASSWORD="$password" "$exe" instance --volume "$work/local" --port "$local_port" >"$work/local.log" 2>&1 &
local_pid=$!
pids+=($local_pid)
node_pids=()

# --- 6 storage nodes (zones a, b, c) and a writer on them ---
start_fleet() { # DIR [storage options...]: 6 nodes under DIR, their topology in DIR/nodes.json; sets nodes_json, node_pids, node_ports
  local dir=$1 i port zone
  shift
  mkdir -p "$dir"
  nodes_json="$dir/nodes.json"
  node_pids=()
  node_ports=""
  {
    echo "{ \"pagesPerGroup\": $pages_per_group, \"nodes\": ["
    for i in 1 2 3 4 5 6; do
      port=$(free_port); zone=$(echo "a b c" | cut -d' ' -f$(( (i - 1) % 3 + 1 )))
      node_ports="$node_ports $port"
      echo "  { \"id\": $i, \"zone\": \"$zone\", \"host\": \"127.0.0.1\", \"port\": $port }$([ $i -lt 6 ] && echo ,)"
      "$exe" storage --data "$dir/node-$i" --node-id "$i" --zone "$zone" --port "$port" "$@" >"$dir/node-$i.log" 2>&1 &
      pids+=($!)
      node_pids+=($!)
    done
    echo '] }'
  } >"$nodes_json"
  # (the loop ran in a { } group, not a subshell, so node_pids is set here)
  for port in $node_ports; do wait_port "$port"; done
}
start_fleet "$work"
quorum_port=$(free_port)
start_writer() {
  BOREALIS_PASSWORD="$password" "$exe" instance --storage "$nodes_json" --port "$quorum_port" >>"$work/writer.log" 2>&1 &
  writer_pid=$!
  pids+=($writer_pid)
}
start_writer
wait_port "$local_port"
wait_port "$quorum_port"
for p in "$local_port" "$quorum_port"; do mariadb -h 127.0.0.1 -P "$p" -u admin -p"$password" --skip-ssl --connect-timeout=10 -e "CREATE DATABASE sbtest"; done

run() { # port test threads [server pids...] -> "tps p50_ms p99_ms transactions cpu_ms" (cpu: the pids, run phase only)
  local port=$1 test=$2 threads=$3
  shift 3
  local common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=admin --mysql-password="$password"
                --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" --threads="$threads")
  sysbench "$test" "${common[@]}" cleanup >/dev/null 2>&1 || true
  sysbench "$test" "${common[@]}" prepare >"$work/prepare.log" 2>&1 || { cat "$work/prepare.log" >&2; return 1; }
  local c0=0
  [ $# -gt 0 ] && c0=$(cpu_ms "$@")
  sysbench "$test" "${common[@]}" --time="$duration" --report-interval=0 --histogram=on run >"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; return 1; }
  local cpu=0
  [ $# -gt 0 ] && cpu=$(( $(cpu_ms "$@") - c0 ))
  # p50 and p99 from sysbench's latency histogram (lines "  value |****  count").
  awk -v cpu="$cpu" '
    /^ *[0-9.]+ \|/ { v[n] = $1; c[n] = $NF; total += $NF; n++ }
    /transactions:/ { gsub(/[()]/,"",$3); tps=$3; txns=$2 }
    END {
      for (i = 0; i < n; i++) { run += c[i]; if (!p50 && run >= total * 0.50) p50 = v[i]; if (!p99 && run >= total * 0.99) p99 = v[i] }
      print tps, p50, p99, txns, cpu
    }' "$work/run.log"
}
# Bytes of log frames: a log file ends in zeros reserved for the next appends, which are not log.
log_bytes() { /usr/bin/python3 -c 'import glob, sys; print(sum(len(open(f, "rb").read().rstrip(b"\0")) for f in glob.glob(sys.argv[1] + "/node-*/log-*")))' "$1"; }

echo "floor: loopback round trip ${rtt_us} us + fdatasync ${fsync_us} us = ${floor_us} us"
echo "quorum floor on this one disk: round trip + the 4th of 6 simultaneous fdatasyncs (${quorum_fsync_us} us) = ${quorum_floor_us} us"
printf '%-28s %12s %12s %8s\n' measure local quorum ratio
read -r l1tps l1p50 l1p99 _ < <(run "$local_port" oltp_insert 1)
read -r q1tps q1p50 q1p99 _ < <(run "$quorum_port" oltp_insert 1)
# Network bytes: a run phase alone (no prepare, whose bulk load would count), on the tables the run above left.
read -r net_sent0 net_recv0 < <(tcp_bytes "$writer_pid" $node_ports)
q1n=$(sysbench oltp_insert --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$quorum_port" --mysql-user=admin --mysql-password="$password" \
  --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" --threads=1 --time="$duration" --report-interval=0 run \
  | awk '/transactions:/ {print $2}')
read -r net_sent1 net_recv1 < <(tcp_bytes "$writer_pid" $node_ports)
printf '%-28s %12s %12s %8s\n' "commit latency p50 (ms)" "$l1p50" "$q1p50" "$(awk -v a="$q1p50" -v b="$l1p50" 'BEGIN{printf "%.2fx", a/b}')"
printf '%-28s %12s %12s %8s\n' "commit latency p99 (ms)" "$l1p99" "$q1p99" "$(awk -v a="$q1p99" -v b="$l1p99" 'BEGIN{printf "%.2fx", a/b}')"
echo "  quorum commit p50 / floor: $(awk -v a="$q1p50" -v f="$floor_us" 'BEGIN{printf "%.1fx (%.0f us vs %d us; target <= 3x)", a*1000/f, a*1000, f}')"
echo "  quorum commit p50 / quorum floor on this disk: $(awk -v a="$q1p50" -v f="$quorum_floor_us" 'BEGIN{printf "%.1fx", a*1000/f}')"
read -r l16tps _ l16p99 l16n lcpu < <(run "$local_port" oltp_insert 16 "$local_pid")
read -r q16tps _ q16p99 q16n qcpu < <(run "$quorum_port" oltp_insert 16 "$writer_pid" "${node_pids[@]}")
printf '%-28s %12s %12s %8s\n' "oltp_insert 16 clients tps" "$l16tps" "$q16tps" "$(awk -v a="$q16tps" -v b="$l16tps" 'BEGIN{printf "%.2fx", a/b}')"
printf '%-28s %12s %12s\n' "  p99 (ms)" "$l16p99" "$q16p99"
lper=$(awk -v c="$lcpu" -v n="$l16n" 'BEGIN{printf "%.0f", c*1000/n}')
qper=$(awk -v c="$qcpu" -v n="$q16n" 'BEGIN{printf "%.0f", c*1000/n}')
printf '%-28s %12s %12s %8s\n' "  server CPU us/txn" "$lper" "$qper" "$(awk -v a="$qper" -v b="$lper" 'BEGIN{printf "%.2fx", a/b}')"
echo "network per transaction, writer to all 6 nodes: $(awk -v s=$((net_sent1 - net_sent0)) -v r=$((net_recv1 - net_recv0)) -v n="$q1n" 'BEGIN{printf "%.0f bytes sent (%.0f per node), %.0f bytes received", s/n, s/6/n, r/n}') (oltp_insert, 1 thread; heartbeats included)"

recover() { # sets recovery_s: seconds from SIGKILL to the first answered query (process start included)
  kill -9 "$writer_pid"; wait "$writer_pid" 2>/dev/null || true
  local t0; t0=$(date +%s.%N)
  start_writer
  for _ in $(seq 1 600); do
    mariadb -h 127.0.0.1 -P "$quorum_port" -u admin -p"$password" --skip-ssl -N -e "SELECT id FROM sbtest.sbtest1 WHERE id = 1" 2>/dev/null | grep -qx 1 && break
    sleep 0.05
  done
  recovery_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
}
# Recovery at two log sizes ten times apart, on a fleet of its own whose nodes keep their logs (--checkpoint-mb 1024:
# no checkpoint in this run), so that the log grows with the load instead of being folded into page images.
for p in "$writer_pid" "$local_pid" "${node_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
start_fleet "$work/recovery" --checkpoint-mb 1024
start_writer
wait_port "$quorum_port"
mariadb -h 127.0.0.1 -P "$quorum_port" -u admin -p"$password" --skip-ssl --connect-timeout=10 -e "CREATE DATABASE sbtest"
sysbench oltp_insert --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$quorum_port" --mysql-user=admin --mysql-password="$password" \
  --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" prepare >"$work/prepare.log" 2>&1 \
  || { cat "$work/prepare.log" >&2; exit 1; }
small=$(log_bytes "$work/recovery")
recover
r1=$recovery_s
# Load until the log is ten times larger (at most 10 rounds of $duration seconds).
large=$small
for _ in $(seq 1 10); do
  sysbench oltp_insert --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$quorum_port" --mysql-user=admin --mysql-password="$password" \
    --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" --threads=16 --time="$duration" --report-interval=0 run >"$work/load.log" 2>&1 \
    || { echo "error: the load between the two recoveries failed:" >&2; tail -5 "$work/load.log" >&2; exit 1; }
  large=$(log_bytes "$work/recovery")
  [ "$large" -ge $((small * 10)) ] && break
done
recover
r2=$recovery_s
echo "writer recovery (SIGKILL -> first query answered, process start included): ${r1} s with $((small / 1048576)) MiB of log on the nodes, ${r2} s with $((large / 1048576)) MiB ($(awk -v a="$large" -v b="$small" 'BEGIN{printf "%.1f", a/b}')x the log)"
echo "time=${duration}s table_size=$table_size pages_per_group=$pages_per_group"
