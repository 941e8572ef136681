# shellcheck shell=sh disable=SC2154
# realworld-msg.sh - sourced by realworld.test at the end of its part A:
# `exdns report` (the message for a remote domain's postmaster or DNS
# operator) for the world's remote faults beyond AAAA (issue 12): a lame
# server (BIND without the zone), a slow one (dnsdist 1.7 s late), one
# that drops EDNS, one that blocks TCP/53 (nftables), an MX host that is
# an alias, one at 127.0.0.1, one with AAAA only; and DNSSEC that fails
# behind part E's validating unbound. Each message must carry its subject,
# name the server and the query that fail, and hold dig commands that,
# run in the namespace as the remote operator would, show the fault.
# Uses realworld.test's world and helpers: $IN_NS, $EXDNS, $P, $Q,
# $CANARY, $TIMEOUT, $TRIES, $TMP, check, check_eq, ok, not_ok.

MSGD=$TMP/msg
mkdir -p "$MSGD" || bail "cannot create $MSGD"

# msg_report NAME RESOLVER [OPTION...] -- DOMAIN...: the messages in
# $MSGD/NAME.txt (stderr NAME.err, exit status MSG_RC), and each message
# alone in $MSGD/DOMAIN.msg.
msg_report() {
	mn=$1
	mr=$2
	shift 2
	SOURCE_DATE_EPOCH=1764489600 $IN_NS "$EXDNS" report --resolver "$mr" \
	    --auth-port "$P" --canary "$CANARY" "$@" >"$MSGD/$mn.txt" \
	    2>"$MSGD/$mn.err"
	MSG_RC=$?
	awk -v dir="$MSGD" '
	/^Subject: DNS fault at / { f = $5; sub(/:$/, "", f); f = dir "/" f ".msg" }
	f != "" { print > f }' "$MSGD/$mn.txt"
}
# msg_flat FILE: its lines joined with single spaces (a wrapped paragraph
# as one line, for grep -F)
msg_flat() { tr '\n' ' ' <"$1" | tr -s ' '; }
msg_has() { # FILE PHRASE: the phrase is in the file, however it was wrapped
	msg_flat "$1" | grep -qF -- "$2"
}
# msg_dig DOMAIN LINE EXTRA: LINE (a dig command of DOMAIN's message,
# without the indent) must be in the message; it is run in the namespace
# with EXTRA options after it, its output in $MSGD/dig.out.
msg_dig() {
	: >"$MSGD/dig.out"
	if ! grep -qxF -- "  $2" "$MSGD/$1.msg"; then
		echo "not in the message: $2" >"$MSGD/dig.out"
		return 1
	fi
	printf '%s %s\n' "$2" "$3" >"$MSGD/dig.sh"
	$IN_NS sh "$MSGD/dig.sh" >"$MSGD/dig.out" 2>&1
	return 0
}
# msg_check DESCRIPTION COMMAND...: check, with the message(s) shown if not
msg_check() {
	md=$1
	shift
	if "$@" >/dev/null 2>&1; then
		ok "$md"
	else
		{ cat "$MSGD/dig.out" 2>/dev/null; cat "$MSGD"/*.msg 2>/dev/null |
		    head -80; } >"$TMP/check.detail"
		not_ok "$md" "$TMP/check.detail"
	fi
}

if ! command -v dig >/dev/null 2>&1; then
	not_ok "dig is installed (bind9-dnsutils): the messages' commands are run"
fi

# --- one run: lame, EDNS, TCP, alias, loopback, IPv6 only ------------------------
# tcok.rw.test shows TCP to a server working from here (so tchalf's block
# is the remote side's); it is ok: no message, stderr says so.
msg_report all 127.0.79.1@"$Q" --timeout "$TIMEOUT" --tries "$TRIES" \
    lame.rw.test ednsdrop.rw.test tchalf.rw.test tcok.rw.test alias.rw.test \
    loopback.rw.test v6only.rw.test bigaaaa.rw.test
check_eq "report (8 domains): exit 1" 1 "$MSG_RC"
check_eq "report: seven messages" 7 "$(grep -c '^Subject: ' "$MSGD/all.txt")"
msg_check "report: tcok.rw.test (ok) gets none, stderr says why" \
    grep -qx 'exdns: tcok.rw.test: ok: no fault of its own DNS to report' "$MSGD/all.err"
msg_check "report: lines of at most 80 columns except the subjects and dig lines" \
    sh -c "! grep -v -e '^Subject:' -e '^  dig ' '$MSGD/all.txt' | grep -q '.\{81\}'"

# lame-delegation: BIND (bind1) is listed for lame.rw.test and REFUSES it.
MSG_M=$MSGD/lame.rw.test.msg
msg_check "lame: the subject" grep -qx \
    'Subject: DNS fault at lame.rw.test: one of its name servers does not serve its zone (lame delegation)' "$MSG_M"
msg_check "lame: bind1 named with its address, the query and REFUSED" \
    msg_has "$MSG_M" "Name server bind1.rw.test at 127.0.82.1, asked A mail.lame.rw.test: REFUSED."
msg_check "lame: the healthy server's authoritative answer beside it" \
    msg_has "$MSG_M" 'Name server ns1.rw.test at 127.0.80.2, asked A mail.lame.rw.test: answered "192.0.2.80".'
msg_check "lame: RFC 1034 and RFC 8499" sh -c "tr '\\n' ' ' <'$MSG_M' | tr -s ' ' | grep -q 'RFC 1034.*RFC 8499'"
msg_dig lame.rw.test "dig +norecurse @127.0.82.1 lame.rw.test SOA" "+time=2 +tries=1"
msg_check "lame: its dig (SOA of the zone at bind1) gets REFUSED, no AA" \
    sh -c "grep -q 'status: REFUSED' '$MSGD/dig.out' && ! grep -q 'flags:.* aa' '$MSGD/dig.out'"

# edns-broken: dnsdist in front of Knot drops every query with EDNS.
MSG_M=$MSGD/ednsdrop.rw.test.msg
msg_check "edns: the subject" grep -qx \
    'Subject: DNS fault at ednsdrop.rw.test: its name server fails queries with EDNS' "$MSG_M"
msg_check "edns: the query with EDNS named, unanswered" \
    msg_has "$MSG_M" "Name server dd-ednslb.rw.test at 127.0.83.15, asked A mx.ednslb.rw.test with EDNS (a 1232-byte buffer): no answer after"
msg_check "edns: the same without EDNS, answered" \
    msg_has "$MSG_M" 'Name server dd-ednslb.rw.test at 127.0.83.15, asked A mx.ednslb.rw.test without EDNS: answered "198.51.100.80".'
msg_check "edns: RFC 6891" msg_has "$MSG_M" 'RFC 6891'
msg_dig ednsdrop.rw.test "dig +norecurse @127.0.83.15 mx.ednslb.rw.test A" "+time=1 +tries=1"
msg_check "edns: its dig (EDNS, dig's default) times out" grep -q 'timed out' "$MSGD/dig.out"
msg_dig ednsdrop.rw.test "dig +norecurse +noedns @127.0.83.15 mx.ednslb.rw.test A" "+time=1 +tries=1"
msg_check "edns: its dig +noedns is answered, authoritatively" \
    sh -c "grep -q 'IN[[:space:]]*A[[:space:]]*198.51.100.80' '$MSGD/dig.out' && grep -q 'flags: qr aa' '$MSGD/dig.out'"

# large-answer-dropped: knot512's firewall drops its UDP answers over 512
# bytes of DNS (the 40 AAAA of mx.manyaaaa.rw.test, 1157 bytes).
MSG_M=$MSGD/bigaaaa.rw.test.msg
msg_check "large: the subject" grep -qx \
    'Subject: DNS fault at bigaaaa.rw.test: UDP answers over 512 bytes from its name server never arrive' "$MSG_M"
msg_check "large: the query with EDNS named, unanswered" \
    msg_has "$MSG_M" "Name server knot512.rw.test at 127.0.81.2, asked AAAA mx.manyaaaa.rw.test with EDNS (a 1232-byte buffer): no answer after"
msg_check "large: the same without EDNS, its size, truncated and over TCP" \
    sh -c 'tr "\n" " " <"$1" | tr -s " " | grep -q "Name server knot512.rw.test at 127.0.81.2, asked AAAA mx.manyaaaa.rw.test without EDNS: answered .*, 1[0-9][0-9][0-9] bytes over TCP after a truncated UDP answer"' sh "$MSG_M"
msg_check "large: RFC 6891's payload sections" msg_has "$MSG_M" 'RFC 6891 sections 6.2.3 to 6.2.5'
msg_dig bigaaaa.rw.test "dig +norecurse +bufsize=1232 @127.0.81.2 mx.manyaaaa.rw.test AAAA" "+time=1 +tries=1"
msg_check "large: its dig with a 1232-byte buffer times out" grep -q 'timed out' "$MSGD/dig.out"
msg_dig bigaaaa.rw.test "dig +norecurse +noedns +ignore @127.0.81.2 mx.manyaaaa.rw.test AAAA" "+time=1 +tries=1"
msg_check "large: its dig +noedns comes truncated" grep -q 'flags: qr aa tc' "$MSGD/dig.out"
msg_dig bigaaaa.rw.test "dig +norecurse +tcp @127.0.81.2 mx.manyaaaa.rw.test AAAA" "+time=1 +tries=1"
msg_check "large: its dig +tcp is answered, 40 AAAA" \
    sh -c "[ \$(grep -c 'IN[[:space:]]*AAAA[[:space:]]*2001:db8:85::' '$MSGD/dig.out') -eq 40 ]"

# tcp-blocked: dd-tc truncates AAAA over UDP, nftables drops TCP/53 to it.
MSG_M=$MSGD/tchalf.rw.test.msg
msg_check "tcp: the subject" grep -qx \
    'Subject: DNS fault at tchalf.rw.test: its name server cannot be asked over TCP' "$MSG_M"
msg_check "tcp: dd-tc named, truncated over UDP and nothing over TCP" \
    msg_has "$MSG_M" "Name server dd-tc.rw.test at 127.0.83.9, asked AAAA mail.tchalf.rw.test: a truncated answer (TC=1) over UDP, then no answer over TCP"
msg_check "tcp: the other server's answer beside it" \
    msg_has "$MSG_M" 'Name server knot1.rw.test at 127.0.81.1, asked AAAA mail.tchalf.rw.test: answered "2001:db8:81::90".'
msg_check "tcp: RFC 7766" msg_has "$MSG_M" 'RFC 7766'
msg_dig tchalf.rw.test "dig +norecurse +ignore @127.0.83.9 mail.tchalf.rw.test AAAA" "+time=1 +tries=1"
msg_check "tcp: its dig over UDP shows TC" grep -q 'flags: qr tc' "$MSGD/dig.out"
msg_dig tchalf.rw.test "dig +norecurse +tcp @127.0.83.9 mail.tchalf.rw.test AAAA" "+time=1 +tries=1"
msg_check "tcp: its dig +tcp at dd-tc gets nothing" \
    sh -c "grep -q 'timed out' '$MSGD/dig.out' && ! grep -q 'ANSWER SECTION' '$MSGD/dig.out'"
msg_dig tchalf.rw.test "dig +norecurse +tcp @127.0.81.1 mail.tchalf.rw.test AAAA" "+time=1 +tries=1"
msg_check "tcp: its dig +tcp at knot1 is answered (TCP works from here)" \
    grep -q 'IN[[:space:]]*AAAA[[:space:]]*2001:db8:81::90' "$MSGD/dig.out"

# mx-cname: mail.alias.rw.test is a CNAME of mx1.hoster.rw.test.
MSG_M=$MSGD/alias.rw.test.msg
msg_check "alias: the subject" grep -qx \
    'Subject: DNS fault at alias.rw.test: its MX record points at an alias (CNAME)' "$MSG_M"
msg_check "alias: the MX host and its target named" \
    grep -q '^  10 mail.alias.rw.test (an alias of mx1.hoster.rw.test)' "$MSG_M"
msg_check "alias: it says mail is delivered, and cites RFC 2181 section 10.3" \
    sh -c "grep -q 'is delivered' '$MSG_M' && tr '\n' ' ' <'$MSG_M' | tr -s ' ' | grep -q 'RFC 2181 section 10.3'"
msg_dig alias.rw.test "dig +norecurse @127.0.80.2 mail.alias.rw.test CNAME" "+time=2 +tries=1"
msg_check "alias: its dig shows the CNAME, authoritatively" \
    sh -c "grep -q 'mail.alias.rw.test.*CNAME[[:space:]]*mx1.hoster.rw.test.' '$MSGD/dig.out' && grep -q 'flags: qr aa' '$MSGD/dig.out'"
msg_dig alias.rw.test "dig +norecurse @127.0.80.2 alias.rw.test MX" "+time=2 +tries=1"
msg_check "alias: its dig of the MX names the alias" \
    grep -q 'MX[[:space:]]*10 mail.alias.rw.test.' "$MSGD/dig.out"

# mx-loopback: mail.loopback.rw.test A 127.0.0.1.
MSG_M=$MSGD/loopback.rw.test.msg
msg_check "loopback: the subject" grep -qx \
    'Subject: DNS fault at loopback.rw.test: its MX host resolves to an address no one outside can reach' "$MSG_M"
msg_check "loopback: the address as its server gives it" \
    msg_has "$MSG_M" 'Name server ns1.rw.test at 127.0.80.2, asked A mail.loopback.rw.test: answered "127.0.0.1".'
msg_dig loopback.rw.test "dig +norecurse @127.0.80.2 mail.loopback.rw.test A" "+time=2 +tries=1"
msg_check "loopback: its dig shows 127.0.0.1, authoritatively" \
    sh -c "grep -q 'IN[[:space:]]*A[[:space:]]*127.0.0.1' '$MSGD/dig.out' && grep -q 'flags: qr aa' '$MSGD/dig.out'"

# ipv6-only-mx: mail.v6only.rw.test AAAA only, on Knot and BIND.
MSG_M=$MSGD/v6only.rw.test.msg
msg_check "v6only: the subject" grep -qx \
    'Subject: DNS fault at v6only.rw.test: its MX hosts have IPv6 addresses only (no A records)' "$MSG_M"
msg_check "v6only: each server's empty A answer and its AAAA" \
    sh -c "tr '\n' ' ' <'$MSG_M' | tr -s ' ' | grep -qF 'Name server knot1.rw.test at 127.0.81.1, asked A mail.v6only.rw.test: NOERROR with no A records.' &&
    tr '\n' ' ' <'$MSG_M' | tr -s ' ' | grep -qF 'asked AAAA mail.v6only.rw.test: answered \"2001:db8:80::60\".'"
msg_dig v6only.rw.test "dig +norecurse @127.0.82.2 mail.v6only.rw.test A" "+time=2 +tries=1"
msg_check "v6only: its dig of A at BIND: NOERROR, authoritative, no answer" \
    sh -c "grep -q 'status: NOERROR' '$MSGD/dig.out' && grep -q 'flags: qr aa' '$MSGD/dig.out' && grep -q 'ANSWER: 0,' '$MSGD/dig.out'"
msg_dig v6only.rw.test "dig +norecurse @127.0.82.2 mail.v6only.rw.test AAAA" "+time=2 +tries=1"
msg_check "v6only: its dig of AAAA at BIND: the address" \
    grep -q 'IN[[:space:]]*AAAA[[:space:]]*2001:db8:80::60' "$MSGD/dig.out"

# --- slow: exdns's default timeout (the 1.7 s answer to the first try) -------------
msg_report slow 127.0.79.1@"$Q" slow.rw.test
MSG_M=$MSGD/slow.rw.test.msg
check_eq "slow: exit 1" 1 "$MSG_RC"
msg_check "slow: the subject" grep -qx \
    'Subject: DNS fault at slow.rw.test: its name server answers too late' "$MSG_M"
msg_check "slow: dd-slow named, with how late it answered" \
    sh -c "tr '\n' ' ' <'$MSG_M' | tr -s ' ' | grep -qE 'Name server dd-slow.rw.test at 127.0.83.14, asked A{1,4} mail.slow.rw.test: answered \"[^\"]*\", after 1\.[5-9] seconds\.'"
# The proof is the slower of A and AAAA (both 1.7 s late): its type.
msg_st=$(sed -n 's/^  dig +norecurse @127\.0\.83\.14 mail\.slow\.rw\.test \(AA*\)$/\1/p' "$MSG_M" | head -1)
msg_dig slow.rw.test "dig +norecurse @127.0.83.14 mail.slow.rw.test ${msg_st:-A}" "+time=4 +tries=1"
msg_check "slow: its dig is answered after 1.5 s or more (Query time)" \
    sh -c "grep -qE 'IN[[:space:]]*(A[[:space:]]*198.51.100.70|AAAA[[:space:]]*2001:db8:81::70)' '$MSGD/dig.out' && grep -qE 'Query time: (1[5-9][0-9][0-9]|[2-9][0-9]{3}) msec' '$MSGD/dig.out'"
msg_dig slow.rw.test "dig +norecurse +tries=1 +time=1 @127.0.83.14 mail.slow.rw.test ${msg_st:-A}" ""
msg_check "slow: its dig that waits 1 s gets nothing" grep -q 'timed out' "$MSGD/dig.out"

# --- dnssec-bogus: part E's validating unbound, expired signatures ---------------
msg_report dnssec 127.0.79.7@"$Q" --timeout "$TIMEOUT" --tries "$TRIES" bogus.rw.test
MSG_M=$MSGD/bogus.rw.test.msg
check_eq "dnssec: exit 1" 1 "$MSG_RC"
msg_check "dnssec: the subject" grep -qx \
    'Subject: DNS fault at bogus.rw.test: its DNSSEC fails validation' "$MSG_M"
msg_check "dnssec: the SERVFAIL and the CD=1 answer through the resolver" \
    sh -c "tr '\n' ' ' <'$MSG_M' | tr -s ' ' | grep -qF 'Our resolver (127.0.79.7), asked MX bogus.rw.test: SERVFAIL.' &&
    tr '\n' ' ' <'$MSG_M' | tr -s ' ' | grep -qF 'Our resolver (127.0.79.7), asked MX bogus.rw.test with CD=1 (checking disabled): answered \"10 mail.bogus.rw.test\".'"
msg_check "dnssec: RFC 4035" msg_has "$MSG_M" 'RFC 4035'
msg_dig bogus.rw.test "dig +dnssec @127.0.79.7 bogus.rw.test MX" "+time=2 +tries=1"
msg_check "dnssec: its dig through the validating resolver: SERVFAIL" \
    grep -q 'status: SERVFAIL' "$MSGD/dig.out"
msg_dig bogus.rw.test "dig +cd @127.0.79.7 bogus.rw.test MX" "+time=2 +tries=1"
msg_check "dnssec: its dig with +cd: answered" \
    sh -c "grep -q 'status: NOERROR' '$MSGD/dig.out' && grep -q 'MX[[:space:]]*10 mail.bogus.rw.test.' '$MSGD/dig.out'"
msg_dig bogus.rw.test "dig +norecurse +dnssec @127.0.80.2 bogus.rw.test MX" "+time=2 +tries=1"
msg_check "dnssec: its dig at the zone's server shows the signature (RRSIG, expired 2020)" \
    grep -q 'RRSIG[[:space:]]*MX .* 20200101000000 ' "$MSGD/dig.out"

# The same texts and commands in the Markdown report.
SOURCE_DATE_EPOCH=1764489600 $IN_NS "$EXDNS" report --format markdown \
    --resolver 127.0.79.7@"$Q" --auth-port "$P" --canary "$CANARY" \
    --timeout "$TIMEOUT" --tries "$TRIES" bogus.rw.test >"$MSGD/dnssec.md" 2>&1
msg_check "dnssec, markdown: why it breaks mail, and the dig commands as code" \
    sh -c "grep -q '^\*\*Why it breaks mail:\*\* .*RFC 4035' '$MSGD/dnssec.md' &&
    grep -qx '    dig +cd @127.0.79.7 bogus.rw.test MX' '$MSGD/dnssec.md'"
