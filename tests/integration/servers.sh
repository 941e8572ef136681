# servers.sh - start real DNS daemons (NSD, Knot, BIND 9, dnsdist, unbound)
# on loopback for the integration tests and the benchmark, and a network
# namespace to run them in. Sourced by lib.sh; POSIX sh.
#
# Every daemon runs in the foreground as a child of the test shell, with its
# own config, pid file, logs and working directory under DIR (inside $TMP),
# never through systemctl; its pid is added to PIDS, so lib.sh's cleanup
# kills it on exit. Servers listen only on the 127.x addresses given.
#
# IN_NS: a command prefix that runs a command inside the test's network
# namespace ("ip netns exec NAME"), set by netns_setup; empty outside one.
# Every starter below runs its daemon through it.

#
# Sourced without lib.sh (the benchmark): call servers_cleanup on exit
# (trap servers_cleanup EXIT); it stops every daemon started here and
# deletes the namespace.

IN_NS=${IN_NS:-}
PIDS=${PIDS:-}
CLEANUP_HOOKS=${CLEANUP_HOOKS:-}

servers_cleanup() {
	for sc_p in $PIDS; do
		kill "$sc_p" 2>/dev/null
	done
	for sc_p in $PIDS; do
		wait "$sc_p" 2>/dev/null
	done
	PIDS=""
	for sc_h in $CLEANUP_HOOKS; do
		"$sc_h"
	done
	CLEANUP_HOOKS=""
}

# need_tools CMD...: a missing tool is a failure (see tests/tools.sh).
# shellcheck source=tests/tools.sh
. "$top_srcdir/tests/tools.sh"

# netns_setup NAME ADDR...: a new network namespace with lo up and each
# ADDR (127.x) added to lo as /32 (BIND listens only on addresses an
# interface has); sets IN_NS. Deleted on exit (after the daemons in it are
# killed).
netns_setup() {
	NETNS=$1
	shift
	ip netns add "$NETNS" || return 1
	CLEANUP_HOOKS="$CLEANUP_HOOKS netns_cleanup"
	IN_NS="ip netns exec $NETNS"
	$IN_NS ip link set lo up || return 1
	for ns_a in "$@"; do
		$IN_NS ip addr add "$ns_a/32" dev lo || return 1
	done
}

netns_cleanup() {
	[ -n "${NETNS:-}" ] && ip netns del "$NETNS" 2>/dev/null
	NETNS=""
}

# add_pid PID: killed on exit.
add_pid() {
	PIDS="$PIDS $1"
}

# --- NSD -----------------------------------------------------------------
# start_nsd DIR "ADDR..." PORT ZONE=FILE...: FILE relative to DIR. No user
# switch, no chroot, no database, no remote control. In the foreground NSD
# still forks its server process; the pid file (and $!) is the parent,
# which stops its children on SIGTERM. DIR/extra.conf (optional, written by
# the caller: more "server:" options, indented) is added to the server
# clause. Sets NSD_PID.
start_nsd() {
	sn_dir=$1
	sn_addrs=$2
	sn_port=$3
	shift 3
	{
		echo "server:"
		for sn_a in $sn_addrs; do echo "  ip-address: $sn_a@$sn_port"; done
		cat <<EOF
  port: $sn_port
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$sn_dir"
  database: ""
  zonelistfile: "$sn_dir/zone.list"
  xfrdfile: "$sn_dir/xfrd.state"
  xfrdir: "$sn_dir"
  pidfile: "$sn_dir/nsd.pid"
  logfile: "$sn_dir/nsd.log"
  server-count: 1
  hide-version: yes
  verbosity: 1
EOF
		[ -f "$sn_dir/extra.conf" ] && cat "$sn_dir/extra.conf"
		cat <<EOF
remote-control:
  control-enable: no
EOF
		for sn_z in "$@"; do
			printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "${sn_z%%=*}" "${sn_z#*=}"
		done
	} >"$sn_dir/nsd.conf"
	nsd-checkconf "$sn_dir/nsd.conf" >"$sn_dir/checkconf.log" 2>&1 || return 1
	$IN_NS nsd -d -c "$sn_dir/nsd.conf" >"$sn_dir/stderr.log" 2>&1 &
	NSD_PID=$!
	add_pid "$NSD_PID"
}

