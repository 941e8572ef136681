/* verdict.c - names, meanings and advice for verdicts, branches and
 * resolver health. Tables indexed by the enums. */
#include <config.h>

#include <string.h>

#include "util.h"
#include "verdict.h"

static const char *const verdict_names[VERDICT_COUNT] = {
	[VERDICT_OK] = "ok",
	[VERDICT_AAAA_DROPPED] = "aaaa-dropped",
	[VERDICT_AAAA_BAD_RESPONSE] = "aaaa-bad-response",
	[VERDICT_NXDOMAIN] = "nxdomain",
	[VERDICT_NULL_MX] = "null-mx",
	[VERDICT_MX_NO_ADDRESS] = "mx-no-address",
	[VERDICT_MX_LOOPBACK] = "mx-loopback",
	[VERDICT_IPV6_ONLY_MX] = "ipv6-only-mx",
	[VERDICT_MX_CNAME] = "mx-cname",
	[VERDICT_LAME_DELEGATION] = "lame-delegation",
	[VERDICT_SLOW] = "slow",
	[VERDICT_DNSSEC_BOGUS] = "dnssec-bogus",
	[VERDICT_EDNS_BROKEN] = "edns-broken",
	[VERDICT_TCP_BLOCKED] = "tcp-blocked",
	[VERDICT_LARGE_DROPPED] = "large-answer-dropped",
	[VERDICT_UNREACHABLE] = "unreachable",
	[VERDICT_RESOLVER_FAILURE] = "resolver-failure",
	[VERDICT_INCONCLUSIVE] = "inconclusive",
};

