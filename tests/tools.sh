# tools.sh - need_tools, for every test that runs a program of the system
# (sourced; POSIX sh). A missing tool makes the test FAIL: `make check` must
# not turn green because nsd, unbound or tmux is not installed. A developer
# without them may set EXDNS_ALLOW_SKIP=1 to have such tests skipped, each
# with a warning on the terminal and in its log; .ci/run unsets it, and
# counts a skipped test as a failure anyway.

# need_tools CMD...: returns when every CMD is on the PATH; else prints
# "Bail out!" naming the missing ones and exits 1, or, with
# EXDNS_ALLOW_SKIP=1, prints the TAP skip plan and a warning and exits 0.
need_tools() {
	nt_missing=""
	for nt_cmd in "$@"; do
		command -v "$nt_cmd" >/dev/null 2>&1 || nt_missing="$nt_missing $nt_cmd"
	done
	[ -z "$nt_missing" ] && return 0
	nt_how="./quickstart test installs them (apt-get install tmux nsd knot bind9 dnsdist unbound nftables iproute2 ldnsutils python3)"
	if [ "${EXDNS_ALLOW_SKIP:-}" = 1 ]; then
		nt_warn="WARNING: ${0##*/} SKIPPED: not installed:$nt_missing (EXDNS_ALLOW_SKIP=1; CI fails here). $nt_how"
		echo "$nt_warn" >&2
		[ -w /dev/tty ] && echo "$nt_warn" 2>/dev/null >/dev/tty
		echo "1..0 # SKIP not installed:$nt_missing (EXDNS_ALLOW_SKIP=1)"
		exit 0
	fi
	echo "Bail out! not installed:$nt_missing. $nt_how; or set EXDNS_ALLOW_SKIP=1 to skip such tests (never in CI)"
	exit 1
}
