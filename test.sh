#!/usr/bin/env bash
# Runs the default test suite: installs what the tests need when missing, builds Release, runs every test
# project, and ends with one line "N passed, N failed".
#   ./test.sh                 the default suite (what .ci/run runs)
#   ./test.sh --soak          also the long soak/fault runs (Category=Soak)
#   ./test.sh --filter NAME   only test classes whose name contains NAME
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

soak=0
filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --soak) soak=1 ;;
    --filter) filter="$2"; shift ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (see ./test.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

# 1. Client tools the integration tests drive (Debian packages).
need=()
command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
/usr/bin/python3 -c 'import pymysql' >/dev/null 2>&1 || need+=(python3-pymysql)
command -v sysbench >/dev/null 2>&1 || need+=(sysbench)
[ -x /usr/sbin/mariadbd ] && [ -x /usr/bin/mariadb-install-db ] || need+=(mariadb-server)
command -v mycli >/dev/null 2>&1 || need+=(mycli)
# Drivers and ORMs (Integration.Tests/Drivers): SQLAlchemy, Connector/J on a JRE, Node for mysql2.
/usr/bin/python3 -c 'import sqlalchemy' >/dev/null 2>&1 || need+=(python3-sqlalchemy)
[ -f /usr/share/java/mariadb-java-client.jar ] || need+=(libmariadb-java)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null \
    || { echo "error: could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

# Node's mysql2, pinned by package-lock.json, into the test's own folder (without it the mysql2 tests are skipped
# with a message).
drivers_node="$root/tests/Borealis.Integration.Tests/Drivers/node"
if [ ! -d "$drivers_node/node_modules/mysql2" ]; then
  (cd "$drivers_node" && npm ci --no-audit --no-fund --loglevel=error) \
    || echo "warning: npm ci in $drivers_node failed; the mysql2 tests will be skipped"
fi

# 2. Build once (Release); tests launch the built executable.
if ! dotnet build Borealis.slnx -c Release --nologo -v quiet 2>&1 | tail -n 30; then
  echo "0 passed, 1 failed"; exit 1
fi
export BOREALIS_EXE="$root/artifacts/bin/Borealis.Cli/release/borealis"
[ -x "$BOREALIS_EXE" ] || { echo "error: $BOREALIS_EXE was not built"; echo "0 passed, 1 failed"; exit 1; }

# 3. Every test project; soak tests only with --soak.
args=(--solution Borealis.slnx -c Release --no-build --no-progress)
if [ "$soak" -eq 0 ]; then
  args+=(--filter-not-trait "Category=Soak")
fi
if [ -n "$filter" ]; then
  args+=(--filter-class "*${filter}*")
fi
log=$(mktemp)
dotnet test "${args[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# 4. One summary line for the whole run, from the runner's own totals.
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
skipped=$(grep -E '^\s+skipped: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
errors=$(grep -E '^\s+error: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
rm -f "$log"
[ -z "$passed" ] && passed=0
[ -z "$failed" ] && failed=0
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a failing test (a crash, or a project that ran nothing): count it.
  failed=1
fi
echo "${passed} passed, ${failed} failed, ${skipped:-0} skipped"
exit "$status"
