# tests/tui/lib.sh - shared by the terminal tests: TAP output, the demo lab
# on a free loopback port, and the real exdns wizard driven in tmux on a
# private socket (send-keys in, capture-pane out). Everything started here
# is stopped by tui_cleanup (trap on exit). No DNS traffic leaves loopback:
# EXDNS_LOOPBACK_ONLY=1 and every server asked is the lab's.

: "${EXDNS:?EXDNS must name the built exdns (make check sets it)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${EXDNS_DATADIR:=$top_srcdir/data}"
export EXDNS_DATADIR

TUI_N=0
TUI_FAILED=0
TUI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/exdns-tui.XXXXXX")
TUI_SOCK="exdns-tui-$$"
TUI_LAB_PID=
TUI_PORT=
TUI_RUN=0          # wizard runs started (pane names)

tui_cleanup() {
	tmux -L "$TUI_SOCK" kill-server >/dev/null 2>&1
	if [ -n "$TUI_LAB_PID" ]; then
		kill "$TUI_LAB_PID" 2>/dev/null
		wait "$TUI_LAB_PID" 2>/dev/null
	fi
	rm -rf "$TUI_TMP"
}
trap tui_cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- TAP ----------------------------------------------------------------

ok() {
	TUI_N=$((TUI_N + 1))
	echo "ok $TUI_N - $1"
}

