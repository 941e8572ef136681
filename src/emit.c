/* emit.c - the Exchange Management Shell script for a plan: send
 * connectors per domain, external DNS lookups on the transport servers,
 * and the undo script. Nothing from the plan reaches the script unless it
 * passed validation, and then only inside single quotes. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "dname.h"
#include "emit.h"
#include "escape.h"
#include "util.h"

void
emit_opts_init(emit_opts *o)
{
	memset(o, 0, sizeof *o);
	o->exchange = 2013;
}

int
emit_parse_exchange(const char *s, int *out)
{
	if (strcmp(s, "2010") == 0) {
		*out = 2010;
		return 0;
	}
	if (strcmp(s, "2013") == 0 || strcmp(s, "2016") == 0 ||
	    strcmp(s, "2019") == 0 || strcmp(s, "se") == 0 ||
	    strcmp(s, "SE") == 0) {
		*out = 2013;
		return 0;
	}
	return -1;
}

/* A script under construction: one memory buffer, flushed only when every
 * value passed. */
typedef struct script {
	FILE *f;
	char *text;
	size_t len;
	const emit_opts *o;
	const plan *p;
	bool edge;          /* the plan's Internet connector is EdgeSync's */
	bool svc_all;       /* Get-TransportService with no -Identity */
	char *err;
	size_t errlen;
	int failed;
} script;

/* The columns of the state file, in order. */
#define STATE_COLUMNS "'Kind','Name','Existed','AdapterEnabled','Servers'," \
	"'Protocol','UseExternalDns'"

static void
sc_fail(script *s, unsigned line, const char *fmt, ...)
{
	char msg[512], pesc[320];
	va_list ap;

	if (s->failed)
		return;
	s->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (s->p->path == NULL)
		snprintf(s->err, s->errlen, "plan: %s", msg);
	else
		snprintf(s->err, s->errlen, "%s:%u: %s",
		    esc_buf(ESC_TERMINAL, s->p->path, strlen(s->p->path), pesc,
		    sizeof pesc), line, msg);
}

/* Appends the quoted value, or fails naming the line. */
static void
sc_quoted(script *s, const char *v, unsigned line, const char *what)
{
	char *q = esc_dup(ESC_POWERSHELL, v, SIZE_MAX);
	char e[160];

	if (q == NULL) {
		sc_fail(s, line, "%s '%s' cannot be quoted safely", what,
		    esc_buf(ESC_TERMINAL, v, strlen(v), e, sizeof e));
		return;
	}
	fputs(q, s->f);
	free(q);
}

/* 'a','b','c' */
static void
sc_list(script *s, char *const *v, size_t n, unsigned line, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', s->f);
		sc_quoted(s, v[i], line, what);
	}
}

/* The end of an Exchange cmdlet call: every one stops the script on
 * error (the shell's implicit remoting does not honour
 * $ErrorActionPreference for them); the ones that change something also
 * get -WhatIf with --whatif. */
static void
sc_end_read(script *s)
{
	fputs(" -ErrorAction Stop", s->f);
}

static void
sc_end_cmd(script *s)
{
	fputs(" -ErrorAction Stop", s->f);
	if (s->o->whatif)
		fputs(" -WhatIf", s->f);
	fputc('\n', s->f);
}

/* A message for the admin: CMDLET 'text' (the text single-quoted, so a
 * name in it is only ever text), a newline after it. */
