#!/usr/bin/env bash
# Benchmarks pgml-proxy against direct PostgreSQL and PgBouncer (see docs/benchmarks.md).
#   bench/run.sh [--quick] [--profile issue17,issue18] [--baseline-jar FILE]
#                [--only relay,cpu,login,connect,dblink,cache,select,tpcb,prepared,idle,copy,operator]
#                [--proxy-jar FILE]            (or PGML_PROXY_JAR; default proxy/target/pgml-proxy.jar)
# Writes bench/results/<date>[-<profile>][-quick].md, .svg and -performance.md (README's block:
#   bench/run.sh --update-readme copies the newest into README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# PgBouncer and the client programs come from Debian; install what is missing (one apt-get update).
missing=()
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v pgbench >/dev/null 2>&1 || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench/run.sh: please install ${missing[*]} (apt-get install -y ${missing[*]})" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian's package starts a system PgBouncer where systemd runs; the benchmark starts its own.
  systemctl stop pgbouncer >/dev/null 2>&1 || true
fi

# Build the harness only when a source is newer than its jar (shading the PostgreSQL binaries is slow);
# the operator is in it too (scenario 7 runs it in the harness's JVM).
jar=bench/target/pgml-proxy-bench.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml bench/pom.xml bench/src testing/pom.xml testing/src operator/pom.xml operator/src -newer "$jar" -print -quit)" ]; then
  export MAVEN_ARGS="${MAVEN_ARGS:-} -B -ntp"
  ./mvnw -q -Pbench -pl bench -am package -DskipTests
fi

# Idle-connection scenario: 10,000 client sockets in this JVM and as many in the pooler.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec java -Xmx2g -jar "$jar" "$@"