static const struct {
	bool connector;
	const char *meaning;
	const char *advice;
} verdicts[VERDICT_COUNT] = {
	[VERDICT_OK] = {false,
	    "MX and the addresses of every MX host resolve normally",
	    "Nothing to do for this domain's DNS."},
	[VERDICT_AAAA_DROPPED] = {true,
	    "an authoritative server of an MX host's zone answers A but never AAAA",
	    "Create a send connector for this domain that routes to its MX "
	    "hosts' IPv4 addresses (smart hosts, authentication None), and ask "
	    "the domain's DNS operator to answer AAAA queries."},
	[VERDICT_AAAA_BAD_RESPONSE] = {true,
	    "an authoritative server answers AAAA queries with an error or a bad reply",
	    "Create a send connector for this domain that routes to its MX "
	    "hosts' IPv4 addresses (smart hosts, authentication None), and ask "
	    "the domain's DNS operator to fix the AAAA answers."},
	[VERDICT_NXDOMAIN] = {false,
	    "the domain does not exist",
	    "Check the recipient address for a typo; the message cannot be "
	    "delivered."},
	[VERDICT_NULL_MX] = {false,
	    "the domain publishes a null MX (RFC 7505): it accepts no mail",
	    "The domain accepts no mail; remove the messages from the queue."},
	[VERDICT_MX_NO_ADDRESS] = {false,
	    "the MX hosts have no IPv4 address: no smart host can be named",
	    "Ask the domain's DNS operator to publish A records for its MX "
	    "hosts; a connector cannot help."},
	[VERDICT_MX_LOOPBACK] = {false,
	    "an MX host resolves only to loopback, private, link-local or this "
	    "host's own addresses (Exchange: SMTPSEND.DNS.MxLoopback)",
	    "Tell the domain's DNS operator: its MX host points back into a "
	    "private network (or at this server), so no one outside can deliver "
	    "to it. A connector cannot help: such an address is never a smart "
	    "host. If the domain is one of your own, correct the MX host's A "
	    "record (or add an accepted domain or a connector to the internal "
	    "server instead)."},
	[VERDICT_IPV6_ONLY_MX] = {false,
	    "every MX host has IPv6 addresses (AAAA) but no IPv4 address (A): "
	    "no IPv4 smart host exists",
	    "Exchange can deliver to this domain only over IPv6: give the "
	    "transport servers IPv6 connectivity to the internet (and leave "
	    "IPv6 enabled on them), or ask the domain's DNS operator to publish "
	    "A records for its MX hosts. A send connector with IPv4 smart hosts "
	    "cannot work and is not proposed."},
	[VERDICT_MX_CNAME] = {false,
	    "an MX host is an alias (CNAME), which RFC 2181 forbids; its "
	    "addresses resolve normally",
	    "Nothing to change in Exchange: it follows the alias. Tell the "
	    "domain's DNS operator that its MX record should name the host "
	    "itself (RFC 2181 section 10.3); some mail servers refuse aliases."},
	[VERDICT_LAME_DELEGATION] = {false,
	    "a DNS server the parent zone lists for an MX host's zone is not "
	    "authoritative for it (REFUSED, an answer without AA, a referral); "
	    "the others answer",
	    "Tell the domain's DNS operator to remove the lame server from the "
	    "delegation (the NS records at the parent) or to serve the zone on "
	    "it. Resolvers that ask it first fail or wait, some of the time: "
	    "retrying works; a connector does not help."},
	[VERDICT_SLOW] = {false,
	    "an authoritative server answers, but only after more than 1.5 s: "
	    "later than many resolvers wait for one server",
	    "Tell the domain's DNS operator how slow its server is (the "
	    "evidence says). A resolver that waits less than that gives up "
	    "(SERVFAIL, or no answer: it looks like a dropped query), one that "
	    "waits longer gets the answer: so it fails for some sites and not "
	    "others, and some of the time. Exchange gives a DNS server 5 s and "
	    "a whole lookup 1 minute, then retries the queue."},
	[VERDICT_DNSSEC_BOGUS] = {true,
	    "the resolver validates DNSSEC and the domain's fails (SERVFAIL; "
	    "the same question with CD=1, checking disabled, is answered): "
	    "expired signatures or a DS that matches no key",
	    "Tell the domain's DNS operator its DNSSEC is broken (send the "
	    "evidence; they can check with dig +dnssec or a DNSSEC analyser). "
	    "Until it is fixed, a send connector for this domain that routes to "
	    "its MX hosts' IPv4 addresses (smart hosts, authentication None) "
	    "works around it; or, for this domain only, a negative trust anchor "
	    "on the DNS server (unbound: domain-insecure; BIND: rndc nta). Do "
	    "not turn validation off for everything."},
	[VERDICT_EDNS_BROKEN] = {true,
	    "an authoritative server of an MX host's zone drops (or answers "
	    "FORMERR to) queries with EDNS and answers the same question "
	    "without; the resolver does not retry without EDNS, so the "
	    "lookup fails (an old firewall or load balancer in front of it)",
	    "Create a send connector for this domain that routes to its MX "
	    "hosts' IPv4 addresses (smart hosts, authentication None): the "
	    "KB's workaround, as for a dropped AAAA. Tell the domain's DNS "
	    "operator that the server named in the evidence breaks EDNS (RFC "
	    "6891; since the 2019 DNS flag day resolvers no longer retry "
	    "without it): fix or replace the firewall or load balancer in "
	    "front of it."},
	[VERDICT_TCP_BLOCKED] = {false,
	    "an authoritative server of an MX host's zone truncates its answer "
	    "(TC=1) and cannot be asked over TCP (refused, reset or silent), "
	    "while another server or the resolver gets the answer and TCP to "
	    "other servers works from here: the remote side blocks TCP/53",
	    "Tell the domain's DNS operator that the server named in the "
	    "evidence does not answer over TCP (RFC 7766 requires it; larger "
	    "answers never arrive): open TCP/53 to it. A resolver that tries "
	    "that server first fails some of the time."},
	[VERDICT_LARGE_DROPPED] = {true,
	    "an authoritative server answers small questions, but its UDP "
	    "answers over 512 bytes never arrive (a firewall's DNS inspection "
	    "limited to 512 bytes, or a path that drops them); the same "
	    "question without EDNS comes truncated and is answered over TCP; "
	    "the resolver does not get the answer",
	    "Create a send connector for this domain that routes to its MX "
	    "hosts' IPv4 addresses (smart hosts, authentication None): the "
	    "KB's workaround, as for a dropped AAAA. Tell the domain's DNS "
	    "operator that UDP answers over 512 bytes from the server named in "
	    "the evidence are dropped on their side (RFC 6891 allows up to the "
	    "size the client offers; a Cisco ASA's DNS inspection does this "
	    "with \"message-length maximum 512\": \"message-length maximum "
	    "client auto\" fixes it). If the reason says it may be this "
	    "network, check this site's firewall first."},
	[VERDICT_UNREACHABLE] = {false,
	    "the domain's authoritative servers answer nothing at all",
	    "The domain's DNS is down; wait, or contact the domain's owner."},
	[VERDICT_RESOLVER_FAILURE] = {false,
	    "the DNS server Exchange uses fails this domain; no fault of the "
	    "remote domain was seen",
	    "Fix the DNS server Exchange uses (or use external DNS lookups); "
	    "a connector for this domain would not help."},
	[VERDICT_INCONCLUSIVE] = {false,
	    "the evidence cannot decide: what is missing is named in the reason",
	    "Run exdns again from a host that may query the internet's DNS "
	    "servers directly (or run the dig commands shown from one), then "
	    "decide; do not create a connector on this evidence."},
};