static void
sc_say(script *s, const char *indent, const char *cmdlet, unsigned line,
       const char *fmt, ...)
{
	char msg[PLAN_TEXT_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(s->f, "%s%s ", indent, cmdlet);
	sc_quoted(s, msg, line, "message");
	fputc('\n', s->f);
}

/* A comment line from untrusted text: printable ASCII only. */
static void
sc_comment(script *s, const char *prefix, const char *text)
{
	char e[PLAN_TEXT_MAX * 4 + 8];

	fprintf(s->f, "#%s%s\n", prefix,
	    esc_buf(ESC_TERMINAL, text, strlen(text), e, sizeof e));
}

static const char *
svc_noun(const script *s)
{
	return s->o->exchange == 2010 ? "TransportServer" : "TransportService";
}

static void
conn_name(char out[DNAME_MAX + 8], const plan_connector *c)
{
	snprintf(out, DNAME_MAX + 8, "exdns %s", c->domain);
}

bool
emit_plan_is_edge(const plan *p)
{
	return p->internet_connector != NULL &&
	    strncasecmp(p->internet_connector, "EdgeSync - ", 11) == 0;
}

void
emit_state_file(const plan *p, char *out, size_t outlen)
{
	char t[PLAN_TIME_LEN];
	size_t i, o = 0;

	for (i = 0; p->created[i] && o + 1 < sizeof t; i++)
		if (p->created[i] != '-' && p->created[i] != ':')
			t[o++] = p->created[i];
	t[o] = '\0';
	snprintf(out, outlen, "exdns-state-%s.csv", t);
}

/* Edge mode: a part of the script for one side only. */
static void
sc_side_begin(script *s, bool on_edge, const char *what)
{
	if (!s->edge)
		return;
	fprintf(s->f, "if (%s$onEdge) {   # %s: %s\n", on_edge ? "" : "-not ",
	    on_edge ? "on an Edge Transport server" : "in the organization",
	    what);
}

static void
sc_side_end(script *s)
{
	if (s->edge)
		fputs("}\n", s->f);
}

/* @($connectors | Where-Object { $_.Name -eq 'exdns contoso.com' }) */
static void
sc_find_connector(script *s, const char *list, const char *name,
                  unsigned line)
{
	fprintf(s->f, "@(%s | Where-Object { $_.Name -eq ", list);
	sc_quoted(s, name, line, "connector name");
	fputs(" })", s->f);
}

/* @($state | Where-Object { ... created by the apply script ... }) */
static void
sc_created_by_apply(script *s, const char *name, unsigned line)
{
	fputs("@($state | Where-Object { $_.Kind -eq 'connector' -and "
	    "$_.Name -eq ", s->f);
	sc_quoted(s, name, line, "connector name");
	fputs(" -and $_.Existed -eq 'False' })", s->f);
}

/* The script must run from a file: its state file lives beside it. */
static void
sc_state_path(script *s)
{
	char state[64];

	emit_state_file(s->p, state, sizeof state);
	fputs("if (-not $MyInvocation.MyCommand.Path) { throw 'exdns: save this "
	    "script to a file and run it from there: it keeps its state file "
	    "beside itself' }\n$stateFile = Join-Path (Split-Path -Parent "
	    "$MyInvocation.MyCommand.Path) ", s->f);
	sc_quoted(s, state, s->p->line_plan, "state file");
	fputc('\n', s->f);
	/* Import-Csv and Export-Csv have -LiteralPath from PowerShell 3.0
	 * (Exchange 2013); on 2010's PowerShell 2.0 their -Path reads
	 * [ ] * ? as wildcards, so such a folder is refused up front. */
	if (s->o->exchange == 2010)
		fputs("if ($stateFile -match '[\\[\\]*?]') { throw "
		    "('exdns: ' + $stateFile + ': PowerShell 2.0 reads [ ] * ? in "
		    "this path as wildcards: run the script from a folder without "
		    "them') }\n", s->f);
}

/* The parameter naming the state file for Import-Csv / Export-Csv. */
static const char *
sc_csv_path(const script *s)
{
	return s->o->exchange == 2010 ? "-Path" : "-LiteralPath";
}

/* The transport services whose settings change: the plan's, or every
 * one (on an Edge: the Edge itself), as commands inside @(...). */
static void
sc_get_services(script *s)
{
	const plan *p = s->p;
	size_t i;

	if (s->svc_all) {
		fprintf(s->f, "Get-%s", svc_noun(s));
		sc_end_read(s);
		return;
	}
	for (i = 0; i < p->ntransport; i++) {
		fprintf(s->f, "%sGet-%s -Identity ", i ? "; " : "", svc_noun(s));
		sc_quoted(s, p->transport_servers[i], p->line_transport,
		    "transport server");
		sc_end_read(s);
	}
}

/* One row of the state file, all columns. */
static void
sc_state_row(script *s, const char *indent, const char *kind,
             const char *name, const char *existed, const char *adapter,
             const char *servers, const char *proto, const char *use)
{
	fprintf(s->f, "%s$state += New-Object PSObject -Property @{ Kind = '%s'; "
	    "Name = %s; Existed = %s; AdapterEnabled = %s; Servers = %s; "
	    "Protocol = %s; UseExternalDns = %s }\n", indent, kind, name,
	    existed, adapter, servers, proto, use);
}

/* 'exdns a.example','exdns b.example' */
static void
sc_connector_names(script *s)
{
	const plan *p = s->p;
	size_t i;

	for (i = 0; i < p->nconnectors; i++) {
		char name[DNAME_MAX + 8];
		conn_name(name, &p->connectors[i]);
		if (i)
			fputc(',', s->f);
		sc_quoted(s, name, p->connectors[i].line, "connector name");
	}
}

/* The settings before the first run, recorded for the undo script. */
static void
sc_record_state(script *s)
{
	const plan *p = s->p;

	fprintf(s->f, "\n# The settings before the first run, for the undo "
	    "script. A later run keeps\n# them: the state file is never "
	    "overwritten.\n"
	    "if (Test-Path -LiteralPath $stateFile) {\n"
	    "    $state = @(Import-Csv %s $stateFile)\n"
	    "    Write-Host ('exdns: keeping the settings recorded by the first "
	    "run in ' + $stateFile)\n"
	    "} else {\n"
	    "    $state = @()\n", sc_csv_path(s));
	if (p->nconnectors > 0 || (p->has_external &&
	    p->use_external_dns_lookups && p->internet_connector != NULL)) {
		sc_side_begin(s, false, "the connectors");
		if (p->nconnectors > 0) {
			fputs("    foreach ($name in @(", s->f);
			sc_connector_names(s);
			fputs(")) {\n", s->f);
			sc_state_row(s, "        ", "connector", "$name",
			    "[string](@($connectors | Where-Object { $_.Name "
			    "-eq $name }).Count -gt 0)", "''", "''", "''", "''");
			fputs("    }\n", s->f);
		}
		if (p->has_external && p->use_external_dns_lookups &&
		    p->internet_connector != NULL)
			sc_state_row(s, "    ", "internet", "[string]$internet.Name",
			    "''", "''", "''", "''",
			    "[string]$internet.UseExternalDNSServersEnabled");
		sc_side_end(s);
	}
	if (p->has_external) {
		sc_side_begin(s, true, "its own transport service");
		fputs("    foreach ($svc in $services) {\n", s->f);
		sc_state_row(s, "        ", "service", "[string]$svc.Name", "''",
		    "[string]$svc.ExternalDNSAdapterEnabled",
		    "(@($svc.ExternalDNSServers | ForEach-Object { [string]$_ }) "
		    "-join ',')", "[string]$svc.ExternalDNSProtocolOption", "''");
		fputs("    }\n", s->f);
		sc_side_end(s);
	}
	if (s->o->whatif)
		fputs("    # -WhatIf: the state file is not written\n", s->f);
	else
		fprintf(s->f, "    $state | Select-Object " STATE_COLUMNS " | "
		    "Export-Csv %s $stateFile -NoTypeInformation -NoClobber\n"
		    "    Write-Host ('exdns: the settings before this run are "
		    "recorded in ' + $stateFile)\n", sc_csv_path(s));
	fputs("}\n", s->f);
}

/* What the new connectors copy from the Internet send connector, read at
 * run time into $copy (splatted onto New-/Set-SendConnector). */
static void
sc_copy_settings(script *s)
{
	const plan *p = s->p;
	char msg[PLAN_TEXT_MAX];

	fputs("\n# The new connectors say HELO/EHLO with the name and use the "
	    "TLS settings of the\n# Internet send connector, not the server's "
	    "internal name.\n$copy = @{}\n", s->f);
	if (p->internet_connector == NULL) {
		fputs("# The plan names no internet_connector: the connectors get "
		    "Exchange's defaults\n# (the server's own FQDN in HELO, "
		    "opportunistic TLS). To copy them, run exdns plan\n# again "
		    "with --internet-connector NAME.\n", s->f);
		sc_say(s, "", "Write-Warning", p->line_plan, "exdns: the plan "
		    "names no Internet send connector: the new connectors say "
		    "HELO with each server's own name");
		if (s->o->warn != NULL)
			fprintf(s->o->warn, "exdns: warning: the plan names no "
			    "internet_connector: the new connectors keep Exchange's "
			    "default Fqdn and TLS settings (HELO may name an "
			    "internal server)\n");
		return;
	}
	snprintf(msg, sizeof msg, "exdns: the send connector '%s' has no Fqdn: "
	    "the new connectors say HELO with each server's own name",
	    p->internet_connector);
	fputs("if ($internet.Fqdn) { $copy['Fqdn'] = [string]$internet.Fqdn } "
	    "else { Write-Warning ", s->f);
	sc_quoted(s, msg, p->line_internet_connector, "message");
	fputs(" }\n$copy['RequireTLS'] = [bool]$internet.RequireTLS\n"
	    "if ($internet.RequireTLS -and $internet.TlsAuthLevel) { "
	    "$copy['TlsAuthLevel'] = [string]$internet.TlsAuthLevel }\n"
	    "if ($internet.RequireTLS -and $internet.TlsDomain) {\n"
	    "    $copy['TlsDomain'] = [string]$internet.TlsDomain\n"
	    "    Write-Warning ('exdns: the new connectors check the smart "
	    "hosts'' certificates against TlsDomain ' + $copy['TlsDomain'] + "
	    "', as the Internet connector does')\n}\n", s->f);
	if (s->o->exchange != 2010)
		fputs("if ($internet.TlsCertificateName) { "
		    "$copy['TlsCertificateName'] = "
		    "[string]$internet.TlsCertificateName }\n", s->f);
	else
		fputs("# (Exchange 2010 send connectors have no "
		    "TlsCertificateName)\n", s->f);
	if (s->edge && p->ntransport == 0)
		fputs("# The source: the Edge subscription the EdgeSync connector "
		    "uses\n$copy['SourceTransportServers'] = "
		    "@($internet.SourceTransportServers | ForEach-Object { "
		    "[string]$_ })\n", s->f);
}

static void
sc_connector_params(script *s, const plan_connector *c)
{
	char as[DNAME_MAX + 16];

	snprintf(as, sizeof as, "SMTP:%s;1", c->domain);
	fputs(" -AddressSpaces ", s->f);
	sc_quoted(s, as, c->line, "address space");
	fputs(" -DNSRoutingEnabled $false -SmartHosts ", s->f);
	sc_list(s, c->smart_hosts, c->nsmart, c->line_smart_hosts, "smart host");
	fputs(" -SmartHostAuthMechanism None", s->f);
	if (s->p->ntransport > 0) {
		fputs(" -SourceTransportServers ", s->f);
		sc_list(s, s->p->transport_servers, s->p->ntransport,
		    s->p->line_transport, "transport server");
	}
	fputs(" @copy", s->f);
}

static void
sc_connector_apply(script *s, const plan_connector *c)
{
	char name[DNAME_MAX + 8];
	size_t i;

	conn_name(name, c);
	fputc('\n', s->f);
	fprintf(s->f, "# %s: %s (%s)\n", c->domain,
	    verdict_to_string(c->verdict), verdict_meaning(c->verdict));
	for (i = 0; i < c->nevidence; i++)
		sc_comment(s, "   ", c->evidence[i]);
	fputs("if (", s->f);
	sc_find_connector(s, "$connectors", name, c->line);
	fputs(".Count -eq 0) {\n    New-SendConnector -Name ", s->f);
	sc_quoted(s, name, c->line, "connector name");
	fputs(" -Usage Custom", s->f);
	sc_connector_params(s, c);
	sc_end_cmd(s);
	fputs("} elseif (", s->f);
	sc_created_by_apply(s, name, c->line);
	fputs(".Count -gt 0) {\n    Set-SendConnector -Identity ", s->f);
	sc_quoted(s, name, c->line, "connector name");
	sc_connector_params(s, c);
	sc_end_cmd(s);
	fputs("} else {\n", s->f);
	sc_say(s, "    ", "Write-Warning", c->line, "exdns: the send connector "
	    "'%s' existed before this plan was first applied: left as it is "
	    "(the check below compares it with the plan)", name);
	fputs("}\n", s->f);
}

/* The servers without ports (Exchange asks external DNS servers on 53). */
static char **
sc_external_ips(script *s, size_t *n)
{
	const plan *p = s->p;
	char **ips = NULL, ip[ADDR_TEXT_MAX], e[160];
	exaddr a;
	size_t i;

	*n = 0;
	for (i = 0; i < p->nexternal; i++) {
		if (addr_parse(p->external_servers[i], 53, &a, e, sizeof e) != 0) {
			sc_fail(s, p->line_external_servers, "servers: %s", e);
			break;
		}
		addr_ip(&a, ip, sizeof ip);
		if (addr_port(&a) != 53) {
			fprintf(s->f, "# NOTE: %s: port %u dropped; Exchange asks "
			    "external DNS servers on port 53\n", ip,
			    (unsigned)addr_port(&a));
			if (s->o->warn != NULL)
				fprintf(s->o->warn, "exdns: warning: external DNS "
				    "server %s: port %u dropped (Exchange uses "
				    "port 53)\n", ip, (unsigned)addr_port(&a));
		}
		strv_push(&ips, n, ip);
	}
	return ips;
}

/* "Set-TransportService -Identity 'EX01'" or, with no servers in the plan
 * (or on an Edge), "Get-TransportService | Set-TransportService" (every
 * transport server; on an Edge, itself). */
static void
sc_each_service(script *s, const char *verb, size_t i)
{
	const plan *p = s->p;

	if (s->svc_all) {
		fprintf(s->f, "Get-%s", svc_noun(s));
		sc_end_read(s);
		fprintf(s->f, " | %s-%s", verb, svc_noun(s));
	} else {
		fprintf(s->f, "%s-%s -Identity ", verb, svc_noun(s));
		sc_quoted(s, p->transport_servers[i], p->line_transport,
		    "transport server");
	}
}

static void
sc_internet_connector(script *s, bool enable)
{
	const plan *p = s->p;

	if (!p->use_external_dns_lookups) {
		fputs("# use_external_dns_lookups = false: the Internet send "
		    "connector is left as it is\n", s->f);
		return;
	}
	if (p->internet_connector == NULL) {
		fputs("# The plan names no internet_connector: on your Internet "
		    "send connector, run by hand:\n# Set-SendConnector -Identity "
		    "'<Internet send connector>' -UseExternalDNSServersEnabled ",
		    s->f);
		fputs(enable ? "$true" : "<as it was>", s->f);
		fputs(" -ErrorAction Stop\n", s->f);
		if (s->o->warn != NULL)
			fprintf(s->o->warn, "exdns: warning: the plan names no "
			    "internet_connector: set UseExternalDNSServersEnabled "
			    "on the Internet send connector by hand (see the "
			    "script)\n");
		return;
	}
	if (enable) {
		fputs("Set-SendConnector -Identity ", s->f);
		sc_quoted(s, p->internet_connector, p->line_internet_connector,
		    "connector name");
		fputs(" -UseExternalDNSServersEnabled $true", s->f);
		sc_end_cmd(s);
		return;
	}
	fputs("$irow = @($state | Where-Object { $_.Kind -eq 'internet' -and "
	    "$_.Name -eq ", s->f);
	sc_quoted(s, p->internet_connector, p->line_internet_connector,
	    "connector name");
	fputs(" })\nif ($irow.Count -gt 0) {\n    Set-SendConnector -Identity ",
	    s->f);
	sc_quoted(s, p->internet_connector, p->line_internet_connector,
	    "connector name");
	fputs(" -UseExternalDNSServersEnabled ($irow[0].UseExternalDns -eq "
	    "'True')", s->f);
	sc_end_cmd(s);
	fputs("}\n", s->f);
}

static void
sc_external_apply(script *s, char *const *ips, size_t n)
{
	const plan *p = s->p;
	size_t i, count = s->svc_all ? 1 : p->ntransport;

	fputs("\n# External DNS lookups: the resolver ", s->f);
	fprintf(s->f, "%s fails; use DNS servers that answered correctly\n",
	    p->resolver);
	for (i = 0; i < p->nexternal_evidence; i++)
		sc_comment(s, "   ", p->external_evidence[i]);
	sc_side_begin(s, true, "its own transport service");
	for (i = 0; i < count; i++) {
		sc_each_service(s, "Set", i);
		fputs(" -ExternalDNSAdapterEnabled $false -ExternalDNSServers ",
		    s->f);
		sc_list(s, ips, n, p->line_external_servers, "DNS server");
		sc_end_cmd(s);
	}
	sc_side_end(s);
	sc_side_begin(s, false, "the Internet send connector");
	sc_internet_connector(s, true);
	sc_side_end(s);
}

/* After applying: read back what was meant, say what differs, and stop
 * before the queues are retried if anything does. */
static void
sc_verify(script *s, char *const *ips, size_t n)
{
	const plan *p = s->p;
	size_t i;

	if (s->o->whatif) {
		fputs("\n# -WhatIf: nothing changed, so nothing is verified and no "
		    "queue is retried.\n", s->f);
		return;
	}
	fputs("\n# Verification: read back what this script meant to set\n"
	    "$differ = 0\n", s->f);
	if (p->nconnectors > 0) {
		fputs("$now = @(Get-SendConnector", s->f);
		sc_end_read(s);
		fputs(")\n", s->f);
	}
	for (i = 0; i < p->nconnectors; i++) {
		const plan_connector *c = &p->connectors[i];
		char name[DNAME_MAX + 8], as[DNAME_MAX + 16];

		conn_name(name, c);
		snprintf(as, sizeof as, "SMTP:%s;1", c->domain);
		fputs("$c = ", s->f);
		sc_find_connector(s, "$now", name, c->line);
		fputs("\nif ($c.Count -eq 0) {\n", s->f);
		if (s->edge)
			sc_say(s, "    ", "Write-Warning", c->line, "exdns: no send "
			    "connector '%s' here yet: on an Edge, EdgeSync copies it "
			    "from the organization within minutes (or run "
			    "Start-EdgeSynchronization on a Mailbox server); run "
			    "this script again then", name);
		else
			sc_say(s, "    ", "Write-Warning", c->line, "exdns: the send "
			    "connector '%s' is missing", name);
		fputs("    $differ++\n} else {\n"
		    "    $hosts = @($c[0].SmartHosts | ForEach-Object { "
		    "[string]$_ -replace '^\\[|\\]$', '' })\n"
		    "    if ($hosts.Count -eq 0 -or (Compare-Object @(", s->f);
		sc_list(s, c->smart_hosts, c->nsmart, c->line_smart_hosts,
		    "smart host");
		fputs(") $hosts)) { Write-Warning (", s->f);
		{
			char msg[PLAN_MAX_LIST * 16 + DNAME_MAX + 64];
			size_t j;
			snprintf(msg, sizeof msg, "exdns: '%s': smart hosts are ",
			    name);
			sc_quoted(s, msg, c->line, "message");
			fputs(" + ($hosts -join ',') + ", s->f);
			snprintf(msg, sizeof msg, "; the plan says ");
			for (j = 0; j < c->nsmart; j++)
				snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
				    "%s%s", j ? "," : "", c->smart_hosts[j]);
			sc_quoted(s, msg, c->line_smart_hosts, "smart host");
		}
		fputs("); $differ++ }\n"
		    "    if (@($c[0].AddressSpaces | ForEach-Object { [string]$_ }) "
		    "-notcontains ", s->f);
		sc_quoted(s, as, c->line, "address space");
		fputs(") { Write-Warning ", s->f);
		{
			char msg[DNAME_MAX * 2 + 64];
			snprintf(msg, sizeof msg, "exdns: '%s': the address space "
			    "%s is missing", name, as);
			sc_quoted(s, msg, c->line, "message");
		}
		fputs("; $differ++ }\n"
		    "    if ($c[0].DNSRoutingEnabled) { Write-Warning ", s->f);
		{
			char msg[DNAME_MAX + 80];
			snprintf(msg, sizeof msg, "exdns: '%s' routes by DNS, not to "
			    "its smart hosts", name);
			sc_quoted(s, msg, c->line, "message");
		}
		fputs("; $differ++ }\n"
		    "    if ($copy.ContainsKey('Fqdn') -and [string]$c[0].Fqdn -ne "
		    "$copy['Fqdn']) { Write-Warning ('exdns: ' + ", s->f);
		sc_quoted(s, name, c->line, "connector name");
		fputs(" + ': HELO names ' + [string]$c[0].Fqdn + ', the Internet "
		    "connector''s ' + $copy['Fqdn']); $differ++ }\n"
		    "    if ([bool]$c[0].RequireTLS -ne [bool]$copy['RequireTLS'] "
		    "-and $copy.ContainsKey('RequireTLS')) { Write-Warning ("
		    "'exdns: ' + ", s->f);
		sc_quoted(s, name, c->line, "connector name");
		fputs(" + ': RequireTLS differs from the Internet connector''s'); "
		    "$differ++ }\n}\n", s->f);
	}
	if (p->has_external) {
		sc_side_begin(s, true, "its own transport service");
		fputs("foreach ($svc in @(", s->f);
		sc_get_services(s);
		fputs(")) {\n    if ($svc.ExternalDNSAdapterEnabled) { "
		    "Write-Warning ('exdns: ' + $svc.Name + ': "
		    "ExternalDNSAdapterEnabled is still True'); $differ++ }\n"
		    "    $dns = @($svc.ExternalDNSServers | ForEach-Object { "
		    "[string]$_ })\n    if ($dns.Count -eq 0 -or (Compare-Object @(",
		    s->f);
		sc_list(s, ips, n, p->line_external_servers, "DNS server");
		fputs(") $dns)) { Write-Warning ('exdns: ' + $svc.Name + ': "
		    "ExternalDNSServers are ' + ($dns -join ',')); $differ++ }\n"
		    "}\n", s->f);
		sc_side_end(s);
		if (p->use_external_dns_lookups && p->internet_connector != NULL) {
			sc_side_begin(s, false, "the Internet send connector");
			fputs("if (-not (Get-SendConnector -Identity ", s->f);
			sc_quoted(s, p->internet_connector,
			    p->line_internet_connector, "connector name");
			sc_end_read(s);
			fputs(").UseExternalDNSServersEnabled) { Write-Warning ",
			    s->f);
			{
				char msg[PLAN_TEXT_MAX];
				snprintf(msg, sizeof msg, "exdns: '%s' does not use the "
				    "external DNS servers", p->internet_connector);
				sc_quoted(s, msg, p->line_internet_connector,
				    "message");
			}
			fputs("; $differ++ }\n", s->f);
			sc_side_end(s);
		}
	}
	fputs("if ($differ -gt 0) { throw ('exdns: ' + $differ + ' setting(s) "
	    "differ from the plan (see the warnings above); the queues are not "
	    "retried') }\nWrite-Host 'exdns: verified: the settings read back "
	    "as the plan says'\n", s->f);
}