not_ok() {
	TUI_N=$((TUI_N + 1))
	TUI_FAILED=$((TUI_FAILED + 1))
	echo "not ok $TUI_N - $1"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# check DESC COMMAND...: ok when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

tui_done() {
	echo "1..$TUI_N"
	[ "$TUI_FAILED" -eq 0 ]
}

# shellcheck source=tests/tools.sh
. "$top_srcdir/tests/tools.sh"
need_tools tmux

# --- the lab ------------------------------------------------------------

# lab_start [WORLD]: starts `exdns lab` (data/lab.ini, or the world file
# WORLD with @PORT@ for its port) on a free port (tries a few random
# ones); sets TUI_PORT. Its addresses are documented at the top of
# data/lab.ini.
lab_start() {
	world=${1:-}
	tries=0
	while [ $tries -lt 8 ]; do
		tries=$((tries + 1))
		TUI_PORT=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
		rm -f "$TUI_TMP/lab.ready"
		set --
		if [ -n "$world" ]; then
			sed "s/@PORT@/$TUI_PORT/g" "$world" >"$TUI_TMP/world.ini"
			set -- --world "$TUI_TMP/world.ini"
		fi
		"$EXDNS" lab "$@" --port "$TUI_PORT" --ready-file "$TUI_TMP/lab.ready" \
		    --quiet >"$TUI_TMP/lab.log" 2>&1 &
		TUI_LAB_PID=$!
		i=0
		while [ $i -lt 100 ]; do
			[ -f "$TUI_TMP/lab.ready" ] && break
			kill -0 "$TUI_LAB_PID" 2>/dev/null || break
			sleep 0.05
			i=$((i + 1))
		done
		if [ -f "$TUI_TMP/lab.ready" ]; then
			return 0
		fi
		kill "$TUI_LAB_PID" 2>/dev/null
		wait "$TUI_LAB_PID" 2>/dev/null
		TUI_LAB_PID=
	done
	echo "Bail out! the demo lab did not start:"
	sed 's/^/# /' "$TUI_TMP/lab.log"
	exit 1
}

# The probe options that point the wizard at the lab (quick timeouts).
lab_opts() {
	P=$TUI_PORT
	echo "--auth-port $P --canary canary1.example,canary2.example" \
	    "--timeout ${TUI_TIMEOUT:-400} --tries 2" \
	    "--external 127.0.55.1@$P,127.0.55.2@$P,127.0.55.3@$P,127.0.55.4@$P"
}

# --- the wizard in tmux -------------------------------------------------

# wizard_start [-x COLS] [-y LINES] [-e VAR=VALUE]... -- ARGS...
# Starts `exdns ARGS` in a new tmux session named w$TUI_RUN (in $W), with
# the test's environment: its own resolv.conf pointing at the lab's
# resolver stand-in, its own state folder, a log of the wizard's events.
# When exdns ends, its exit status goes to $TUI_TMP/rc.$W.
wizard_start() {
	cols=80
	lines=24
	envs=
	while [ $# -gt 0 ]; do
		case $1 in
		-x) cols=$2; shift 2 ;;
		-y) lines=$2; shift 2 ;;
		-e) envs="$envs $2"; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	TUI_RUN=$((TUI_RUN + 1))
	W="w$TUI_RUN"
	mkdir -p "$TUI_TMP/home" "$TUI_TMP/state"
	echo "nameserver 127.0.53.53" >"$TUI_TMP/resolv.conf"
	: >"$TUI_TMP/wizard.log"
	rm -f "$TUI_TMP/rc.$W" "$TUI_TMP/pid.$W"
	{
		echo "#!/bin/sh"
		echo "cd '$TUI_TMP' || exit 1"
		echo "export HOME='$TUI_TMP/home' XDG_STATE_HOME='$TUI_TMP/state'"
		echo "export EXDNS_LOOPBACK_ONLY=1 EXDNS_RESOLV_CONF='$TUI_TMP/resolv.conf'"
		echo "export EXDNS_DATADIR='$EXDNS_DATADIR' EXDNS_WIZARD_LOG='$TUI_TMP/wizard.log'"
		echo "export LANG=${TUI_LANG:-C.UTF-8} LC_ALL=${TUI_LANG:-C.UTF-8}"
		echo "export ASAN_OPTIONS=detect_leaks=1:exitcode=99"
		for e in $envs; do
			case $e in
			-*) echo "unset ${e#-}" ;;
			*) echo "export $e" ;;
			esac
		done
		# The terminal's modes before and after (they must match), the
		# pid of exdns itself (for kill -HUP), then its status.
		# Ctrl-C and SIGTERM are for exdns: this shell waits on.
		# TUI_TRAP_HUP=1: the shell also traps SIGHUP, as a script
		# that starts exdns (./quickstart demo) does: then the kernel
		# gives the hangup to that shell, not to exdns.
		echo "trap : INT TERM${TUI_TRAP_HUP:+ HUP}"
		echo "stty -g >'$TUI_TMP/stty.before.$W' 2>/dev/null"
		echo "sh -c 'echo \$\$ >\"\$0\"; exec \"\$@\"' '$TUI_TMP/pid.$W' '$EXDNS' \"\$@\" 2>'$TUI_TMP/err.$W'"
		echo "rc=\$?"
		echo "stty -g >'$TUI_TMP/stty.after.$W' 2>/dev/null"
		echo "echo \$rc >'$TUI_TMP/rc.$W'"
		echo "exec sleep 3600"
	} >"$TUI_TMP/run.$W"
	chmod +x "$TUI_TMP/run.$W"
	if tmux -L "$TUI_SOCK" has-session 2>/dev/null; then
		tmux -L "$TUI_SOCK" new-session -d -s "$W" -x "$cols" -y "$lines" \
		    "$TUI_TMP/run.$W" "$@"
	else
		tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s "$W" -x "$cols" \
		    -y "$lines" "$TUI_TMP/run.$W" "$@"
		tmux -L "$TUI_SOCK" set-option -g status off >/dev/null
	fi
	# A window of exactly that size, whatever clients come.
	tmux -L "$TUI_SOCK" set-option -t "$W" window-size manual >/dev/null 2>&1
	tmux -L "$TUI_SOCK" resize-window -t "$W" -x "$cols" -y "$lines" \
	    >/dev/null 2>&1
}

keys() {
	tmux -L "$TUI_SOCK" send-keys -t "$W" "$@"
}

# Literal text (no key names).
type_text() {
	tmux -L "$TUI_SOCK" send-keys -t "$W" -l "$1"
}

screen() {
	tmux -L "$TUI_SOCK" capture-pane -p -t "$W"
}

screen_esc() {
	tmux -L "$TUI_SOCK" capture-pane -p -e -t "$W"
}