const char *
verdict_to_string(verdict v)
{
	return enum_name(verdict_names, VERDICT_COUNT, (unsigned)v, "unknown");
}

int
verdict_from_string(const char *s, verdict *out)
{
	int i = enum_index(verdict_names, VERDICT_COUNT, s);

	if (i < 0)
		return -1;
	*out = (verdict)i;
	return 0;
}

bool
verdict_needs_connector(verdict v)
{
	return (unsigned)v < VERDICT_COUNT && verdicts[v].connector;
}

bool
verdict_is_fault(verdict v)
{
	return v != VERDICT_OK;
}

const char *
verdict_meaning(verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? verdicts[v].meaning : "";
}

const char *
verdict_advice(verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? verdicts[v].advice : "";
}

static const char *const branches[BRANCH_COUNT] = {
	[BRANCH_NO_DNS_FAULT] = "no-dns-fault",
	[BRANCH_SPECIFIC_DOMAINS] = "specific-domains",
	[BRANCH_ALL_DOMAINS] = "all-domains",
};

const char *
branch_to_string(branch b)
{
	return enum_name(branches, BRANCH_COUNT, (unsigned)b, "unknown");
}

int
branch_from_string(const char *s, branch *out)
{
	int i = enum_index(branches, BRANCH_COUNT, s);

	if (i < 0)
		return -1;
	*out = (branch)i;
	return 0;
}

static const char *const rstatuses[RSTATUS_COUNT] = {
	[RSTATUS_UNKNOWN] = "unknown",
	[RSTATUS_OK] = "ok",
	[RSTATUS_TIMEOUT] = "timeout",
	[RSTATUS_SERVFAIL] = "servfail",
	[RSTATUS_REFUSED] = "refused",
	[RSTATUS_UNREACHABLE] = "unreachable",
	[RSTATUS_BROKEN] = "broken",
	[RSTATUS_AAAA_FAILS] = "aaaa-fails",
};

const char *
rstatus_to_string(rstatus s)
{
	return enum_name(rstatuses, RSTATUS_COUNT, (unsigned)s, "unknown");
}

int
rstatus_from_string(const char *s, rstatus *out)
{
	int i = enum_index(rstatuses, RSTATUS_COUNT, s);

	if (i < 0)
		return -1;
	*out = (rstatus)i;
	return 0;
}

static const char *const rwhy_names[RWHY_COUNT] = {
	[RWHY_NONE] = "none",
	[RWHY_NOT_RECURSING] = "not-recursing",
	[RWHY_UPSTREAM] = "upstream-unreachable",
	[RWHY_SILENT] = "silent",
	[RWHY_DNSSEC_ALL] = "dnssec-fails-all",
	[RWHY_SLOW] = "slow",
	[RWHY_EDNS_DROPPED] = "edns-dropped",
	[RWHY_TCP_BLOCKED] = "tcp-blocked",
	[RWHY_LARGE_DROPPED] = "large-dropped",
	[RWHY_LARGE_FAILS] = "large-fails",
};