/* Retry the queues that waited on the failing DNS, so their messages take
 * the new route: Retry-Queue -Identity SERVER\ID -Resubmit $true for each
 * queue in Retry (the identities are read with Get-Queue: the plan holds
 * next-hop domains, not queue identities). */
static void
sc_retry_queues(script *s)
{
	const plan *p = s->p;
	size_t i;

	if (s->o->whatif || (p->nconnectors == 0 && !p->has_external))
		return;
	fputs("\n# The affected queues: resubmit their messages so they take the "
	    "new route\n# (Retry-Queue -Identity <server>\\<queue> -Resubmit "
	    "$true, for each queue in Retry\n# whose next-hop domain ", s->f);
	fputs(p->nconnectors > 0 ? "has a connector in this plan)\n" :
	    "is resolved by DNS)\n", s->f);
	sc_side_begin(s, s->edge, "the queues");
	if (s->edge)
		fputs("$queueServers = @([string]$env:COMPUTERNAME)\n", s->f);
	else if (p->ntransport == 0) {
		fprintf(s->f, "$queueServers = @(Get-%s", svc_noun(s));
		sc_end_read(s);
		fputs(" | ForEach-Object { [string]$_.Name })\n", s->f);
	} else {
		fputs("$queueServers = @(", s->f);
		sc_list(s, p->transport_servers, p->ntransport, p->line_transport,
		    "transport server");
		fputs(")\n", s->f);
	}
	if (p->nconnectors > 0) {
		fputs("$domains = @(", s->f);
		for (i = 0; i < p->nconnectors; i++) {
			if (i)
				fputc(',', s->f);
			sc_quoted(s, p->connectors[i].domain, p->connectors[i].line,
			    "domain");
		}
		fputs(")\n", s->f);
	}
	fputs("foreach ($server in $queueServers) {\n"
	    "    foreach ($q in @(Get-Queue -Server $server", s->f);
	sc_end_read(s);
	fputs(" | Where-Object { $_.Status -eq 'Retry' -and ", s->f);
	fputs(p->nconnectors > 0 ? "$domains -contains [string]$_.NextHopDomain"
	    : "[string]$_.DeliveryType -eq 'DnsConnectorDelivery'", s->f);
	fputs(" })) {\n"
	    "        try {\n"
	    "            Retry-Queue -Identity $q.Identity -Resubmit $true", s->f);
	sc_end_cmd(s);
	fputs("            Write-Host ('exdns: resubmitted ' + $q.Identity)\n"
	    "        } catch {\n"
	    "            Write-Warning ('exdns: ' + $q.Identity + ': ' + $_)\n"
	    "        }\n"
	    "    }\n"
	    "}\n", s->f);
	sc_side_end(s);
}

