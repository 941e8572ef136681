# lib.sh - helpers for the integration tests (sourced; POSIX sh + bash-isms
# avoided). Tests print TAP: plan, then "ok N - what" / "not ok N - what".
#
# The environment comes from `make check` (AM_TESTS_ENVIRONMENT): EXDNS is
# the built program, EXDNS_DATADIR the source data/, EXDNS_LOOPBACK_ONLY=1 so
# no query can leave loopback, top_srcdir and top_builddir.

: "${EXDNS:?run through make check (EXDNS is not set)}"
: "${top_srcdir:?run through make check (top_srcdir is not set)}"
export EXDNS_LOOPBACK_ONLY=1

TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exdns-test.XXXXXX")
PIDS=""

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# A resolv.conf of the test's own: the default-resolver path is tested
# without ever reading the machine's /etc/resolv.conf.
EXDNS_RESOLV_CONF=$TMP/resolv.conf
export EXDNS_RESOLV_CONF
echo "nameserver 127.0.0.1" >"$EXDNS_RESOLV_CONF"

tap_plan() {
	echo "1..$1"
}

ok() { # DESCRIPTION
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() { # DESCRIPTION [DETAIL FILE]
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then
		sed 's/^/# /' "$2" | head -60
	fi
}

check() { # DESCRIPTION COMMAND... : ok when the command succeeds
	desc=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc" "$TMP/check.out"
	fi
}

check_eq() { # DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		echo "expected: $2" >"$TMP/check.out"
		echo "actual:   $3" >>"$TMP/check.out"
		not_ok "$1" "$TMP/check.out"
	fi
}

# A free port (UDP and TCP) on loopback, from a range unlikely to clash.
free_port() {
	python3 - "$@" <<'EOF'
import random, socket, sys
for _ in range(200):
    p = random.randint(20000, 60000)
    try:
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind)
            s.bind(("127.0.0.1", p))
            s.close()
        print(p)
        sys.exit(0)
    except OSError:
        pass
sys.exit(1)
EOF
}

wait_file() { # FILE PID [SECONDS]
	i=0
	limit=$(( ${3:-10} * 10 ))
	while [ ! -e "$1" ]; do
		if ! kill -0 "$2" 2>/dev/null || [ $i -ge $limit ]; then
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

# start_lab PORT [WORLD]: the exdns lab on loopback; sets LAB_PID.
start_lab() {
	ready=$TMP/lab-ready.$1
	if [ -n "${2:-}" ]; then
		"$EXDNS" lab --port "$1" --world "$2" --quiet --ready-file "$ready" \
		    >"$TMP/lab.$1.log" 2>&1 &
	else
		"$EXDNS" lab --port "$1" --quiet --ready-file "$ready" \
		    >"$TMP/lab.$1.log" 2>&1 &
	fi
	LAB_PID=$!
	PIDS="$PIDS $LAB_PID"
	if ! wait_file "$ready" "$LAB_PID" 10; then
		echo "# the lab did not start:"
		sed 's/^/# /' "$TMP/lab.$1.log"
		return 1
	fi
}

stop_pid() { # PID
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v "^$1\$" | tr '\n' ' ')
}

# json_get FILE EXPR: evaluates a Python expression on the document `d`.
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# verdict_of FILE DOMAIN
verdict_of() {
	json_get "$1" "[x['verdict'] for x in d['domains'] if x['domain']=='$2'][0]"
}

# smart_of FILE DOMAIN: smart hosts, comma separated
smart_of() {
	json_get "$1" "','.join([x['smart_hosts'] for x in d['domains'] if x['domain']=='$2'][0])"
}

# The expected verdicts of the demo world: the [expect] section of lab.ini.
lab_expect() { # [WORLD]
	awk '
	/^\[/ { sect = $0; next }
	sect == "[expect]" && /^[a-z0-9]/ {
		gsub(/[ \t]/, ""); split($0, kv, "="); print kv[1], kv[2]
	}' "${1:-$top_srcdir/data/lab.ini}"
}

finish() {
	if [ "$TAP_FAILED" -gt 0 ]; then
		echo "# $TAP_FAILED of $TAP_N failed"
		exit 1
	fi
	exit 0
}
