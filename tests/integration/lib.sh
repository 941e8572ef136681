# lib.sh - helpers for the integration tests (sourced; POSIX sh + bash-isms
# avoided). Tests print TAP: plan, then "ok N - what" / "not ok N - what".
#
# The environment comes from `make check` (AM_TESTS_ENVIRONMENT): EXDNS is
# the built program, EXDNS_DATADIR the source data/, EXDNS_LOOPBACK_ONLY=1 so
# no query can leave loopback, top_srcdir and top_builddir.

: "${EXDNS:?run through make check (EXDNS is not set)}"
: "${top_srcdir:?run through make check (top_srcdir is not set)}"
export EXDNS_LOOPBACK_ONLY=1

# The starters of real DNS daemons and of network namespaces.
# shellcheck source=tests/integration/servers.sh
. "$top_srcdir/tests/integration/servers.sh"
need_tools python3

TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exdns-test.XXXXXX")
PIDS=""

cleanup() {
	servers_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# A resolv.conf of the test's own: the default-resolver path is tested
# without ever reading the machine's /etc/resolv.conf.
EXDNS_RESOLV_CONF=$TMP/resolv.conf
export EXDNS_RESOLV_CONF
echo "nameserver 127.0.0.1" >"$EXDNS_RESOLV_CONF"

# EXDNS_VALGRIND=1 (the valgrind pass of ./quickstart test): every exdns run,
# the lab included, goes through valgrind; finish() adds one test point that
# fails on any valgrind error or leak. Timing checks scale by SLOW.
SLOW=1
if [ -n "${EXDNS_VALGRIND:-}" ]; then
	SLOW=4
	real_exdns=$EXDNS
	EXDNS=$TMP/exdns-valgrind
	cat >"$EXDNS" <<EOF
#!/bin/sh
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \\
    --error-exitcode=97 --log-file="$TMP/valgrind.%p.log" "$real_exdns" "\$@"
EOF
	chmod +x "$EXDNS"
fi

# tap_plan N at the start; or no plan at all, and finish() prints it last.
TAP_PLANNED=""
tap_plan() {
	TAP_PLANNED=1
	if [ -n "${EXDNS_VALGRIND:-}" ]; then
		echo "1..$(($1 + 1))"
	else
		echo "1..$1"
	fi
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
	if [ -n "${EXDNS_VALGRIND:-}" ]; then
		# The lab must have stopped (and written its leak report) first.
		for p in $PIDS; do
			kill "$p" 2>/dev/null
			wait "$p" 2>/dev/null
		done
		PIDS=""
		cat "$TMP"/valgrind.*.log >"$TMP/valgrind.all" 2>/dev/null
		if [ -s "$TMP/valgrind.all" ]; then
			not_ok "valgrind: no errors and no leaks in any exdns run" "$TMP/valgrind.all"
		else
			ok "valgrind: no errors and no leaks in any exdns run ($(ls "$TMP"/valgrind.*.log 2>/dev/null | wc -l) runs)"
		fi
	fi
	[ -n "$TAP_PLANNED" ] || echo "1..$TAP_N"
	if [ "$TAP_FAILED" -gt 0 ]; then
		echo "# $TAP_FAILED of $TAP_N failed"
		exit 1
	fi
	exit 0
}

# --- helpers for tests that run real servers (unbound.test) -----------------

# free_port_at ADDR...: a port free for UDP and TCP on every ADDR (0.0.0.0:
# on every address), from a range unlikely to clash.
free_port_at() {
	python3 - "$@" <<'PYEOF'
import random, socket, sys
addrs = sys.argv[1:] or ["127.0.0.1"]
for _ in range(200):
    p = random.randint(20000, 60000)
    try:
        for a in addrs:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                s = socket.socket(socket.AF_INET, kind)
                try:
                    s.bind((a, p))
                finally:
                    s.close()
        print(p)
        sys.exit(0)
    except OSError:
        pass
sys.exit(1)
PYEOF
}

# dns_query SERVER PORT NAME TYPE [SECONDS]: one UDP query (RD=1), from
# inside the test's network namespace if there is one ($IN_NS); prints
# "RCODE ANSWERS" (e.g. "NOERROR 1"), "timeout" or "unreachable". Exit 0
# when a reply came.
dns_query() {
	$IN_NS python3 - "$@" <<'PYEOF'
import random, socket, struct, sys
srv, port, name, qtype = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
wait = float(sys.argv[5]) if len(sys.argv) > 5 else 2.0
types = {"A": 1, "NS": 2, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}
rcodes = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]
qid = random.randint(0, 65535)
wire = b"".join(bytes([len(l)]) + l.encode() for l in name.strip(".").split(".") if l)
q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + b"\0" + \
    struct.pack("!HH", types[qtype.upper()], 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(wait)
try:
    s.connect((srv, port))
    s.send(q)
    while True:
        d = s.recv(65535)
        if len(d) >= 12 and struct.unpack("!H", d[:2])[0] == qid:
            break
except socket.timeout:
    print("timeout"); sys.exit(1)
except OSError:
    print("unreachable"); sys.exit(1)
rc = d[3] & 15
print(rcodes[rc] if rc < len(rcodes) else "RCODE%d" % rc,
      struct.unpack("!H", d[6:8])[0])
PYEOF
}

# wait_dns SERVER PORT NAME TYPE RCODE SECONDS [PID]: ask until the reply
# has RCODE (and PID, if given, still runs). 0 when it did.
wait_dns() {
	wd_end=$(( $(date +%s) + $6 ))
	while :; do
		wd_got=$(dns_query "$1" "$2" "$3" "$4" 1)
		case $wd_got in "$5"*) return 0 ;; esac
		if [ -n "${7:-}" ] && ! kill -0 "$7" 2>/dev/null; then
			return 1
		fi
		[ "$(date +%s)" -lt "$wd_end" ] || return 1
		sleep 0.1
	done
}

# start_udp_sink ADDR PORT LOG: a UDP socket that reads every datagram and
# never answers (a black-holed DNS server), one line per datagram in LOG.
# Sets SINK_PID; killed on exit.
start_udp_sink() {
	rm -f "$3" "$3.ready"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
log = open(sys.argv[3], "a")
open(sys.argv[3] + ".ready", "w").close()
while True:
    d, a = s.recvfrom(65535)
    log.write("%s:%d %d bytes\n" % (a[0], a[1], len(d)))
    log.flush()
' "$1" "$2" "$3" >/dev/null 2>&1 &
	SINK_PID=$!
	PIDS="$PIDS $SINK_PID"
	wait_file "$3.ready" "$SINK_PID" 10
}