static void
sc_connector_undo(script *s, const plan_connector *c)
{
	char name[DNAME_MAX + 8];

	conn_name(name, c);
	fputc('\n', s->f);
	fprintf(s->f, "# %s: remove the connector if the apply script created "
	    "it\n", c->domain);
	fputs("if (", s->f);
	sc_created_by_apply(s, name, c->line);
	fputs(".Count -eq 0) {\n", s->f);
	sc_say(s, "    ", "Write-Host", c->line, "exdns: '%s' was not created by "
	    "the apply script: left as it is", name);
	fputs("} elseif (", s->f);
	sc_find_connector(s, "$connectors", name, c->line);
	fputs(".Count -gt 0) {\n    Remove-SendConnector -Identity ", s->f);
	sc_quoted(s, name, c->line, "connector name");
	fputs(" -Confirm:$false", s->f);
	sc_end_cmd(s);
	fputs("}\n", s->f);
}

/* Back to exactly what the state file recorded, after checking every
 * recorded value first (the file is data: an address must be an address). */
static void
sc_external_undo(script *s)
{
	const plan *p = s->p;

	fputs("\n# External DNS lookups: back to the settings recorded before "
	    "the first run\n", s->f);
	sc_side_begin(s, true, "its own transport service");
	fputs("$rows = @($state | Where-Object { $_.Kind -eq 'service'", s->f);
	if (!s->svc_all) {
		fputs(" -and @(", s->f);
		sc_list(s, p->transport_servers, p->ntransport, p->line_transport,
		    "transport server");
		fputs(") -contains $_.Name", s->f);
	}
	fputs(" })\n"
	    "foreach ($row in $rows) {\n"
	    "    foreach ($ip in @($row.Servers -split ',' | Where-Object { $_ })) "
	    "{\n"
	    "        $parsed = $null\n"
	    "        if (-not [System.Net.IPAddress]::TryParse($ip, [ref]$parsed)) "
	    "{ throw ('exdns: ' + $stateFile + ': ' + $row.Name + ': not an IP "
	    "address: ' + $ip) }\n"
	    "    }\n"
	    "    if (@('Any','UseTcpOnly','UseUdpOnly') -notcontains $row.Protocol "
	    "-or @('True','False') -notcontains $row.AdapterEnabled) { throw "
	    "('exdns: ' + $stateFile + ': ' + $row.Name + ': not a recorded "
	    "setting') }\n"
	    "}\n"
	    "foreach ($row in $rows) {\n"
	    "    $ips = @($row.Servers -split ',' | Where-Object { $_ })\n"
	    "    if ($ips.Count -eq 0) { $ips = $null }\n", s->f);
	fprintf(s->f, "    Set-%s -Identity $row.Name -ExternalDNSAdapterEnabled "
	    "($row.AdapterEnabled -eq 'True') -ExternalDNSServers $ips "
	    "-ExternalDNSProtocolOption $row.Protocol", svc_noun(s));
	sc_end_cmd(s);
	fputs("}\n", s->f);
	sc_side_end(s);
	sc_side_begin(s, false, "the Internet send connector");
	sc_internet_connector(s, false);
	sc_side_end(s);
}

