#!/usr/bin/env bash
# A local cluster (issue 6, "Speed"): replica lag, failover time, time to add a reader, read scaling. It starts a
# cluster with the built executable (`borealis up --detach`: 6 storage nodes, router, 1 writer, 1 reader, all on
# 127.0.0.1, free ports), runs the phases below on it, stops it at the end (also on failure or Ctrl-C), and prints
# one result table with the targets.
#
#   bench/cluster.sh [--quick] [--time SECONDS] [--threads N] [--failovers N] [--sizes "MB MB"]
#                    [--table-size ROWS] [--phases "lag failover add read"] [--keep-logs]
#
#   lag       the writer's maximum insert rate (sysbench oltp_insert, --threads, --time, cluster endpoint); how
#             long the reader then needs to show a new commit (catch-up); then half of the maximum (sysbench --rate),
#             and after a warm-up, for --time s, a probe client inserts numbered rows through the cluster endpoint
#             (a tenth of the load, at most 100/s) while a poller on the reader's instance port records when each
#             becomes visible: lag = visible - OK, p50/p99/max (a). Also the reader's own lag p50/p99 from its status
#             endpoint (GET /v1/status on its statusPort) when `status --output json` shows one (b). Target p99 < 10 ms.
#   failover  --failovers times: under a light insert load (50/s) through the cluster endpoint, SIGKILL the writer
#             (pid from `status --output json`); time from the kill to the first commit through the cluster
#             endpoint (connect + insert retried every 10 ms, 0.5 s connect timeout). Each, median, max. One cluster:
#             the old writer rejoins as a reader and is healthy again before the next kill. Target median < 2 s.
#   add       fills a table to the first of --sizes (MB of row payload, 1 KB rows) and adds a reader
#             (`instance add --role reader`): time until it answers on its port with the latest row visible; the
#             reader is removed, the table grows to the second size, and again. Target < 2 s at both.
#   read      sysbench oltp_read_only through the reader endpoint (--port + 1), --threads, --time, with 1 reader
#             and then 2 (one added, healthy), after a warm-up of each; TPS and the ratio.
#
# --keep-logs keeps the cluster's logs (supervisor, instances, storage nodes) and the client files after the run;
# they are kept anyway when a phase fails or the run notes something unexpected (listed under "notes").
# Defaults: --time 20 --threads 8 --failovers 10 --sizes "10 100" --table-size 10000, about 6 minutes.
# --quick: a smoke run (--time 4, 2 failovers, --sizes "2 20", --table-size 2000), about 2 minutes.
# Needs sysbench, the mariadb client and python3-pymysql (installed with apt-get when missing). The clock is
# CLOCK_MONOTONIC, shared by the client processes. Record the output in docs/benchmarks.md with the command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
duration=20
threads=8
failovers=10
sizes="10 100"
table_size=10000
phases="lag failover add read"
quick=0
keep_logs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; duration=4; failovers=2; sizes="2 20"; table_size=2000 ;;
    --time) duration="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --failovers) failovers="$2"; shift ;;
    --sizes) sizes="$2"; shift ;;
    --table-size) table_size="$2"; shift ;;
    --phases) phases="$2"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for p in $phases; do
  case "$p" in lag|failover|add|read) ;; *) echo "error: unknown phase '$p' (lag, failover, add, read)" >&2; exit 2 ;; esac
done
read -r size1 size2 <<<"$sizes"
if [ -z "${size2:-}" ]; then echo "error: --sizes takes two sizes in MB, e.g. \"10 100\"" >&2; exit 2; fi

need=()
command -v sysbench >/dev/null || need+=(sysbench)
command -v mariadb >/dev/null || need+=(mariadb-client)
/usr/bin/python3 -c 'import pymysql' 2>/dev/null || need+=(python3-pymysql)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