# --- Knot DNS ----------------------------------------------------------------
# start_knot DIR "ADDR..." PORT ZONE=FILE...: knotd in the foreground (it
# does not fork), as the user running the test, its control socket, pid
# file, journal and timer databases in DIR. DIR/extra.conf (optional: more
# "server:" options, indented) is added to the server section. Sets
# KNOT_PID.
start_knot() {
	sk_dir=$1
	sk_addrs=$2
	sk_port=$3
	shift 3
	{
		echo "server:"
		echo "  rundir: \"$sk_dir\""
		echo "  pidfile: \"$sk_dir/knot.pid\""
		echo "  udp-workers: 1"
		echo "  tcp-workers: 1"
		echo "  background-workers: 1"
		echo "  listen: [ $(for sk_a in $sk_addrs; do printf '%s@%s, ' "$sk_a" "$sk_port"; done | sed 's/, $//') ]"
		[ -f "$sk_dir/extra.conf" ] && cat "$sk_dir/extra.conf"
		cat <<EOF
database:
  storage: "$sk_dir/db"
control:
  listen: "$sk_dir/knot.sock"
log:
  - target: stderr
    any: info
template:
  - id: default
    storage: "$sk_dir"
    file: "%s.zone"
    zonefile-sync: -1
    journal-content: none
    semantic-checks: off
zone:
EOF
		for sk_z in "$@"; do
			printf '  - domain: "%s"\n    file: "%s"\n' "${sk_z%%=*}" "$sk_dir/${sk_z#*=}"
		done
	} >"$sk_dir/knot.conf"
	knotc -c "$sk_dir/knot.conf" conf-check >"$sk_dir/checkconf.log" 2>&1 || return 1
	$IN_NS knotd -c "$sk_dir/knot.conf" >"$sk_dir/stderr.log" 2>&1 &
	KNOT_PID=$!
	add_pid "$KNOT_PID"
}

# --- BIND 9 ------------------------------------------------------------------
# start_bind DIR "ADDR..." PORT ZONE=FILE...: named -g (foreground, logs to
# stderr, runs as the user running it), authoritative only (recursion no:
# a zone it does not have gets REFUSED), no rndc. Every ADDR must be on an
# interface (netns_setup adds them). Sets BIND_PID.
start_bind() {
	sb_dir=$1
	sb_addrs=$2
	sb_port=$3
	shift 3
	{
		cat <<EOF
options {
	directory "$sb_dir";
	pid-file "$sb_dir/named.pid";
	session-keyfile "$sb_dir/session.key";
	managed-keys-directory "$sb_dir";
	listen-on port $sb_port { $(for sb_a in $sb_addrs; do printf '%s; ' "$sb_a"; done)};
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify no;
	allow-transfer { none; };
	version none;
	automatic-interface-scan no;
};
controls { };
EOF
		for sb_z in "$@"; do
			printf 'zone "%s" { type primary; file "%s"; };\n' "${sb_z%%=*}" "$sb_dir/${sb_z#*=}"
		done
	} >"$sb_dir/named.conf"
	named-checkconf "$sb_dir/named.conf" >"$sb_dir/checkconf.log" 2>&1 || return 1
	$IN_NS named -g -n 1 -c "$sb_dir/named.conf" >"$sb_dir/stderr.log" 2>&1 &
	BIND_PID=$!
	add_pid "$BIND_PID"
}

# --- dnsdist -------------------------------------------------------------------
# start_dnsdist DIR: runs DIR/rules.lua (written by the caller: addLocal,
# newServer, addAction...) after a preamble that turns off what would
# reach the internet or the console (security polling, the console, the
# carbon exporter). Backends should be forced up (newServer{...}:setUp()):
# dnsdist's health checks ask for a.root-servers.net, which the test
# servers refuse. Note: dnsdist always opens a TCP listener next to each
# UDP one. Sets DNSDIST_PID.
start_dnsdist() {
	sd_dir=$1
	{
		cat <<'EOF'
setSecurityPollSuffix("")
setVerboseHealthChecks(false)
EOF
		cat "$sd_dir/rules.lua"
	} >"$sd_dir/dnsdist.conf"
	dnsdist --check-config -C "$sd_dir/dnsdist.conf" >"$sd_dir/checkconf.log" 2>&1 || return 1
	$IN_NS dnsdist --supervised --disable-syslog -C "$sd_dir/dnsdist.conf" \
	    >"$sd_dir/stderr.log" 2>&1 &
	DNSDIST_PID=$!
	add_pid "$DNSDIST_PID"
}

# --- unbound -------------------------------------------------------------------
# start_unbound DIR ADDR PORT: a recursive unbound on ADDR@PORT, one
# thread, sending only from ADDR (outgoing-interface), cache cold, iterator
# only, ordinary defaults otherwise; DIR/extra.conf (optional, written by
# the caller: stub-zones, rate limits...) is appended. Sets UNBOUND_PID.
start_unbound() {
	su_dir=$1
	{
		cat <<EOF
server:
  interface: $2@$3
  port: $3
  outgoing-interface: $2
  access-control: 127.0.0.0/8 allow
  do-ip6: no
  do-not-query-localhost: no
  module-config: "iterator"
  username: ""
  chroot: ""
  directory: "$su_dir"
  pidfile: "$su_dir/unbound.pid"
  logfile: "$su_dir/unbound.log"
  use-syslog: no
  verbosity: 1
  num-threads: 1
  so-reuseport: no
  # test. is one of unbound's default local zones (RFC 6761): resolve it.
  local-zone: "test." nodefault
remote-control:
  control-enable: no
EOF
		[ -f "$su_dir/extra.conf" ] && cat "$su_dir/extra.conf"
	} >"$su_dir/unbound.conf"
	unbound-checkconf "$su_dir/unbound.conf" >"$su_dir/checkconf.log" 2>&1 || return 1
	$IN_NS unbound -d -c "$su_dir/unbound.conf" >"$su_dir/stderr.log" 2>&1 &
	UNBOUND_PID=$!
	add_pid "$UNBOUND_PID"
}