/* After undoing: read back that every recorded setting is as it was and
 * that the connectors the apply script created are gone; the state file
 * is retired only then. */
static void
sc_verify_undo(script *s)
{
	const plan *p = s->p;

	fputs("\n# Verification: read back what the undo meant to restore\n"
	    "$differ = 0\n", s->f);
	if (p->has_external) {
		sc_side_begin(s, true, "its own transport service");
		fprintf(s->f, "foreach ($row in $rows) {\n"
		    "    $svc = Get-%s -Identity $row.Name", svc_noun(s));
		sc_end_read(s);
		fputs("\n    $dns = @($svc.ExternalDNSServers | ForEach-Object { "
		    "[string]$_ }) -join ','\n"
		    "    if ([string]$svc.ExternalDNSAdapterEnabled -ne "
		    "$row.AdapterEnabled -or $dns -ne $row.Servers -or "
		    "[string]$svc.ExternalDNSProtocolOption -ne $row.Protocol) { "
		    "Write-Warning ('exdns: ' + $row.Name + ': the external DNS "
		    "settings are not back as recorded: ExternalDNSAdapterEnabled ' "
		    "+ $row.AdapterEnabled + ', ExternalDNSServers ' + $row.Servers "
		    "+ ', ExternalDNSProtocolOption ' + $row.Protocol); $differ++ }\n"
		    "}\n", s->f);
		sc_side_end(s);
		if (p->use_external_dns_lookups && p->internet_connector != NULL) {
			char msg[PLAN_TEXT_MAX];

			sc_side_begin(s, false, "the Internet send connector");
			fputs("if ($irow.Count -gt 0 -and [string](Get-SendConnector "
			    "-Identity ", s->f);
			sc_quoted(s, p->internet_connector,
			    p->line_internet_connector, "connector name");
			sc_end_read(s);
			fputs(").UseExternalDNSServersEnabled -ne "
			    "$irow[0].UseExternalDns) { Write-Warning ", s->f);
			snprintf(msg, sizeof msg, "exdns: '%s': "
			    "UseExternalDNSServersEnabled is not back as recorded",
			    p->internet_connector);
			sc_quoted(s, msg, p->line_internet_connector, "message");
			fputs("; $differ++ }\n", s->f);
			sc_side_end(s);
		}
	}
	if (p->nconnectors > 0) {
		sc_side_begin(s, false, "the send connectors");
		fputs("$now = @(Get-SendConnector", s->f);
		sc_end_read(s);
		fputs(")\nforeach ($name in @(", s->f);
		sc_connector_names(s);
		fputs(")) {\n"
		    "    if (@($state | Where-Object { $_.Kind -eq 'connector' -and "
		    "$_.Name -eq $name -and $_.Existed -eq 'False' }).Count -gt 0 "
		    "-and @($now | Where-Object { $_.Name -eq $name }).Count -gt 0) "
		    "{ Write-Warning ('exdns: the send connector ''' + $name + ''' "
		    "is still there'); $differ++ }\n"
		    "}\n", s->f);
		sc_side_end(s);
	}
	fputs("if ($differ -gt 0) { throw ('exdns: ' + $differ + ' setting(s) "
	    "are not back as recorded (see the warnings above); the state file "
	    "stays') }\n", s->f);
}

