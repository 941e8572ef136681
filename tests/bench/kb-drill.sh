#!/bin/bash
# kb-drill.sh - the KB's way of diagnosing "451 4.4.0 DNS query failed", as
# an administrator would script it: one query after another with drill, the
# same timeouts as exdns (--timeout 1000 --tries 2: each try killed after
# 1 s, at most 2 tries). Used by tests/bench/run as the peer to beat.
#
#   kb-drill.sh RESOLVER PORT AUTH_PORT DOMAIN_FILE
#
# For each domain: MX through the resolver; A and AAAA of each MX host
# through the resolver; when the AAAA fails (no answer or an rcode other
# than NOERROR), the MX host's zone (SOA) and name servers (NS, then A of
# each, through the resolver), then A and AAAA asked directly (RD=0) of each
# name server. Prints "domain verdict" per line (ok, aaaa-dropped,
# aaaa-bad-response, nxdomain, unknown) so its answers can be checked too.
set -u
RESOLVER=$1
PORT=$2
AUTH_PORT=$3
FILE=$4
TRY_SECS=${KB_TRY_SECS:-1}
TRIES=${KB_TRIES:-2}

OUT=""      # drill's output of the last query
RCODE=""    # its rcode, or TIMEOUT

# q SERVER PORT NAME TYPE [drill options...]
q() {
	local server=$1 port=$2 name=$3 type=$4 t
	shift 4
	for ((t = 0; t < TRIES; t++)); do
		if OUT=$(timeout "$TRY_SECS" drill "$@" -p "$port" "$name" "@$server" "$type" 2>&1 </dev/null); then
			RCODE=$(printf '%s\n' "$OUT" | sed -n 's/.*rcode: \([A-Z]*\),.*/\1/p' | head -1)
			[ -n "$RCODE" ] && return 0
		fi
	done
	RCODE=TIMEOUT
	return 1
}

# answers TYPE: the rdata of the answer section's records of TYPE
answers() {
	printf '%s\n' "$OUT" | awk -v t="$1" '
		/^;; ANSWER SECTION:/ { s = 1; next }
		/^;; / { s = 0 }
		s && $4 == t { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }'
}

# soa_owner: owner of the SOA in answer or authority
soa_owner() {
	printf '%s\n' "$OUT" | awk '$4 == "SOA" && $1 !~ /^;/ { print $1; exit }'
}

while read -r domain; do
	[ -z "$domain" ] && continue
	verdict=ok
	q "$RESOLVER" "$PORT" "$domain" MX
	if [ "$RCODE" = NXDOMAIN ]; then
		echo "$domain nxdomain"
		continue
	fi
	if [ "$RCODE" != NOERROR ]; then
		echo "$domain unknown"
		continue
	fi
	hosts=$(answers MX | awk '{ print $2 }')
	[ -z "$hosts" ] && hosts=$domain
	for host in $hosts; do
		host=${host%.}
		q "$RESOLVER" "$PORT" "$host" A
		q "$RESOLVER" "$PORT" "$host" AAAA
		[ "$RCODE" = NOERROR ] && continue
		# The AAAA failed: ask the host's zone's servers directly.
		before=$verdict
		q "$RESOLVER" "$PORT" "$host" SOA
		zone=$(soa_owner)
		nslist=""
		if [ -n "$zone" ]; then
			q "$RESOLVER" "$PORT" "$zone" NS
			nslist=$(answers NS)
		fi
		for ns in $nslist; do
			q "$RESOLVER" "$PORT" "${ns%.}" A
			for ip in $(answers A); do
				q "$ip" "$AUTH_PORT" "$host" A -o rd
				q "$ip" "$AUTH_PORT" "$host" AAAA -o rd
				case $RCODE in
				TIMEOUT) verdict=aaaa-dropped ;;
				NOERROR) ;;
				*) [ "$verdict" = ok ] && verdict=aaaa-bad-response ;;
				esac
			done
		done
		# The servers answered: the resolver is at fault.
		[ "$verdict" = "$before" ] && [ "$verdict" = ok ] &&
			verdict=resolver-failure
	done
	echo "$domain $verdict"
done <"$FILE"
