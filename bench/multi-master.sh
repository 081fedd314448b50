#!/usr/bin/env bash
# Multi-master (issue 7, "Speed"): insert throughput with 1, 2 and 4 writers on disjoint tables, the conflict rate of
# 2 writers on one hot table, and ALTER SYSTEM CRASH on a writer: time until it serves again and the other writer's
# latency meanwhile. Each phase starts its own cluster with the built executable (`borealis up --detach`, 6 storage
# nodes, 127.0.0.1, free ports) and stops it at the end (also on failure or Ctrl-C). One result table at the end.
#
#   bench/multi-master.sh [--quick] [--time SECONDS] [--threads N] [--crashes N] [--phases "scale hot crash"]
#
#   scale  for 1, 2 and 4 writers (1: the single-writer cluster, no volume service): --threads clients per writer,
#          each inserting one row per autocommit statement into its writer's own table for --time s; inserts/s in
#          all and per writer, and the 1213 errors clients saw (target: none; page conflicts of two writers growing
#          the file at once are retried by the writer unseen, counted from the writers' logs as "retried").
#   hot    2 writers, --threads clients each, one transaction per insert (BEGIN; INSERT; COMMIT) into one shared
#          table with an AUTO_INCREMENT key for --time s: transactions/s, and the share that got 1213 (retried).
#   crash  2 writers; a client inserts a row every 5 ms on writer 2 and records each latency; --crashes times,
#          ALTER SYSTEM CRASH on writer 1, then the time until writer 1 accepts a connection and commits an insert
#          (the supervisor restarts it), and writer 2's p50/p99/max latency from the crash to that moment, against
#          its p99 in the 2 s before. Target: back in < 2 s (Aurora: 10-20 s).
#
# Defaults: --time 15 --threads 4 --crashes 5; about 4 minutes. --quick: --time 4 --crashes 2.
# Needs the mariadb client and python3-pymysql (installed with apt-get when missing). Record the output in
# docs/benchmarks.md with the command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
duration=15
threads=4
crashes=5
phases="scale hot crash"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) duration=4; crashes=2 ;;
    --time) duration="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --crashes) crashes="$2"; shift ;;
    --phases) phases="$2"; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for p in $phases; do
  case "$p" in scale|hot|crash) ;; *) echo "error: unknown phase '$p' (scale, hot, crash)" >&2; exit 2 ;; esac
done

need=()
command -v mariadb >/dev/null || need+=(mariadb-client)
/usr/bin/python3 -c 'import pymysql' 2>/dev/null || need+=(python3-pymysql)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}..."
  (apt-get update -qq && apt-get install -y -qq "${need[@]}") >/dev/null
fi

exe="$root/artifacts/bin/Borealis.Cli/release/borealis"
echo "building borealis (Release)..."
dotnet build "$root/src/Borealis.Cli" -c Release -v q -nologo >/dev/null
work=$(mktemp -d /tmp/borealis-mm-bench.XXXXXX)
data=""
password="Bench-pw-1"
stop_cluster() {
  if [ -n "$data" ] && [ -d "$data" ]; then "$exe" down --data "$data" >/dev/null 2>&1 || true; fi
  data=""
}
cleanup() { stop_cluster; rm -rf "$work"; release_ports; }
trap cleanup EXIT INT TERM

# Starts a cluster with $1 writers (no readers); sets $data and $ports (the writers' instance ports).
start_cluster() {
  local writers=$1 port
  data="$work/cluster-$writers-$RANDOM"
  port=$(free_port)
  while ! port_range_free "$port"; do port=$(free_port); done
  "$exe" up --detach --data "$data" --port "$port" --readers 0 --writers "$writers" --password "$password" >"$work/up.log" 2>&1 \
    || { cat "$work/up.log" >&2; return 1; }
  ports=$("$exe" status --data "$data" --output json | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin); print(" ".join(str(i["port"]) for i in s["processes"] if i["role"] == "writer"))')
}
# The cluster port and the ports it derives (+0..+2 router/control, +3 volume service, +10.. instances, +100.. nodes).
port_range_free() {
  /usr/bin/python3 -c 'import socket,sys
p=int(sys.argv[1])
for q in [p, p+1, p+2, p+3] + list(range(p+10, p+22)) + list(range(p+100, p+106)):
    s=socket.socket(); s.bind(("127.0.0.1", q)); s.close()' "$1" 2>/dev/null
}