static void
sc_header(script *s, const char *pesc)
{
	const plan *p = s->p;
	const emit_opts *o = s->o;
	char state[64];

	emit_state_file(p, state, sizeof state);
	fprintf(s->f, "# exdns %s: %s the remediation plan %s\n",
	    PACKAGE_VERSION, o->undo ? "undo" : "apply", pesc);
	fprintf(s->f, "# Plan created %s%s%s, branch %s, resolver %s\n",
	    p->created, p->updated[0] ? ", updated " : "", p->updated,
	    branch_to_string(p->branch), p->resolver);
	fprintf(s->f, "# Run in the Exchange Management Shell (Exchange %s)%s\n",
	    o->exchange == 2010 ? "2010" : "2013 or later",
	    o->whatif ? "; -WhatIf: shows what would change, changes nothing"
	    : "");
	if (!o->undo)
		fprintf(s->f, "# Undo: exdns emit --undo%s %s (run it from this "
		    "script's folder: it reads\n#   the state file %s that this "
		    "script writes there)\n", o->exchange == 2010 ?
		    " --exchange 2010" : "", pesc, state);
	else
		fprintf(s->f, "# It reads the state file %s that the apply script "
		    "wrote beside itself,\n#   and changes back only what that "
		    "file says the apply script changed.\n", state);
	if (s->edge) {
		fputs("# Edge Transport: the plan's Internet send connector is "
		    "EdgeSync's, so mail to the\n#   Internet leaves through "
		    "subscribed Edge Transport servers. Run this script twice:\n"
		    "#   1. in the organization (a Mailbox server's shell): the "
		    "send connectors are\n#      made there, with the Edge "
		    "subscription as source, and EdgeSync copies them\n#      to "
		    "the Edge servers (a subscribed Edge refuses New-SendConnector);"
		    "\n#   2. on each Edge Transport server, in its own shell: its "
		    "external DNS settings\n#      (the Edge resolves the "
		    "Internet's names), the check that the connectors\n#      "
		    "arrived, and its queues.\n", s->f);
		if (s->o->warn != NULL)
			fprintf(s->o->warn, "exdns: note: the Internet send connector "
			    "is an EdgeSync connector: run the script in the "
			    "organization and on each Edge Transport server (see "
			    "its header)\n");
	}
	fputs("$ErrorActionPreference = 'Stop'\n", s->f);
}