static const struct {
	const char *meaning, *fix;
} rwhys[RWHY_COUNT] = {
	[RWHY_NONE] = {"", ""},
	[RWHY_NOT_RECURSING] = {
	    "it does not recurse for this host: REFUSED, or referrals without "
	    "RA (recursion available) instead of answers",
	    "On the DNS server allow recursion for the Exchange servers' "
	    "addresses (Windows DNS: Advanced, uncheck \"Disable recursion\", "
	    "and check recursion scopes; BIND: allow-recursion; unbound: "
	    "access-control allow), or point Exchange at one that does "
	    "(Set-TransportService -ExternalDNSAdapterEnabled $false "
	    "-ExternalDNSServers)."},
	[RWHY_UPSTREAM] = {
	    "it answers what it holds itself (localhost) but internet names "
	    "time out: its forwarders or the root servers are unreachable",
	    "On the DNS server check its forwarders (Windows DNS: Forwarders "
	    "tab; each must answer) or, without forwarders, that it may send "
	    "queries to port 53 (UDP and TCP) on the internet: the firewall's "
	    "outbound rules. Until then, External DNS Lookups on the transport "
	    "server can name DNS servers that work."},
	[RWHY_SILENT] = {
	    "it answers nothing, not even localhost: down, unreachable from "
	    "this host, or a firewall drops port 53 between",
	    "Check that the DNS service runs and that UDP and TCP port 53 are "
	    "open from the Exchange servers to it (nslookup localhost SERVER)."},
	[RWHY_DNSSEC_ALL] = {
	    "it answers SERVFAIL for every name, the canaries' too, and "
	    "answers them with CD=1 (checking disabled): its DNSSEC validation "
	    "fails for everything: a wrong clock or a stale trust anchor",
	    "On the DNS server set the clock right (signatures are checked "
	    "against it) and renew the root trust anchor (Windows DNS: "
	    "Add-DnsServerTrustAnchor -Root; unbound: unbound-anchor; BIND: "
	    "managed-keys). Do not turn validation "
	    "off for everything."},
	[RWHY_SLOW] = {
	    "it answers, but only after more than 1.5 s: Exchange gives a DNS "
	    "server 5 s and a lookup 1 minute, and a busy queue asks many",
	    "Check the DNS server's load, its forwarders' speed (a slow "
	    "forwarder makes every lookup slow) and the network between; "
	    "exdns's evidence shows each answer's time."},
	[RWHY_EDNS_DROPPED] = {
	    "queries with EDNS (RFC 6891) get no answer or FORMERR from it, "
	    "the same queries without EDNS are answered: an old DNS server or "
	    "a firewall between that drops EDNS",
	    "Find what drops EDNS between the Exchange servers and the DNS "
	    "server: a firewall's DNS inspection (Cisco ASA: in the DNS "
	    "inspection policy set \"message-length maximum client auto\"), "
	    "or a DNS server too old for EDNS (update it). Every current "
	    "resolver and client sends EDNS."},
	[RWHY_TCP_BLOCKED] = {
	    "its answer came truncated (TC=1) and over TCP it gave none "
	    "(refused, reset or silent): TCP port 53 to it is blocked, so "
	    "every answer too large for UDP fails",
	    "Open TCP port 53 from the Exchange servers to the DNS server (a "
	    "DNS client must be able to use TCP, RFC 7766), and check that the "
	    "DNS server accepts TCP. Exchange asks again over TCP when an "
	    "answer is truncated (ExternalDNSProtocolOption and "
	    "InternalDNSProtocolOption must not be UseUdpOnly)."},
	[RWHY_LARGE_DROPPED] = {
	    "its UDP answers over 512 bytes never reach this host, smaller "
	    "ones do, and the same answer came over TCP: something between "
	    "drops large DNS packets (a firewall's DNS inspection limited to "
	    "512 bytes, or IP fragments dropped)",
	    "Let DNS answers up to 1232 bytes through between the DNS server "
	    "and the Exchange servers (Cisco ASA DNS inspection: \"message-length "
	    "maximum client auto\" instead of 512). Until then "
	    "Set-TransportService -ExternalDNSProtocolOption UseTcpOnly (and "
	    "-InternalDNSProtocolOption UseTcpOnly) makes Exchange ask over "
	    "TCP, which works."},
	[RWHY_LARGE_FAILS] = {
	    "it answers small questions but fails one whose answer is large "
	    "(a canary's TXT: timeout or SERVFAIL, with and without EDNS): its "
	    "own path to the internet drops large UDP answers (IP fragments), "
	    "or it cannot fall back to TCP",
	    "On the DNS server set the EDNS buffer size to 1232 bytes so large "
	    "answers come truncated and are fetched over TCP instead of in "
	    "fragments (Windows DNS: DWORD MaximumUdpPacketSize = 1232 under "
	    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\DNS\\Parameters, then "
	    "restart the DNS Server service; BIND: edns-udp-size 1232 and "
	    "max-udp-size 1232; unbound: edns-buffer-size: 1232), and allow "
	    "it TCP port 53 out and fragments in."},
};

const char *
rwhy_to_string(rwhy w)
{
	return enum_name(rwhy_names, RWHY_COUNT, (unsigned)w, "none");
}

int
rwhy_from_string(const char *s, rwhy *out)
{
	int i = enum_index(rwhy_names, RWHY_COUNT, s);

	if (i < 0)
		return -1;
	*out = (rwhy)i;
	return 0;
}

const char *
rwhy_meaning(rwhy w)
{
	return (unsigned)w < RWHY_COUNT ? rwhys[w].meaning : "";
}

const char *
rwhy_fix(rwhy w)
{
	return (unsigned)w < RWHY_COUNT ? rwhys[w].fix : "";
}