cat >"$work/client.py" <<'PY'
import json, sys, threading, time, pymysql

def connect(port, db=None, autocommit=True):
    return pymysql.connect(host="127.0.0.1", port=port, user="admin", password=sys.argv[2], database=db, autocommit=autocommit, connect_timeout=2)

def now(): return time.clock_gettime(time.CLOCK_MONOTONIC)

def pct(values, p):
    if not values: return float("nan")
    v = sorted(values); return v[min(len(v) - 1, int(p / 100.0 * len(v)))]

def scale(ports, threads, seconds):
    c = connect(ports[0]); cur = c.cursor()
    cur.execute("CREATE DATABASE IF NOT EXISTS bench")
    for w in range(len(ports)):
        cur.execute(f"CREATE TABLE IF NOT EXISTS bench.t{w} (id INT AUTO_INCREMENT PRIMARY KEY, payload VARCHAR(100) NOT NULL)")
    c.close()
    time.sleep(0.5)  # the other writers apply the DDL (their next write would catch up anyway)
    counts = [0] * len(ports); errors = [0]; stop = time.time() + seconds; lock = threading.Lock()
    def run(w):
        c = connect(ports[w], "bench"); cur = c.cursor(); n = 0
        while time.time() < stop:
            try:
                cur.execute(f"INSERT INTO t{w} (payload) VALUES (REPEAT('p', 80))"); n += 1
            except pymysql.err.OperationalError as e:
                if e.args[0] != 1213: raise
                with lock: errors[0] += 1
        with lock: counts[w] += n
    ts = [threading.Thread(target=run, args=(w,)) for w in range(len(ports)) for _ in range(threads)]
    t0 = time.time(); [t.start() for t in ts]; [t.join() for t in ts]; elapsed = time.time() - t0
    print(json.dumps({"total": sum(counts) / elapsed, "per_writer": [n / elapsed for n in counts], "errors_1213": errors[0]}))

def hot(ports, threads, seconds):
    c = connect(ports[0]); cur = c.cursor()
    cur.execute("CREATE DATABASE IF NOT EXISTS bench")
    cur.execute("CREATE TABLE IF NOT EXISTS bench.hot (id INT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL)")
    c.close(); time.sleep(0.5)
    ok = [0]; conflicts = [0]; stop = time.time() + seconds; lock = threading.Lock()
    def run(w):
        c = connect(ports[w], "bench", autocommit=False); cur = c.cursor(); n = k = 0
        while time.time() < stop:
            try:
                cur.execute(f"INSERT INTO hot (writer) VALUES ({w})"); c.commit(); n += 1
            except pymysql.err.OperationalError as e:
                if e.args[0] != 1213: raise
                k += 1
        with lock: ok[0] += n; conflicts[0] += k
    ts = [threading.Thread(target=run, args=(w,)) for w in range(len(ports)) for _ in range(threads)]
    t0 = time.time(); [t.start() for t in ts]; [t.join() for t in ts]; elapsed = time.time() - t0
    attempts = ok[0] + conflicts[0]
    print(json.dumps({"tps": ok[0] / elapsed, "attempts": attempts, "conflicts": conflicts[0], "rate": conflicts[0] / attempts if attempts else 0}))