exe="$root/artifacts/bin/Borealis.Cli/release/borealis"
port=0
work=$(mktemp -d /tmp/borealis-cluster-bench.XXXXXX)
data="$work/data"
password=bench-pw
export BENCH_PASSWORD=$password
client_pids=()
failed=0
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  for p in "${client_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${client_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  release_ports
  if [ -f "$data/cluster.json" ]; then
    # The supervisor stops its children; a child it left behind (the supervisor killed, a stuck stop) is killed by
    # the pid the supervisor recorded for it: only processes of this run.
    timeout 60 "$exe" down --data "$data" >/dev/null 2>&1 || true
    local left
    left=$(/usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(" ".join(str(p["pid"]) for p in [{"pid": s.get("supervisorPid", 0)}] + s.get("processes", []) if p.get("pid", 0) > 0))' "$data/cluster.json" 2>/dev/null || true)
    for p in $left; do
      # Guard against a reused pid: instances and storage nodes name $data; the router names the control port.
      if [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' <"/proc/$p/cmdline" | grep -q -e "$data" -e "127.0.0.1:$((port + 2)) "; then
        kill -9 "$p" 2>/dev/null || true
      fi
    done
  fi
  if [ "$code" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$keep_logs" -ne 0 ] || [ -s "$work/notes" ]; then
    local keep
    keep=$(mktemp -d /tmp/borealis-cluster-bench-logs.XXXXXX)
    cp -r "$data/logs" "$keep/" 2>/dev/null || true
    cp "$work"/*.log "$work"/*.txt "$keep/" 2>/dev/null || true
    echo "logs kept in $keep" >&2
  fi
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "$*" >&2; }
result() { echo "$1=$2" >>"$work/results"; }
note() { say "   note: $*"; echo "$*" >>"$work/notes"; }  # something unexpected of the product: printed, logs kept
get() { local v; v=$(grep "^$1=" "$work/results" 2>/dev/null | tail -1 | cut -d= -f2-); echo "${v:-}"; }

# --- the client side: one Python program, each subcommand a role ---
cat >"$work/client.py" <<'PY'
import json, os, signal, subprocess, sys, time, urllib.request
import pymysql

PW = os.environ["BENCH_PASSWORD"]

def now():
    # CLOCK_MONOTONIC: one clock for every process on the machine, so the writer's and the poller's times compare.
    return time.monotonic_ns()

def connect(port, db="bench", timeout=5.0, io_timeout=None):
    return pymysql.connect(host="127.0.0.1", port=port, user="admin", password=PW, database=db, autocommit=True,
                           connect_timeout=timeout, read_timeout=io_timeout, write_timeout=io_timeout)

def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))] if s else float("nan")

def status(exe, data):
    r = subprocess.run([exe, "status", "--data", data, "--output", "json"], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError("status failed: " + r.stderr.strip())
    return json.loads(r.stdout)

def instances(st):
    return [p for p in st["processes"] if p["role"] in ("writer", "reader")]

def status_port(p):
    # The instance status endpoint's port (`statusPort` of an instance in `status --output json`).
    v = p.get("statusPort")
    return v if isinstance(v, int) and v > 0 else 0

def cmd_writer(exe, data):
    w = [p for p in instances(status(exe, data)) if p["role"] == "writer"]
    print(w[0]["id"], w[0]["pid"], w[0]["port"]) if w else print("none 0 0")

def cmd_readers(exe, data):
    for p in instances(status(exe, data)):
        if p["role"] == "reader":
            print(p["id"], p["port"], status_port(p))

def cmd_restarts(exe, data):
    # Restarts of every instance so far (a reader that lost the writer's stream, a crashed writer), by id.
    print(" ".join(f"{p['id']}:{p['restarts']}" for p in instances(status(exe, data))))

def cmd_wait_healthy(exe, data, readers, timeout_s):
    # Healthy = the control plane lists the writer and exactly `readers` readers in GET /v1/endpoints (what the router
    # routes by), and every instance process runs.
    readers, deadline = int(readers), time.monotonic() + float(timeout_s)
    last = ""
    while time.monotonic() < deadline:
        try:
            st = status(exe, data)
            url = st["endpoints"]["control"] + "/v1/endpoints"
            ep = json.load(urllib.request.urlopen(url, timeout=2))
            inst = instances(st)
            last = f"endpoints writer={ep['writer'] and ep['writer']['id']} readers={[r['id'] for r in ep['readers']]}; " + \
                   ", ".join(f"{p['id']} {p['role']} {p['state']} healthy={p['healthy']}" for p in inst)
            if ep["writer"] and len(ep["readers"]) == readers and all(p["state"] == "running" and p["healthy"] for p in inst):
                return 0
        except Exception as e:  # the status command or the API may fail for a moment during a failover
            last = f"{type(e).__name__}: {e}"
        time.sleep(0.2)
    print(f"error: the cluster was not healthy with {readers} reader(s) within {timeout_s} s: {last}", file=sys.stderr)
    return 1

def cmd_lag_writer(port, rate, seconds, out):
    rate, n = float(rate), int(float(rate) * float(seconds))
    c = connect(int(port)); cur = c.cursor()
    ready_by = time.monotonic() + 30
    while not os.path.exists(out + ".ready") and time.monotonic() < ready_by:
        time.sleep(0.005)  # the poller is connected and polling: a row's visibility is seen from the start
    period, start, lines = 1e9 / rate, now(), []
    for i in range(1, n + 1):
        wait = start + int((i - 1) * period) - now()
        if wait > 0:
            time.sleep(wait / 1e9)
        cur.execute("INSERT INTO probe (seq) VALUES (%s)", (i,))
        lines.append(f"{i} {now()}\n")  # the OK has arrived: autocommit, so the commit is acknowledged
    with open(out, "w") as f:
        f.writelines(lines)

def cmd_catch_up(wport, rport, timeout_s):
    # Seconds from a commit through the cluster endpoint to its visibility on the reader's port: after a load at the
    # writer's maximum rate, how far behind the reader was.
    w = connect(int(wport)); cur = w.cursor()
    cur.execute("INSERT INTO sync (note) VALUES ('catch-up')"); mark = cur.lastrowid; t0 = now()
    deadline, r = t0 + int(float(timeout_s) * 1e9), None
    while now() < deadline:
        try:
            if r is None:
                r = connect(int(rport), timeout=1, io_timeout=2)
            rc = r.cursor(); rc.execute("SELECT MAX(id) FROM sync")
            if (rc.fetchone()[0] or 0) >= mark:
                print(f"{(now() - t0) / 1e9:.3f}"); return 0
        except pymysql.MySQLError:
            r = None
        time.sleep(0.001)
    print(f"error: row {mark} of bench.sync not visible on port {rport} within {timeout_s} s", file=sys.stderr)
    return 1

def cmd_lag_poller(port, n, seconds, interval_ms, out, ready):
    n, deadline, interval = int(n), now() + int(float(seconds) * 1e9), float(interval_ms) / 1000
    last, polls, rtt, errors, rows, c = 0, 0, 0, 0, [], None
    while last < n and now() < deadline:
        try:
            if c is None:
                c = connect(int(port), timeout=1, io_timeout=2)
            cur = c.cursor()
            t0 = now(); cur.execute("SELECT MAX(seq) FROM probe"); m = cur.fetchone()[0] or 0; t1 = now()
        except pymysql.MySQLError:
            errors += 1; c = None; time.sleep(0.01); continue
        if polls == 0:
            open(ready, "w").close()
        polls += 1; rtt += t1 - t0
        if m > last:
            rows.append(f"{m} {t1}\n"); last = m  # visible at the latest when the answer arrived
        time.sleep(interval)
    with open(out, "w") as f:
        f.writelines(rows)
        f.write(f"# polls {polls} rtt_ns {rtt // max(polls, 1)} errors {errors}\n")

def cmd_lag_report(wfile, pfile):
    oks = [tuple(map(int, l.split())) for l in open(wfile)]
    seen, meta = [], {}
    for l in open(pfile):
        if l.startswith("#"):
            f = l.split()[1:]; meta = dict(zip(f[::2], map(int, f[1::2])))
        else:
            seen.append(tuple(map(int, l.split())))
    lags, clamped, missing, j = [], 0, 0, 0
    for seq, ok in oks:
        while j < len(seen) and seen[j][0] < seq:
            j += 1
        if j == len(seen):
            missing += 1; continue
        lag = (seen[j][1] - ok) / 1e6
        if lag < 0:
            clamped += 1; lag = 0.0
        lags.append(lag)
    print(f"{pct(lags, 50):.2f} {pct(lags, 99):.2f} {max(lags) if lags else float('nan'):.2f} {len(lags)} {clamped} {missing} "
          f"{meta.get('rtt_ns', 0) / 1e6:.2f} {meta.get('polls', 0)} {meta.get('errors', 0)}")

def cmd_reader_lag(exe, data):
    # (b): the reader's own lag percentiles from its status endpoint, printed as the paths of the numbers that say
    # lag and p50/p99 ("skip: why" when there is no endpoint).
    readers = [p for p in instances(status(exe, data)) if p["role"] == "reader"]
    port = status_port(readers[0]) if readers else 0
    if not port:
        print("skip: `status --output json` shows no statusPort for the reader")
        return
    try:
        doc = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/status", timeout=2))
    except Exception as e:
        print(f"skip: GET http://127.0.0.1:{port}/v1/status failed: {type(e).__name__}: {e}")
        return
    found = []
    def walk(v, path):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, path + [k])
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            p = ".".join(path).lower()
            if "lag" in p and ("p50" in p or "p99" in p):
                found.append(f"{'.'.join(path)}={v}")
    walk(doc, [])
    print(" ".join(found) if found else "skip: /v1/status has no lag p50/p99: " + json.dumps(doc)[:200])

def cmd_last_event(exe, data):
    # What the control plane did about the kill: its latest event (GET /v1/cluster), e.g. "failover instance-1 ->
    # instance-2 (writer exited with code 137)" or "crash-restart instance-1 (...no healthy reader...)".
    st = status(exe, data)
    cluster = json.load(urllib.request.urlopen(st["endpoints"]["control"] + "/v1/cluster", timeout=2))
    ev = (cluster.get("events") or [{}])[-1]
    print(f"{ev.get('kind', '-')} {ev.get('from') or '-'} -> {ev.get('to') or '-'} at {str(ev.get('time', '-'))[11:23]} ({ev.get('detail', '')}; {cluster.get('failovers')} failovers so far)")

def cmd_failover_rep(port, pid, warm_s, timeout_s):
    port, pid = int(port), int(pid)
    c = connect(port, io_timeout=2); cur = c.cursor()
    end, warm = now() + int(float(warm_s) * 1e9), 0
    while now() < end:  # the light load: one client, 50 inserts/s
        cur.execute("INSERT INTO fo (note) VALUES ('before')"); warm += 1
        time.sleep(0.02)
    cur.execute("SELECT @@aurora_server_id"); killed = cur.fetchone()[0]
    os.kill(pid, signal.SIGKILL)
    t0 = now()  # no statement is in flight: the load is synchronous
    deadline, attempts, first_error, conn = t0 + int(float(timeout_s) * 1e9), 0, "", c
    while now() < deadline:
        attempts += 1
        try:
            if conn is None:
                conn = connect(port, timeout=0.5, io_timeout=2)
            conn.cursor().execute("INSERT INTO fo (note) VALUES ('after')")
            t1 = now()
            cur = conn.cursor(); cur.execute("SELECT @@aurora_server_id"); server = cur.fetchone()[0]
            print(f"{(t1 - t0) / 1e9:.3f} {killed} {server} {attempts} {first_error or '-'}")
            return 0
        except pymysql.MySQLError as e:
            if not first_error:
                first_error = f"{e.args[0] if e.args else type(e).__name__}"
            try:
                conn.close()
            except Exception:
                pass
            conn = None
            time.sleep(0.01)
    print(f"error: no commit through the cluster endpoint within {timeout_s} s of the kill ({attempts} attempts, first error {first_error})", file=sys.stderr)
    return 1

def cmd_fill(port, target_mb, row_bytes, batch):
    target, row_bytes, batch = int(float(target_mb) * 1e6), int(row_bytes), int(batch)
    c = connect(int(port), io_timeout=120); cur = c.cursor()
    cur.execute("SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM fill"); have = int(cur.fetchone()[0])
    t0, sql = now(), "INSERT INTO fill (payload) VALUES " + ",".join(["(%s)"] * batch)
    while have < target:
        cur.execute(sql, [os.urandom(row_bytes // 2).hex() for _ in range(batch)])
        have += row_bytes * batch
    cur.execute("SELECT MAX(id), COUNT(*), SUM(LENGTH(payload)) FROM fill"); last, count, size = cur.fetchone()
    print(last, count, int(size), f"{(now() - t0) / 1e9:.1f}")

def cmd_add_reader(exe, data, last_id, timeout_s):
    last_id, t0 = int(last_id), now()
    r = subprocess.run([exe, "instance", "add", "--role", "reader", "--data", data, "--output", "json"], capture_output=True, text=True)
    t_cli = now()
    if r.returncode != 0:
        print(f"error: instance add failed: {r.stderr.strip()}", file=sys.stderr); return 1
    added = json.loads(r.stdout)
    deadline, polls, answers, last_error, seen = t0 + int(float(timeout_s) * 1e9), 0, 0, "", None
    while now() < deadline:
        try:
            c = connect(int(added["port"]), timeout=0.5, io_timeout=2)
            cur = c.cursor()
            while now() < deadline:
                polls += 1
                cur.execute("SELECT MAX(id) FROM fill"); seen = cur.fetchone()[0]; answers += 1
                if seen == last_id:
                    t1 = now()
                    print(added["id"], added["port"], f"{(t_cli - t0) / 1e9:.3f}", f"{(t1 - t0) / 1e9:.3f}", answers)
                    return 0
                time.sleep(0.01)
        except pymysql.MySQLError as e:
            polls += 1; last_error = str(e.args[0] if e.args else e)
            time.sleep(0.02)
    print(f"error: {added['id']} on port {added['port']} did not show row {last_id} within {timeout_s} s "
          f"(last answer {seen}, {answers} answers, last error {last_error or '-'})", file=sys.stderr)
    return 1

if __name__ == "__main__":
    try:
        sys.exit(globals()["cmd_" + sys.argv[1].replace("-", "_")](*sys.argv[2:]) or 0)
    except KeyboardInterrupt:
        sys.exit(130)
PY
client() { /usr/bin/python3 "$work/client.py" "$@"; }

# --- the cluster ---
"$root/borealis" --help >/dev/null  # builds when needed
port_free() { /usr/bin/python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.close()' "$1" 2>/dev/null; }
# The cluster endpoint P, the reader endpoint P+1 and the control API P+2 must be free (instances take free ports from P+10).
for _ in $(seq 1 50); do
  port=$(free_port)
  [ "$port" -lt 65000 ] && port_free $((port + 1)) && port_free $((port + 2)) && break
done
reader_port=$((port + 1))
load_start=$(cut -d' ' -f1 /proc/loadavg)
say "starting a cluster on 127.0.0.1:$port (data $data; load average $load_start)"
t0=$(date +%s.%N)
"$exe" up --data "$data" --port "$port" --password "$password" --detach >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; exit 1; }
client wait-healthy "$exe" "$data" 1 60
say "cluster healthy after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
sql() { mariadb -h 127.0.0.1 -P "$port" -u admin -p"$password" --skip-ssl -N -e "$1"; }
sql "CREATE DATABASE bench; CREATE DATABASE sbtest;
     CREATE TABLE bench.probe (seq BIGINT PRIMARY KEY);
     CREATE TABLE bench.sync (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(16));
     CREATE TABLE bench.fo (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(16));
     CREATE TABLE bench.fill (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload VARCHAR(2048))"
sb() { # test port threads [sysbench options...]: sysbench on sbtest through 127.0.0.1:port
  local test=$1 p=$2 n=$3; shift 3
  sysbench "$test" --db-driver=mysql --db-ps-mode=auto --mysql-host=127.0.0.1 --mysql-port="$p" --mysql-user=admin \
    --mysql-password="$password" --mysql-db=sbtest --mysql-ssl=off --tables=1 --table-size="$table_size" --threads="$n" "$@"
}
tps_of() { awk '/transactions:/ {gsub(/[()]/,"",$3); print $3}' "$1"; }

# --- 1. replica lag at half the writer's maximum insert rate ---
phase_lag() {
  say "== lag: writer max insert rate (oltp_insert, $threads threads, ${duration}s, cluster endpoint)"
  sb oltp_insert "$port" "$threads" prepare >"$work/prepare.log" 2>&1 || { cat "$work/prepare.log" >&2; return 1; }
  sb oltp_insert "$port" "$threads" --time="$duration" --report-interval=0 run >"$work/max.log" 2>&1 || { tail -5 "$work/max.log" >&2; return 1; }
  local max half probe_rate sb_rate n
  max=$(tps_of "$work/max.log")
  half=$(awk -v m="$max" 'BEGIN{printf "%d", m / 2}')
  probe_rate=$(awk -v h="$half" 'BEGIN{r = h / 10; if (r > 100) r = 100; if (r < 10) r = 10; printf "%d", r}')
  sb_rate=$((half > probe_rate ? half - probe_rate : 1))
  n=$((probe_rate * duration))
  result max_tps "$max"
  say "   max $max tx/s; load: sysbench --rate=$sb_rate + probe $probe_rate rows/s = $half tx/s for ${duration}s"
  local readers reader_id reader_inst catch_up warm=$((duration / 4 > 2 ? duration / 4 : 2))
  readers=$(client readers "$exe" "$data")
  read -r reader_id reader_inst _ <<<"$(echo "$readers" | head -1)"
  # The reader may trail after the run at the maximum rate: the measure starts once it has caught up.
  catch_up=$(client catch-up "$port" "$reader_inst" 60)
  result lag_catch_up "$catch_up"
  say "   after the max-rate run the reader showed a new commit after $catch_up s"
  # The paced load runs alone for a warm-up, then the probe and the poller start.
  sb oltp_insert "$port" "$threads" --rate="$sb_rate" --time=$((warm + duration + 2)) --report-interval=0 run >"$work/paced.log" 2>&1 &
  local load=$!; client_pids+=($load)
  sleep "$warm"
  client lag-poller "$reader_inst" "$n" $((duration + 5)) 1 "$work/poll.txt" "$work/ok.txt.ready" &
  local poller=$!; client_pids+=($poller)
  client lag-writer "$port" "$probe_rate" "$duration" "$work/ok.txt"
  client reader-lag "$exe" "$data" >"$work/lag-b.txt" 2>&1 || echo "skip: the query failed: $(tail -1 "$work/lag-b.txt")" >"$work/lag-b.txt"
  wait "$poller" || { say "   poller failed"; return 1; }
  wait "$load" || { tail -5 "$work/paced.log" >&2; return 1; }
  local p50 p99 mx cnt clamped missing rtt polls errors
  read -r p50 p99 mx cnt clamped missing rtt polls errors < <(client lag-report "$work/ok.txt" "$work/poll.txt")
  result paced_tps "$(awk -v a="$(tps_of "$work/paced.log")" -v p="$probe_rate" 'BEGIN{printf "%.0f", a + p}')"
  result lag_a "$p50 $p99 $mx"
  result lag_a_note "$cnt rows at $probe_rate/s on $reader_id, $clamped clamped to 0, $missing never seen, poll every 1 ms + ${rtt} ms round trip, $errors poll errors"
  result lag_b "$(head -1 "$work/lag-b.txt")"
  say "   lag (a) p50 $p50 p99 $p99 max $mx ms ($cnt rows, $clamped clamped, $missing missing, poll rtt $rtt ms); (b) $(get lag_b)"
}

# --- 2. failover: SIGKILL the writer, time to the first commit through the cluster endpoint ---
phase_failover() {
  say "== failover: $failovers x SIGKILL of the writer under 50 inserts/s"
  local i id pid _p line event in_place=0 times=()
  for i in $(seq 1 "$failovers"); do
    client wait-healthy "$exe" "$data" 1 90 || return 1
    read -r id pid _p <<<"$(client writer "$exe" "$data")"
    line=$(client failover-rep "$port" "$pid" 1 30) || return 1
    read -r secs killed server attempts first_error <<<"$line"
    times+=("$secs")
    event=$(client last-event "$exe" "$data" 2>&1 || true)
    say "   $i: $secs s (killed $killed pid $pid, first commit on $server after $attempts attempts, first error $first_error; control plane: $event)"
    if [ "$server" = "$killed" ]; then
      in_place=$((in_place + 1))
      note "failover $i: the first commit was on the killed instance $killed: it was restarted in place, no reader was promoted ($event)"
    fi
    result failover_each "${times[*]}"
    result failover_in_place "$in_place"
  done
  result failover_stats "$(printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.2f %.2f", m, v[NR]}')"
  client wait-healthy "$exe" "$data" 1 90
}

# --- 3. time to add a reader at two data sizes ---
phase_add() {
  local size i=0 last count bytes secs id iport cli ready answers
  for size in "$size1" "$size2"; do
    i=$((i + 1))
    say "== add reader: fill to $size MB of 1 KB rows"
    read -r last count bytes secs < <(client fill "$port" "$size" 1000 200)
    say "   $count rows, $((bytes / 1000000)) MB payload, loaded in $secs s; adding a reader"
    client wait-healthy "$exe" "$data" 1 60 || return 1
    read -r id iport cli ready answers < <(client add-reader "$exe" "$data" "$last" 60) || return 1
    say "   $id on port $iport: instance add returned after $cli s, row $last visible after $ready s"
    result "add_$i" "$ready $((bytes / 1000000)) $count $cli"
    "$exe" instance remove "$id" --data "$data" >/dev/null
  done
}

# --- 4. read scaling through the reader endpoint ---
phase_read() {
  say "== read scaling: oltp_read_only via the reader endpoint, $threads threads, ${duration}s"
  sb oltp_read_only "$port" "$threads" cleanup >/dev/null 2>&1 || true
  sb oltp_read_only "$port" "$threads" prepare >"$work/prepare.log" 2>&1 || { cat "$work/prepare.log" >&2; return 1; }
  local warm=$((duration / 4 > 2 ? duration / 4 : 2)) n id
  for n in 1 2; do
    if [ "$n" = 2 ]; then
      read -r id _ < <("$exe" instance add --role reader --data "$data" --output json | /usr/bin/python3 -c 'import json,sys; a=json.load(sys.stdin); print(a["id"], a["port"])')
      say "   added $id"
    fi
    client wait-healthy "$exe" "$data" "$n" 60 || return 1
    sb oltp_read_only "$reader_port" "$threads" --time="$warm" --report-interval=0 run >/dev/null 2>&1 || true
    local ports spread="" rid rport role
    ports=$(client readers "$exe" "$data" | awk '{print $1, $2, "reader"}'; client writer "$exe" "$data" | awk '{print $1, $3, "writer"}')
    sb oltp_read_only "$reader_port" "$threads" --time="$duration" --report-interval=0 run >"$work/read-$n.log" 2>&1 &
    local run=$!
    client_pids+=($run)
    # Where the reader endpoint sent sysbench's connections (half-way through the run): the router's open connections
    # to each instance port.
    sleep $((duration / 2 > 1 ? duration / 2 : 1))
    local count to_writer=0
    while read -r rid rport role; do
      count=$(ss -Htn state established "( dport = :$rport )" | wc -l)
      spread+="$rid ($role) $count, "
      [ "$role" = writer ] && to_writer=$count
    done <<<"$ports"
    if [ "$to_writer" -gt 0 ]; then
      note "read: with $n healthy reader(s) the reader endpoint sent $to_writer connections to the writer ($(date -u +%T))"
    fi
    wait "$run" || { tail -5 "$work/read-$n.log" >&2; return 1; }
    result "read_$n" "$(tps_of "$work/read-$n.log")"
    result "read_${n}_spread" "${spread%, }"
    say "   $n reader(s): $(get "read_$n") tps; connections: ${spread%, }"
  done
}

restarts() { client restarts "$exe" "$data" 2>/dev/null || echo "?"; }
for p in $phases; do
  before=$(restarts)
  set +e
  (set -e; "phase_$p")
  rc=$?
  set -e
  after=$(restarts)
  # Outside the failover phase no instance should restart: a restart there is a reader that lost the writer's stream
  # (or a crash), which the phase's numbers hide.
  grew=$(awk -v b="$before" -v a="$after" 'BEGIN {
    n = split(b, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, ":"); was[kv[1]] = kv[2] }
    n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, ":"); if ((kv[1] in was) && kv[2] > was[kv[1]]) printf "%s %d->%d ", kv[1], was[kv[1]], kv[2] } }')
  if [ "$p" != failover ] && [ -n "$grew" ]; then
    note "$p: instances restarted during the phase (restarts: ${grew% })"
  fi
  if [ "$rc" -ne 0 ]; then failed=1; result "failed_$p" 1; say "   phase $p failed (exit $rc)"; fi
done

# --- the table ---
load_end=$(cut -d' ' -f1 /proc/loadavg)
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { if (v == "" || v != v + 0) print "-"; else print (v + 0 < t + 0 ? "met" : "NOT met") }'; }
row() { printf '%-44s %-34s %-14s %s\n' "$@"; }
echo
row measure result target verdict
has() { [[ " $phases " == *" $1 "* ]]; }
if has lag; then
  if [ -n "$(get failed_lag)" ]; then row "replica lag" "phase failed" "p99 < 10 ms" "-"; else
    read -r a50 a99 amax <<<"$(get lag_a)"
    row "writer max insert rate (oltp_insert, $threads thr)" "$(get max_tps) tx/s" "" ""
    row "reader catch-up after the max-rate run" "$(get lag_catch_up) s" "" ""
    row "load during the lag measure (~50 %)" "$(get paced_tps) tx/s" "" ""
    row "replica lag (a) client-visible p50/p99/max" "$a50 / $a99 / $amax ms" "p99 < 10 ms" "$(verdict "$a99" 10)"
    echo "    ($(get lag_a_note))"
    lag_b=$(get lag_b)
    if [[ "$lag_b" == skip:* ]]; then row "replica lag (b) the reader's own" "skipped" "p99 < 10 ms" "-"; else
      row "replica lag (b) the reader's own" "see below" "p99 < 10 ms" ""; fi
    echo "    ($lag_b)"
  fi
fi
if has failover; then
  if [ -n "$(get failed_failover)" ]; then row "failover" "phase failed (done: $(get failover_each))" "median < 2 s" "-"; else
    read -r fmed fmax <<<"$(get failover_stats)"
    row "failover, kill -> commit, median / max" "$fmed / $fmax s ($failovers reps)" "median < 2 s" "$(verdict "$fmed" 2)"
    echo "    (each: $(get failover_each) s; $(get failover_in_place) of $failovers were restarts in place of the killed writer, not promotions)"
  fi
fi
if has add; then
  for i in 1 2; do
    read -r ready mb rows cli <<<"$(get "add_$i")"
    if [ -z "${ready:-}" ]; then row "add a reader (size $i)" "failed" "< 2 s" "-"; continue; fi
    row "add a reader, $mb MB ($rows rows)" "$ready s (CLI returned ${cli} s)" "< 2 s" "$(verdict "$ready" 2)"
  done
fi
if has read; then
  r1=$(get read_1); r2=$(get read_2)
  row "oltp_read_only, reader endpoint, 1 reader" "${r1:-failed} tps" "" ""
  echo "    (connections: $(get read_1_spread))"
  row "oltp_read_only, reader endpoint, 2 readers" "${r2:-failed} tps" "" ""
  echo "    (connections: $(get read_2_spread))"
  row "  ratio 2 / 1 readers" "$(awk -v a="${r2:-0}" -v b="${r1:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "n/a" }')" "" ""
  echo "    (every process shares this machine's $(nproc) cores: the readers, the writer, 6 storage nodes, the router"
  echo "     and sysbench, so read scaling is bounded by the shared cores, not by the design)"
fi
if [ -s "$work/notes" ]; then
  echo "notes (unexpected behaviour; the logs are kept):"
  sed 's/^/  - /' "$work/notes"
fi
echo "time=${duration}s threads=$threads failovers=$failovers sizes=\"$sizes\" table_size=$table_size quick=$quick;" \
  "load average $load_start at the start, $load_end at the end; $(date -u +%Y-%m-%dT%H:%MZ)"
exit "$failed"