resize() {
	tmux -L "$TUI_SOCK" resize-window -t "$W" -x "$1" -y "$2" >/dev/null
}

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
	limit=$(( ${2:-10} * 10 ))
	i=0
	while [ $i -lt "$limit" ]; do
		if screen | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_gone TEXT [SECONDS]
wait_gone() {
	limit=$(( ${2:-10} * 10 ))
	i=0
	while [ $i -lt "$limit" ]; do
		if ! screen | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# expect DESC TEXT [SECONDS]: a TAP line for "the screen shows TEXT";
# prints the screen when it does not.
expect() {
	if wait_for "$2" "${3:-10}"; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected on the screen: $2" "the screen:"
		screen | sed 's/^/# | /'
		[ -s "$TUI_TMP/err.$W" ] && sed 's/^/# stderr: /' "$TUI_TMP/err.$W"
	fi
}

# expect_not DESC TEXT: the screen does not show TEXT (now).
expect_not() {
	sleep 0.3
	if screen | grep -qF -- "$2"; then
		not_ok "$1"
		diag "not expected on the screen: $2" "the screen:"
		screen | sed 's/^/# | /'
	else
		ok "$1"
	fi
}

# The line of the screen holding TEXT.
screen_line() {
	screen | grep -F -- "$1" | head -n 1
}

# exdns has ended: its status is in $TUI_RC.
wait_exit() {
	limit=$(( ${1:-10} * 10 ))
	i=0
	while [ $i -lt "$limit" ]; do
		if [ -f "$TUI_TMP/rc.$W" ]; then
			TUI_RC=$(cat "$TUI_TMP/rc.$W")
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	TUI_RC=
	return 1
}

# expect_exit DESC STATUS [SECONDS]
expect_exit() {
	if wait_exit "${3:-10}" && [ "$TUI_RC" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "exit status '$TUI_RC', expected $2" "the screen:"
		screen | sed 's/^/# | /'
		[ -s "$TUI_TMP/err.$W" ] && sed 's/^/# stderr: /' "$TUI_TMP/err.$W"
	fi
}

wizard_pid() {
	cat "$TUI_TMP/pid.$W"
}

# The terminal's modes are what they were before exdns started.
stty_restored() {
	test -s "$TUI_TMP/stty.before.$W" &&
	    cmp -s "$TUI_TMP/stty.before.$W" "$TUI_TMP/stty.after.$W"
}

# resize_check TITLE: shrink the window below 80x24 (the wizard must say
# so plainly), then give it back its size (the screen must come back).
resize_check() {
	cols=$(tmux -L "$TUI_SOCK" display-message -p -t "$W" '#{window_width}')
	rows=$(tmux -L "$TUI_SOCK" display-message -p -t "$W" '#{window_height}')
	resize 60 18
	if wait_for "The window is too small: 60x18." 5 &&
	    wait_for "needs at least 80x24" 1; then
		resize "$cols" "$rows"
		if wait_for "$1" 5 && wait_gone "too small" 2; then
			ok "resize at '$1': too small said, then redrawn"
			return
		fi
	fi
	resize "$cols" "$rows"
	not_ok "resize at '$1': too small said, then redrawn"
	screen | sed 's/^/# | /'
}

# The wizard's event log (states and actions, via wz_*_to_string).
wizard_log() {
	cat "$TUI_TMP/wizard.log"
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected: $2" "actual:   $3"
	fi
}

# The terminal's title: a program that lets an escape sequence through
# (OSC 2) changes it.
pane_title() {
	tmux -L "$TUI_SOCK" display-message -p -t "$W" '#{pane_title}'
}

# no_escape DESC FILE: FILE holds no ESC byte and no C1 or bidi control.
no_escape() {
	if LC_ALL=C grep -q "$(printf '\033')" "$2" ||
	    LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$2" ||
	    LC_ALL=C grep -q "$(printf '\342\200[\252-\256]')" "$2"; then
		not_ok "$1"
		od -c "$2" | head -n 20 | sed 's/^/# /'
	else
		ok "$1"
	fi
}