def crash(ports, rounds):
    c = connect(ports[0]); cur = c.cursor()
    cur.execute("CREATE DATABASE IF NOT EXISTS bench")
    cur.execute("CREATE TABLE IF NOT EXISTS bench.probe (id INT AUTO_INCREMENT PRIMARY KEY, at DOUBLE)")
    c.close(); time.sleep(0.5)
    samples = []; stop = [False]
    def probe():
        c = None
        while not stop[0]:
            t = now()
            try:
                if c is None: c = connect(ports[1], "bench")
                c.cursor().execute("INSERT INTO probe (at) VALUES (%s)", (t,))
                samples.append((t, now() - t))
            except pymysql.err.MySQLError:
                samples.append((t, float("inf"))); c = None
            time.sleep(0.005)
    th = threading.Thread(target=probe); th.start()
    results = []
    for _ in range(rounds):
        time.sleep(2.5)
        victim = connect(ports[0]); t0 = now()
        try: victim.cursor().execute("ALTER SYSTEM CRASH INSTANCE")
        except pymysql.err.MySQLError: pass
        time.sleep(0.02)
        while True:
            try:
                c = connect(ports[0], "bench"); c.cursor().execute("INSERT INTO probe (at) VALUES (0)"); c.close(); break
            except pymysql.err.MySQLError: time.sleep(0.01)
        back = now() - t0
        before = [l for (t, l) in samples if t0 - 2 <= t < t0]
        during = [l for (t, l) in samples if t0 <= t <= t0 + back]
        results.append({"back_s": back, "before_p99_ms": pct(before, 99) * 1000,
                        "during_p50_ms": pct(during, 50) * 1000, "during_p99_ms": pct(during, 99) * 1000, "during_max_ms": max(during) * 1000 if during else float("nan"),
                        "during_failed": sum(1 for l in during if l == float("inf"))})
    stop[0] = True; th.join()
    print(json.dumps(results))

kind = sys.argv[1]; ports = [int(p) for p in sys.argv[3].split(",")]
if kind == "scale": scale(ports, int(sys.argv[4]), float(sys.argv[5]))
elif kind == "hot": hot(ports, int(sys.argv[4]), float(sys.argv[5]))
else: crash(ports, int(sys.argv[4]))
PY
client() { /usr/bin/python3 "$work/client.py" "$1" "$password" "$2" "${@:3}"; }

echo
echo "Borealis multi-master, $(nproc) cores, $(date -u +%Y-%m-%d)"
for phase in $phases; do
  case "$phase" in
    scale)
      echo
      echo "scale: one-row autocommit inserts, $threads clients per writer, each writer its own table, ${duration}s"
      printf '  %-8s %12s %28s %10s\n' writers "inserts/s" "per writer" "1213 seen"
      base=""
      for w in 1 2 4; do
        start_cluster "$w"
        out=$(client scale "$(echo "$ports" | tr ' ' ',')" "$threads" "$duration")
        stop_cluster
        read -r total per errors < <(echo "$out" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.0f" % r["total"], "/".join("%.0f" % x for x in r["per_writer"]), r["errors_1213"])')
        [ -z "$base" ] && base=$total
        printf '  %-8s %12s %28s %10s   (%.2fx the single writer)\n' "$w" "$total" "$per" "$errors" "$(echo "$total / $base" | bc -l)"
      done
      ;;
    hot)
      echo
      echo "hot: 2 writers, $threads clients each, BEGIN; INSERT; COMMIT into one table (AUTO_INCREMENT key), ${duration}s"
      start_cluster 2
      out=$(client hot "$(echo "$ports" | tr ' ' ',')" "$threads" "$duration")
      stop_cluster
      echo "$out" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print("  committed/s %.0f, attempts %d, 1213 %d: conflict rate %.1f %%" % (r["tps"], r["attempts"], r["conflicts"], 100 * r["rate"]))'
      ;;
    crash)
      echo
      echo "crash: 2 writers, ALTER SYSTEM CRASH on writer 1, $crashes times; a probe inserts every 5 ms on writer 2"
      start_cluster 2
      out=$(client crash "$(echo "$ports" | tr ' ' ',')" "$crashes")
      stop_cluster
      echo "$out" | /usr/bin/python3 -c '
import json, sys, statistics
rs = json.load(sys.stdin)
print("  %-6s %10s %16s %16s %16s %16s %8s" % ("round", "back (s)", "w2 p99 before", "w2 p50 during", "w2 p99 during", "w2 max during", "failed"))
for i, r in enumerate(rs, 1):
    print("  %-6d %10.2f %13.2f ms %13.2f ms %13.2f ms %13.2f ms %8d" % (i, r["back_s"], r["before_p99_ms"], r["during_p50_ms"], r["during_p99_ms"], r["during_max_ms"], r["during_failed"]))
backs = [r["back_s"] for r in rs]
print("  back in: median %.2f s, max %.2f s (target < 2 s)" % (statistics.median(backs), max(backs)))'
      ;;
  esac
done