int
emit_script(FILE *out, const plan *p, const emit_opts *o, char *err,
            size_t errlen)
{
	script s;
	char pesc[320], **ips = NULL;
	const char *name = p->path ? p->path : "plan";
	size_t i, nips = 0;

	if (plan_validate(p, err, errlen) != 0)
		return -1;
	memset(&s, 0, sizeof s);
	s.o = o;
	s.p = p;
	s.edge = emit_plan_is_edge(p);
	s.svc_all = p->ntransport == 0 || s.edge;
	s.err = err;
	s.errlen = errlen;
	if ((s.f = open_memstream(&s.text, &s.len)) == NULL) {
		/* the caller says "exdns: " */
		snprintf(err, errlen, "cannot build the script: %s",
		    strerror(errno));
		return -1;
	}
	esc_buf(ESC_TERMINAL, name, strlen(name), pesc, sizeof pesc);
	sc_header(&s, pesc);

	if (p->nconnectors == 0 && !p->has_external) {
		fputs("\n# Nothing to change: the plan has no connectors and no "
		    "external DNS setting.\n", s.f);
		goto done;
	}
	sc_state_path(&s);
	if (s.edge)
		fputs("$onEdge = [bool](Get-ExchangeServer -Identity "
		    "$env:COMPUTERNAME -ErrorAction Stop).IsEdgeServer\n", s.f);
	fputs("\n# What is there now\n$connectors = @(Get-SendConnector", s.f);
	sc_end_read(&s);
	fputs(")\n", s.f);
	if (!o->undo && p->internet_connector != NULL &&
	    (p->nconnectors > 0 || (p->has_external &&
	    p->use_external_dns_lookups))) {
		fputs("$internet = Get-SendConnector -Identity ", s.f);
		sc_quoted(&s, p->internet_connector, p->line_internet_connector,
		    "connector name");
		sc_end_read(&s);
		fputc('\n', s.f);
	}
	if (p->has_external) {
		ips = sc_external_ips(&s, &nips);
		if (!o->undo) {
			sc_side_begin(&s, true, "its own transport service");
			fputs("$services = @(", s.f);
			sc_get_services(&s);
			fputs(")\n", s.f);
			sc_side_end(&s);
		}
	}

	if (!o->undo) {
		sc_record_state(&s);
		if (p->nconnectors > 0) {
			sc_copy_settings(&s);
			sc_side_begin(&s, false, "the send connectors");
			for (i = 0; i < p->nconnectors; i++)
				sc_connector_apply(&s, &p->connectors[i]);
			sc_side_end(&s);
		}
		if (p->has_external)
			sc_external_apply(&s, ips, nips);
		sc_verify(&s, ips, nips);
		sc_retry_queues(&s);
	} else {
		fprintf(s.f, "if (-not (Test-Path -LiteralPath $stateFile)) { throw "
		    "('exdns: no state file ' + $stateFile + ': the apply script "
		    "did not run from this folder, or this undo already ran; "
		    "nothing was changed') }\n$state = @(Import-Csv %s "
		    "$stateFile)\n", sc_csv_path(&s));
		fputs(
		    "foreach ($r in $state) {\n"
		    "    if (@('connector','internet','service') -notcontains $r.Kind "
		    "-or ($r.Kind -eq 'connector' -and @('True','False') "
		    "-notcontains $r.Existed) -or ($r.Kind -eq 'internet' -and "
		    "@('True','False') -notcontains $r.UseExternalDns)) { throw "
		    "('exdns: ' + $stateFile + ': a row this script did not write: ' "
		    "+ $r.Kind + ' ' + $r.Name + '; nothing was changed') }\n"
		    "}\n", s.f);
		if (p->has_external)
			sc_external_undo(&s);
		if (p->nconnectors > 0) {
			sc_side_begin(&s, false, "the send connectors");
			for (i = p->nconnectors; i-- > 0;)
				sc_connector_undo(&s, &p->connectors[i]);
			sc_side_end(&s);
		}
		if (o->whatif)
			fputs("\n# -WhatIf: nothing changed, so nothing is verified; "
			    "the state file stays where\n# it is\n", s.f);
		else {
			sc_verify_undo(&s);
			fputs("\n# Done: the state file is kept as .undone (a new "
			    "apply records afresh)\nMove-Item -LiteralPath $stateFile "
			    "-Destination ($stateFile + '.undone') -Force\n"
			    "Write-Host 'exdns: undone: every setting the apply "
			    "script changed is back as it was'\n", s.f);
		}
	}
done:
	strv_free(ips, nips);
	if (fclose(s.f) != 0 && !s.failed) {
		snprintf(err, errlen, "cannot build the script: %s",
		    strerror(errno));
		s.failed = 1;
	}
	if (!s.failed && fwrite(s.text, 1, s.len, out) != s.len) {
		snprintf(err, errlen, "standard output: write error: %s",
		    strerror(errno));
		s.failed = 1;
	}
	free(s.text);
	return s.failed ? -1 : 0;
}
