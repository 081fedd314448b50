# Helpers shared by the benchmark scripts (sourced, not run).

# A free TCP port on 127.0.0.1.
# A port nothing listens on, never one handed out before in this run: a process given a port may not have bound it
# yet when the next one is asked for (a local instance and a storage node once got the same port, and the script
# waited forever on a storage node for a MySQL greeting). The ports handed out are listed in $bench_ports.
bench_ports="${TMPDIR:-/tmp}/borealis-bench-ports.$$"
free_port() {
  local port
  touch "$bench_ports"
  while :; do
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    grep -qx "$port" "$bench_ports" || break
  done
  echo "$port" >>"$bench_ports"
  echo "$port"
}

# Forgets the ports handed out (call from the script's cleanup).
release_ports() { rm -f "$bench_ports"; }

# Waits (up to 60 s) until something accepts connections on 127.0.0.1:$1.
wait_port() { for _ in $(seq 1 600); do (echo >/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "error: nothing listens on $1" >&2; return 1; }

# Resident memory of process $1 in KiB (0 when it is gone).
rss_kb() { awk '/VmRSS/ {print $2}' /proc/"$1"/status 2>/dev/null || echo 0; }

# CPU time (user + system) used so far by the processes $@, in milliseconds (a process that is gone counts 0).
cpu_ms() {
  local tick total=0 p t
  tick=$(getconf CLK_TCK)
  for p in "$@"; do
    t=$(awk '{print $14 + $15}' /proc/"$p"/stat 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo $((total * 1000 / tick))
}

# Bytes process $1 sent to (and received from) the TCP ports $2... on 127.0.0.1, over its open connections:
# prints "sent received".
tcp_bytes() {
  local pid=$1; shift
  local ports=" $* "
  ss -tinp 2>/dev/null | awk -v pid="pid=$pid," -v ports="$ports" '
    /^ESTAB/ { mine = 0; if (index($0, pid)) { n = split($5, a, ":"); if (index(ports, " " a[n] " ")) mine = 1 }; next }
    mine { for (i = 1; i <= NF; i++) { if ($i ~ /^bytes_sent:/) { split($i, b, ":"); s += b[2] } if ($i ~ /^bytes_received:/) { split($i, b, ":"); r += b[2] } } mine = 0 }
    END { printf "%d %d\n", s, r }'
}
