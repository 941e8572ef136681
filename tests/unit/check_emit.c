/* check_emit.c - the Exchange Management Shell script for a plan: its text
 * for each option, and no way for plan content to inject PowerShell. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "escape.h"
#include "plan.h"
#include "util.h"
#include "unit.h"

#define HEAD_VERSION "# exdns " PACKAGE_VERSION

/* Both found, and a comes first in the script. */
#define ASSERT_BEFORE(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	ck_assert_msg(a_ != NULL && b_ != NULL && a_ < b_, \
	    "%s is not before %s", #a, #b); \
} while (0)

static plan *
connectors_plan(void)
{
	plan *p = plan_new();
	plan_connector *c;

	snprintf(p->created, sizeof p->created, "2026-11-25T09:30:00Z");
	p->branch = BRANCH_SPECIFIC_DOMAINS;
	p->resolver = xstrdup("10.0.0.10");
	p->path = xstrdup("plan.ini");
	strv_push(&p->transport_servers, &p->ntransport, "EX01");
	strv_push(&p->transport_servers, &p->ntransport, "EX02");
	c = plan_add_connector(p, "contoso.com");
	strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.21");
	strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.22");
	strv_push(&c->mx, &c->nmx, "mail.contoso.com");
	c->verdict = VERDICT_AAAA_DROPPED;
	strv_push(&c->evidence, &c->nevidence,
	    "ns1.contoso.com (198.51.100.53): AAAA mail.contoso.com: no answer, 3 tries");
	c->line = 10;
	c->line_smart_hosts = 12;
	c = plan_add_connector(p, "fabrikam.example");
	strv_push(&c->smart_hosts, &c->nsmart, "198.51.100.25");
	c->verdict = VERDICT_AAAA_BAD_RESPONSE;
	c->line = 20;
	c->line_smart_hosts = 22;
	return p;
}

static plan *
external_plan(void)
{
	plan *p = plan_new();

	snprintf(p->created, sizeof p->created, "2026-11-25T10:00:00Z");
	p->branch = BRANCH_ALL_DOMAINS;
	p->resolver = xstrdup("10.0.0.10");
	p->path = xstrdup("ext.ini");
	strv_push(&p->transport_servers, &p->ntransport, "EX01");
	p->internet_connector = xstrdup("Internet");
	p->line_internet_connector = 7;
	p->has_external = true;
	strv_push(&p->external_servers, &p->nexternal, "192.0.2.53");
	strv_push(&p->external_servers, &p->nexternal, "198.51.100.53");
	strv_push(&p->external_evidence, &p->nexternal_evidence,
	    "resolver 10.0.0.10: timeout");
	return p;
}

/* The script as a string (and the warnings), or NULL with err. */
static char *
emit(const plan *p, bool undo, bool whatif, int exchange, char *err,
     size_t errlen, char **warnings)
{
	emit_opts o;
	char *text = NULL, *wtext = NULL;
	size_t len = 0, wlen = 0;
	FILE *f = open_memstream(&text, &len);
	FILE *w = open_memstream(&wtext, &wlen);
	int rc;

	emit_opts_init(&o);
	o.undo = undo;
	o.whatif = whatif;
	o.exchange = exchange;
	o.warn = w;
	rc = emit_script(f, p, &o, err, errlen);
	fclose(f);
	fclose(w);
	if (warnings)
		*warnings = wtext;
	else
		free(wtext);
	if (rc != 0) {
		/* nothing of a refused script may reach the output */
		ck_assert_uint_eq(len, 0);
		free(text);
		return NULL;
	}
	return text;
}

/* A line of the script, whole (with its newline), or fail. */
static void
has_line(const char *script, const char *line)
{
	size_t n = strlen(line);
	const char *p = script;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == script || p[-1] == '\n') && p[n] == '\n')
			return;
		p += n;
	}
	ck_abort_msg("no line \"%s\" in:\n%s", line, script);
}

START_TEST(test_apply_connectors)
{
	static const char want_head[] =
	    HEAD_VERSION ": apply the remediation plan plan.ini\n"
	    "# Plan created 2026-11-25T09:30:00Z, branch specific-domains, resolver 10.0.0.10\n"
	    "# Run in the Exchange Management Shell (Exchange 2013 or later)\n"
	    "# Undo: exdns emit --undo plan.ini (run it from this script's folder: it reads\n"
	    "#   the state file exdns-state-20261125T093000Z.csv that this script writes there)\n"
	    "$ErrorActionPreference = 'Stop'\n"
	    "if (-not $MyInvocation.MyCommand.Path) { throw 'exdns: save this script to a file and run it from there: it keeps its state file beside itself' }\n"
	    "$stateFile = Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) 'exdns-state-20261125T093000Z.csv'\n"
	    "\n"
	    "# What is there now\n"
	    "$connectors = @(Get-SendConnector -ErrorAction Stop)\n"
	    "\n";
	plan *p = connectors_plan();
	char err[512], *warn, *s = emit(p, false, false, 2013, err, sizeof err,
	    &warn);

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_msg(strncmp(s, want_head, strlen(want_head)) == 0, "%s", s);
	/* created when missing; updated only when the state file says this
	 * plan created it; else left alone with a warning */
	has_line(s, "if (@($connectors | Where-Object { $_.Name -eq 'exdns contoso.com' }).Count -eq 0) {");
	has_line(s, "    New-SendConnector -Name 'exdns contoso.com' -Usage Custom -AddressSpaces 'SMTP:contoso.com;1' -DNSRoutingEnabled $false -SmartHosts '192.0.2.21','192.0.2.22' -SmartHostAuthMechanism None -SourceTransportServers 'EX01','EX02' @copy -ErrorAction Stop");
	has_line(s, "} elseif (@($state | Where-Object { $_.Kind -eq 'connector' -and $_.Name -eq 'exdns contoso.com' -and $_.Existed -eq 'False' }).Count -gt 0) {");
	has_line(s, "    Set-SendConnector -Identity 'exdns contoso.com' -AddressSpaces 'SMTP:contoso.com;1' -DNSRoutingEnabled $false -SmartHosts '192.0.2.21','192.0.2.22' -SmartHostAuthMechanism None -SourceTransportServers 'EX01','EX02' @copy -ErrorAction Stop");
	has_line(s, "    Write-Warning 'exdns: the send connector ''exdns contoso.com'' existed before this plan was first applied: left as it is (the check below compares it with the plan)'");
	has_line(s, "    New-SendConnector -Name 'exdns fabrikam.example' -Usage Custom -AddressSpaces 'SMTP:fabrikam.example;1' -DNSRoutingEnabled $false -SmartHosts '198.51.100.25' -SmartHostAuthMechanism None -SourceTransportServers 'EX01','EX02' @copy -ErrorAction Stop");
	has_line(s, "#   ns1.contoso.com (198.51.100.53): AAAA mail.contoso.com: no answer, 3 tries");
	/* the state: which connectors existed, recorded once, never replaced */
	has_line(s, "    foreach ($name in @('exdns contoso.com','exdns fabrikam.example')) {");
	has_line(s, "        $state += New-Object PSObject -Property @{ Kind = 'connector'; Name = $name; Existed = [string](@($connectors | Where-Object { $_.Name -eq $name }).Count -gt 0); AdapterEnabled = ''; Servers = ''; Protocol = ''; UseExternalDns = '' }");
	has_line(s, "    $state | Select-Object 'Kind','Name','Existed','AdapterEnabled','Servers','Protocol','UseExternalDns' | Export-Csv -LiteralPath $stateFile -NoTypeInformation -NoClobber");
	ASSERT_BEFORE(strstr(s, "Export-Csv"), strstr(s, "New-SendConnector"));
	/* no Internet connector named: Exchange's defaults, said twice */
	has_line(s, "$copy = @{}");
	ck_assert_ptr_null(strstr(s, "$copy['Fqdn'] ="));
	ck_assert_ptr_nonnull(strstr(warn, "names no internet_connector"));
	/* verified, and only then the queues retried */
	has_line(s, "    if ($hosts.Count -eq 0 -or (Compare-Object @('192.0.2.21','192.0.2.22') $hosts)) { Write-Warning ('exdns: ''exdns contoso.com'': smart hosts are ' + ($hosts -join ',') + '; the plan says 192.0.2.21,192.0.2.22'); $differ++ }");
	has_line(s, "if ($differ -gt 0) { throw ('exdns: ' + $differ + ' setting(s) differ from the plan (see the warnings above); the queues are not retried') }");
	has_line(s, "$queueServers = @('EX01','EX02')");
	has_line(s, "$domains = @('contoso.com','fabrikam.example')");
	has_line(s, "            Retry-Queue -Identity $q.Identity -Resubmit $true -ErrorAction Stop");
	ASSERT_BEFORE(strstr(s, "throw ('exdns: ' + $differ"), strstr(s, "Retry-Queue"));
	free(s);
	free(warn);
	plan_free(p);
}
END_TEST

/* The Internet connector's HELO name and TLS settings, read at run time,
 * go onto the new connectors (TlsCertificateName from 2013 on). */
START_TEST(test_copy_internet_settings)
{
	plan *p = connectors_plan();
	char err[512], *s;

	p->internet_connector = xstrdup("Internet");
	s = emit(p, false, false, 2013, err, sizeof err, NULL);
	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "$internet = Get-SendConnector -Identity 'Internet' -ErrorAction Stop");
	has_line(s, "if ($internet.Fqdn) { $copy['Fqdn'] = [string]$internet.Fqdn } else { Write-Warning 'exdns: the send connector ''Internet'' has no Fqdn: the new connectors say HELO with each server''s own name' }");
	has_line(s, "$copy['RequireTLS'] = [bool]$internet.RequireTLS");
	has_line(s, "if ($internet.RequireTLS -and $internet.TlsAuthLevel) { $copy['TlsAuthLevel'] = [string]$internet.TlsAuthLevel }");
	has_line(s, "    $copy['TlsDomain'] = [string]$internet.TlsDomain");
	has_line(s, "if ($internet.TlsCertificateName) { $copy['TlsCertificateName'] = [string]$internet.TlsCertificateName }");
	ASSERT_BEFORE(strstr(s, "$copy['Fqdn']"), strstr(s, "New-SendConnector"));
	free(s);
	s = emit(p, false, false, 2010, err, sizeof err, NULL);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_ptr_null(strstr(s, "$copy['TlsCertificateName']"));
	has_line(s, "# (Exchange 2010 send connectors have no TlsCertificateName)");
	has_line(s, "$copy['RequireTLS'] = [bool]$internet.RequireTLS");
	/* PowerShell 2.0: no -LiteralPath on the CSV cmdlets, so a folder
	 * with wildcard characters is refused before anything is read */
	has_line(s, "if ($stateFile -match '[\\[\\]*?]') { throw ('exdns: ' + $stateFile + ': PowerShell 2.0 reads [ ] * ? in this path as wildcards: run the script from a folder without them') }");
	has_line(s, "    $state = @(Import-Csv -Path $stateFile)");
	has_line(s, "if (Test-Path -LiteralPath $stateFile) {");
	ASSERT_BEFORE(strstr(s, "PowerShell 2.0 reads"), strstr(s, "Import-Csv"));
	free(s);
	plan_free(p);
}
END_TEST

START_TEST(test_undo_connectors)
{
	plan *p = connectors_plan();
	char err[512], *s = emit(p, true, false, 2013, err, sizeof err, NULL);

	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "# exdns " PACKAGE_VERSION ": undo the remediation plan plan.ini");
	has_line(s, "if (-not (Test-Path -LiteralPath $stateFile)) { throw ('exdns: no state file ' + $stateFile + ': the apply script did not run from this folder, or this undo already ran; nothing was changed') }");
	has_line(s, "$state = @(Import-Csv -LiteralPath $stateFile)");
	has_line(s, "    if (@('connector','internet','service') -notcontains $r.Kind -or ($r.Kind -eq 'connector' -and @('True','False') -notcontains $r.Existed) -or ($r.Kind -eq 'internet' -and @('True','False') -notcontains $r.UseExternalDns)) { throw ('exdns: ' + $stateFile + ': a row this script did not write: ' + $r.Kind + ' ' + $r.Name + '; nothing was changed') }");
	ASSERT_BEFORE(strstr(s, "a row this script did not write"), strstr(s, "Remove-SendConnector"));
	/* a connector goes only when the state file says apply created it */
	has_line(s, "if (@($state | Where-Object { $_.Kind -eq 'connector' -and $_.Name -eq 'exdns contoso.com' -and $_.Existed -eq 'False' }).Count -eq 0) {");
	has_line(s, "    Write-Host 'exdns: ''exdns contoso.com'' was not created by the apply script: left as it is'");
	has_line(s, "} elseif (@($connectors | Where-Object { $_.Name -eq 'exdns contoso.com' }).Count -gt 0) {");
	has_line(s, "    Remove-SendConnector -Identity 'exdns contoso.com' -Confirm:$false -ErrorAction Stop");
	/* in reverse order */
	ASSERT_BEFORE(strstr(s, "'exdns fabrikam.example' -Confirm"),
	    strstr(s, "'exdns contoso.com' -Confirm"));
	has_line(s, "Move-Item -LiteralPath $stateFile -Destination ($stateFile + '.undone') -Force");
	/* verified before the state file is retired */
	has_line(s, "    if (@($state | Where-Object { $_.Kind -eq 'connector' -and $_.Name -eq $name -and $_.Existed -eq 'False' }).Count -gt 0 -and @($now | Where-Object { $_.Name -eq $name }).Count -gt 0) { Write-Warning ('exdns: the send connector ''' + $name + ''' is still there'); $differ++ }");
	ASSERT_BEFORE(strstr(s, "throw ('exdns: ' + $differ + ' setting(s) are not back as recorded"),
	    strstr(s, "Move-Item"));
	ck_assert_ptr_null(strstr(s, "New-"));
	ck_assert_ptr_null(strstr(s, "Set-"));
	ck_assert_ptr_null(strstr(s, "Retry-Queue"));
	free(s);
	plan_free(p);
}
END_TEST

START_TEST(test_apply_external)
{
	plan *p = external_plan();
	char err[512], *warn, *s = emit(p, false, false, 2013, err, sizeof err,
	    &warn);

	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "# External DNS lookups: the resolver 10.0.0.10 fails; use DNS servers that answered correctly");
	has_line(s, "#   resolver 10.0.0.10: timeout");
	has_line(s, "$services = @(Get-TransportService -Identity 'EX01' -ErrorAction Stop)");
	/* the previous values of all three settings, and of the connector */
	has_line(s, "        $state += New-Object PSObject -Property @{ Kind = 'service'; Name = [string]$svc.Name; Existed = ''; AdapterEnabled = [string]$svc.ExternalDNSAdapterEnabled; Servers = (@($svc.ExternalDNSServers | ForEach-Object { [string]$_ }) -join ','); Protocol = [string]$svc.ExternalDNSProtocolOption; UseExternalDns = '' }");
	has_line(s, "    $state += New-Object PSObject -Property @{ Kind = 'internet'; Name = [string]$internet.Name; Existed = ''; AdapterEnabled = ''; Servers = ''; Protocol = ''; UseExternalDns = [string]$internet.UseExternalDNSServersEnabled }");
	has_line(s, "Set-TransportService -Identity 'EX01' -ExternalDNSAdapterEnabled $false -ExternalDNSServers '192.0.2.53','198.51.100.53' -ErrorAction Stop");
	has_line(s, "Set-SendConnector -Identity 'Internet' -UseExternalDNSServersEnabled $true -ErrorAction Stop");
	ASSERT_BEFORE(strstr(s, "Export-Csv"), strstr(s, "Set-TransportService"));
	/* verified */
	has_line(s, "foreach ($svc in @(Get-TransportService -Identity 'EX01' -ErrorAction Stop)) {");
	has_line(s, "    if ($dns.Count -eq 0 -or (Compare-Object @('192.0.2.53','198.51.100.53') $dns)) { Write-Warning ('exdns: ' + $svc.Name + ': ExternalDNSServers are ' + ($dns -join ',')); $differ++ }");
	has_line(s, "if (-not (Get-SendConnector -Identity 'Internet' -ErrorAction Stop).UseExternalDNSServersEnabled) { Write-Warning 'exdns: ''Internet'' does not use the external DNS servers'; $differ++ }");
	/* every DNS-routed queue in Retry */
	has_line(s, "    foreach ($q in @(Get-Queue -Server $server -ErrorAction Stop | Where-Object { $_.Status -eq 'Retry' -and [string]$_.DeliveryType -eq 'DnsConnectorDelivery' })) {");
	ck_assert_ptr_null(strstr(s, "$onEdge"));
	ck_assert_str_eq(warn, "");
	free(s);
	free(warn);
	plan_free(p);
}
END_TEST

/* Undo sets back exactly what the state file recorded: never "the
 * adapter's DNS" by default. */
START_TEST(test_undo_external_2010_whatif)
{
	plan *p = external_plan();
	char err[512], *s = emit(p, true, true, 2010, err, sizeof err, NULL);

	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "# Run in the Exchange Management Shell (Exchange 2010); -WhatIf: shows what would change, changes nothing");
	has_line(s, "$rows = @($state | Where-Object { $_.Kind -eq 'service' -and @('EX01') -contains $_.Name })");
	has_line(s, "        if (-not [System.Net.IPAddress]::TryParse($ip, [ref]$parsed)) { throw ('exdns: ' + $stateFile + ': ' + $row.Name + ': not an IP address: ' + $ip) }");
	has_line(s, "    Set-TransportServer -Identity $row.Name -ExternalDNSAdapterEnabled ($row.AdapterEnabled -eq 'True') -ExternalDNSServers $ips -ExternalDNSProtocolOption $row.Protocol -ErrorAction Stop -WhatIf");
	has_line(s, "    Set-SendConnector -Identity 'Internet' -UseExternalDNSServersEnabled ($irow[0].UseExternalDns -eq 'True') -ErrorAction Stop -WhatIf");
	/* the values are checked before anything changes */
	ASSERT_BEFORE(strstr(s, "TryParse"), strstr(s, "Set-TransportServer"));
	ck_assert_ptr_null(strstr(s, "ExternalDNSAdapterEnabled $true"));
	ck_assert_ptr_null(strstr(s, "TransportService"));
	/* -WhatIf: the state file stays */
	ck_assert_ptr_null(strstr(s, "Move-Item"));
	free(s);
	/* for real: each recorded setting read back before the file goes */
	s = emit(p, true, false, 2010, err, sizeof err, NULL);
	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "    $svc = Get-TransportServer -Identity $row.Name -ErrorAction Stop");
	has_line(s, "    if ([string]$svc.ExternalDNSAdapterEnabled -ne $row.AdapterEnabled -or $dns -ne $row.Servers -or [string]$svc.ExternalDNSProtocolOption -ne $row.Protocol) { Write-Warning ('exdns: ' + $row.Name + ': the external DNS settings are not back as recorded: ExternalDNSAdapterEnabled ' + $row.AdapterEnabled + ', ExternalDNSServers ' + $row.Servers + ', ExternalDNSProtocolOption ' + $row.Protocol); $differ++ }");
	has_line(s, "if ($irow.Count -gt 0 -and [string](Get-SendConnector -Identity 'Internet' -ErrorAction Stop).UseExternalDNSServersEnabled -ne $irow[0].UseExternalDns) { Write-Warning 'exdns: ''Internet'': UseExternalDNSServersEnabled is not back as recorded'; $differ++ }");
	ASSERT_BEFORE(strstr(s, "$svc = Get-TransportServer"), strstr(s, "Move-Item"));
	free(s);
	plan_free(p);
}
END_TEST

/* The cmdlets of Exchange that a script may call. */
static const char *const exchange_cmdlets[] = {
	"Get-SendConnector", "New-SendConnector", "Set-SendConnector",
	"Remove-SendConnector", "Get-TransportService", "Set-TransportService",
	"Get-TransportServer", "Set-TransportServer", "Get-Queue",
	"Retry-Queue", "Get-ExchangeServer",
};

static unsigned
count_str(const char *line, const char *what)
{
	unsigned n = 0;
	const char *p = line;

	while ((p = strstr(p, what)) != NULL) {
		n++;
		p += strlen(what);
	}
	return n;
}

/* Every call of an Exchange cmdlet, in every script, has -ErrorAction
 * Stop (the node test checks the same on the parse tree). */
START_TEST(test_every_exchange_call_stops)
{
	plan *p = connectors_plan(), *q = external_plan(), *e = external_plan();
	const plan *plans[3] = {p, q, e};
	static const int versions[2] = {2010, 2013};
	char err[512], *s, *line, *save;
	unsigned i, undo, whatif, v, k, calls, stops, total;

	free(e->internet_connector);
	e->internet_connector = xstrdup("EdgeSync - Default-First-Site-Name to Internet");
	for (i = 0; i < 3; i++)
		for (undo = 0; undo < 2; undo++)
			for (whatif = 0; whatif < 2; whatif++)
				for (v = 0; v < 2; v++) {
					s = emit(plans[i], undo, whatif, versions[v], err,
					    sizeof err, NULL);
					ck_assert_msg(s != NULL, "%s", err);
					total = 0;
					for (line = strtok_r(s, "\n", &save); line != NULL;
					    line = strtok_r(NULL, "\n", &save)) {
						const char *t = line + strspn(line, " ");
						if (t[0] == '#')
							continue;
						calls = 0;
						for (k = 0; k < sizeof exchange_cmdlets /
						    sizeof exchange_cmdlets[0]; k++)
							calls += count_str(t, exchange_cmdlets[k]);
						stops = count_str(t, " -ErrorAction Stop");
						ck_assert_msg(calls == stops, "%u calls, %u "
						    "-ErrorAction Stop: %s", calls, stops, t);
						total += calls;
					}
					ck_assert_uint_gt(total, 1);
					ck_assert_ptr_null(strstr(s, "SilentlyContinue"));
					free(s);
				}
	plan_free(p);
	plan_free(q);
	plan_free(e);
}
END_TEST

/* The Internet connector is EdgeSync's: connectors in the organization,
 * external DNS and queues on the Edge, never the other way round. */
START_TEST(test_edge)
{
	plan *p = external_plan(), *c = connectors_plan();
	char err[512], *warn, *s, *edge_block, *org_block;

	ck_assert(!emit_plan_is_edge(p));
	free(p->internet_connector);
	p->internet_connector = xstrdup("EdgeSync - Default-First-Site-Name to Internet");
	ck_assert(emit_plan_is_edge(p));
	s = emit(p, false, false, 2013, err, sizeof err, &warn);
	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "$onEdge = [bool](Get-ExchangeServer -Identity $env:COMPUTERNAME -ErrorAction Stop).IsEdgeServer");
	/* on the Edge: itself, whatever servers the plan names */
	edge_block = strstr(s, "if ($onEdge) {   # on an Edge Transport server: its own transport service\n"
	    "Get-TransportService -ErrorAction Stop | Set-TransportService -ExternalDNSAdapterEnabled $false -ExternalDNSServers '192.0.2.53','198.51.100.53' -ErrorAction Stop\n}\n");
	ck_assert_msg(edge_block != NULL, "%s", s);
	ck_assert_ptr_null(strstr(s, "-Identity 'EX01'"));
	org_block = strstr(s, "if (-not $onEdge) {   # in the organization: the Internet send connector\n"
	    "Set-SendConnector -Identity 'EdgeSync - Default-First-Site-Name to Internet' -UseExternalDNSServersEnabled $true -ErrorAction Stop\n}\n");
	ck_assert_msg(org_block != NULL, "%s", s);
	has_line(s, "if ($onEdge) {   # on an Edge Transport server: the queues");
	has_line(s, "$queueServers = @([string]$env:COMPUTERNAME)");
	ck_assert_ptr_nonnull(strstr(warn, "EdgeSync connector"));
	free(s);
	free(warn);

	/* connectors: made in the organization, with the Edge subscription
	 * of the EdgeSync connector as source when the plan names none */
	c->internet_connector = xstrdup("EdgeSync - Site1 to Internet");
	strv_free(c->transport_servers, c->ntransport);
	c->transport_servers = NULL;
	c->ntransport = 0;
	s = emit(c, false, false, 2013, err, sizeof err, NULL);
	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "$copy['SourceTransportServers'] = @($internet.SourceTransportServers | ForEach-Object { [string]$_ })");
	org_block = strstr(s, "if (-not $onEdge) {   # in the organization: the send connectors\n");
	ck_assert_ptr_nonnull(org_block);
	ASSERT_BEFORE(org_block, strstr(s, "    New-SendConnector -Name"));
	ck_assert_ptr_null(strstr(s, "if ($onEdge) {   # on an Edge Transport server: the send"));
	has_line(s, "    Write-Warning 'exdns: no send connector ''exdns contoso.com'' here yet: on an Edge, EdgeSync copies it from the organization within minutes (or run Start-EdgeSynchronization on a Mailbox server); run this script again then'");
	free(s);
	s = emit(c, true, false, 2013, err, sizeof err, NULL);
	ck_assert_msg(s != NULL, "%s", err);
	ASSERT_BEFORE(strstr(s, "if (-not $onEdge) {   # in the organization: the send connectors\n"),
	    strstr(s, "Remove-SendConnector"));
	free(s);
	plan_free(p);
	plan_free(c);
}
END_TEST

START_TEST(test_state_file_name)
{
	plan *p = connectors_plan();
	char name[64];

	emit_state_file(p, name, sizeof name);
	ck_assert_str_eq(name, "exdns-state-20261125T093000Z.csv");
	plan_free(p);
}
END_TEST

/* --whatif: every cmdlet that changes something gets -WhatIf, reads do
 * not; nothing is written, verified or retried */
START_TEST(test_whatif_everywhere)
{
	plan *p = connectors_plan(), *q = external_plan();
	const plan *plans[2] = {p, q};
	char err[512], *s, *line, *save;
	unsigned i, undo, changing;

	for (i = 0; i < 2; i++)
		for (undo = 0; undo < 2; undo++) {
			s = emit(plans[i], undo, true, 2013, err, sizeof err, NULL);
			ck_assert_msg(s != NULL, "%s", err);
			ck_assert_ptr_null(strstr(s, "Export-Csv"));
			ck_assert_ptr_null(strstr(s, "Move-Item"));
			ck_assert_ptr_null(strstr(s, "Retry-Queue -"));
			changing = 0;
			for (line = strtok_r(s, "\n", &save); line != NULL;
			    line = strtok_r(NULL, "\n", &save)) {
				const char *t = line + strspn(line, " ");
				bool changes = strstr(t, "New-SendConnector") ||
				    strstr(t, "Set-SendConnector") ||
				    strstr(t, "Set-TransportService") ||
				    strstr(t, "Remove-SendConnector");
				size_t n = strlen(t);
				if (t[0] == '#')
					continue;
				if (changes) {
					changing++;
					ck_assert_msg(n > 8 && strcmp(t + n - 8,
					    " -WhatIf") == 0, "no -WhatIf: %s", t);
				} else
					ck_assert_msg(strstr(t, "-WhatIf") == NULL,
					    "stray -WhatIf: %s", t);
			}
			ck_assert_uint_gt(changing, 0);
			free(s);
		}
	plan_free(p);
	plan_free(q);
}
END_TEST

START_TEST(test_exchange_2010_nouns)
{
	plan *p = external_plan();
	char err[512], *s = emit(p, false, false, 2010, err, sizeof err, NULL);

	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "Set-TransportServer -Identity 'EX01' "
	    "-ExternalDNSAdapterEnabled $false -ExternalDNSServers "
	    "'192.0.2.53','198.51.100.53' -ErrorAction Stop");
	has_line(s, "$services = @(Get-TransportServer -Identity 'EX01' -ErrorAction Stop)");
	ck_assert_ptr_null(strstr(s, "TransportService"));
	ck_assert_ptr_nonnull(strstr(s, "# Undo: exdns emit --undo --exchange 2010 ext.ini "));
	free(s);
	plan_free(p);
}
END_TEST

/* No transport servers in the plan: every transport server, and no
 * -SourceTransportServers; no Internet connector: a commented hint and a
 * warning, never a made-up name. */
START_TEST(test_optional_values_missing)
{
	plan *p = external_plan(), *c = connectors_plan();
	char err[512], *warn, *s;

	strv_free(p->transport_servers, p->ntransport);
	p->transport_servers = NULL;
	p->ntransport = 0;
	free(p->internet_connector);
	p->internet_connector = NULL;
	s = emit(p, false, false, 2013, err, sizeof err, &warn);
	ck_assert_msg(s != NULL, "%s", err);
	has_line(s, "Get-TransportService -ErrorAction Stop | "
	    "Set-TransportService -ExternalDNSAdapterEnabled $false "
	    "-ExternalDNSServers '192.0.2.53','198.51.100.53' -ErrorAction Stop");
	has_line(s, "$services = @(Get-TransportService -ErrorAction Stop)");
	has_line(s, "$queueServers = @(Get-TransportService -ErrorAction Stop | ForEach-Object { [string]$_.Name })");
	has_line(s, "# Set-SendConnector -Identity "
	    "'<Internet send connector>' -UseExternalDNSServersEnabled $true -ErrorAction Stop");
	ck_assert_ptr_null(strstr(s, "\nSet-SendConnector"));
	ck_assert_ptr_nonnull(strstr(warn, "names no internet_connector"));
	free(s);
	free(warn);

	strv_free(c->transport_servers, c->ntransport);
	c->transport_servers = NULL;
	c->ntransport = 0;
	s = emit(c, false, false, 2013, err, sizeof err, NULL);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_ptr_null(strstr(s, "SourceTransportServers"));
	ck_assert_ptr_nonnull(strstr(s, "-SmartHostAuthMechanism None @copy -ErrorAction Stop\n"));
	free(s);
	plan_free(p);
	plan_free(c);
}
END_TEST

START_TEST(test_external_port_dropped)
{
	plan *p = external_plan();
	char err[512], *warn, *s;

	free(p->external_servers[1]);
	p->external_servers[1] = xstrdup("127.0.55.1@10053");
	s = emit(p, false, false, 2013, err, sizeof err, &warn);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(s, "-ExternalDNSServers '192.0.2.53','127.0.55.1' -ErrorAction Stop\n"));
	ck_assert_ptr_nonnull(strstr(s, "# NOTE: 127.0.55.1: port 10053 dropped"));
	ck_assert_ptr_nonnull(strstr(warn, "port 10053 dropped"));
	ck_assert_ptr_null(strstr(s, "@10053'"));
	free(s);
	free(warn);
	plan_free(p);
}
END_TEST

START_TEST(test_nothing_to_change)
{
	plan *p = plan_new();
	char err[512], *s;

	snprintf(p->created, sizeof p->created, "2026-11-25T09:30:00Z");
	p->resolver = xstrdup("10.0.0.10");
	s = emit(p, false, false, 2013, err, sizeof err, NULL);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(s, "# Nothing to change"));
	ck_assert_ptr_null(strstr(s, "Set-"));
	ck_assert_ptr_null(strstr(s, "New-"));
	free(s);
	plan_free(p);
}
END_TEST

/* ---- quoting and injection ---------------------------------------------- */

/* How PowerShell reads a single-quoted string: '' is one quote, the first
 * lone quote ends it. Returns what it means, or NULL if the literal ends
 * before the last byte (something would run after it). */
static char *
ps_read_single_quoted(const char *lit)
{
	size_t n = strlen(lit), i, o = 0;
	char *out = xmalloc(n + 1);

	if (n < 2 || lit[0] != '\'') {
		free(out);
		return NULL;
	}
	for (i = 1; i < n; i++) {
		if (lit[i] == '\'') {
			if (i + 1 < n && lit[i + 1] == '\'') {
				out[o++] = '\'';
				i++;
				continue;
			}
			break;
		}
		out[o++] = lit[i];
	}
	out[o] = '\0';
	if (i != n - 1) {
		free(out);
		return NULL;
	}
	return out;
}

START_TEST(test_psquote)
{
	static const char *const nasty[] = {
		"Internet", "it's", "'", "''", "';Remove-Item C:\\ -Recurse;'",
		"$(Remove-Item C:\\ -Recurse)", "${env:PATH}", "`n`r`0", "@(1,2)",
		"a\"b\"c", "# not a comment", "<# block #>", "x'; Stop-Service "
		"MSExchangeTransport; 'y", "-WhatIf", "; & | < >",
	};
	size_t i;
	char *q, *back;

	q = esc_dup(ESC_POWERSHELL, "it's", SIZE_MAX);
	ck_assert_str_eq(q, "'it''s'");
	free(q);
	q = esc_dup(ESC_POWERSHELL, "$(Remove-Item x)", SIZE_MAX);
	ck_assert_str_eq(q, "'$(Remove-Item x)'");
	free(q);
	for (i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
		q = esc_dup(ESC_POWERSHELL, nasty[i], SIZE_MAX);
		ck_assert_ptr_nonnull(q);
		back = ps_read_single_quoted(q);
		ck_assert_msg(back != NULL, "%s escapes its quotes: %s", nasty[i], q);
		ck_assert_str_eq(back, nasty[i]);
		free(back);
		free(q);
	}
	/* what single quotes cannot hold safely is refused */
	ck_assert_ptr_null(esc_dup(ESC_POWERSHELL, "line\nbreak", SIZE_MAX));
	ck_assert_ptr_null(esc_dup(ESC_POWERSHELL, "carriage\rreturn", SIZE_MAX));
	ck_assert_ptr_null(esc_dup(ESC_POWERSHELL, "smart\xe2\x80\x99quote", SIZE_MAX));  /* U+2019 */
	ck_assert_ptr_null(esc_dup(ESC_POWERSHELL, "low\xe2\x80\x9aquote", SIZE_MAX));    /* U+201A */
	ck_assert_ptr_null(esc_dup(ESC_POWERSHELL, "nul\x01", SIZE_MAX));
}
END_TEST

/* A plan built in memory with hostile values (as a buggy caller or an
 * edited file might hand over): emit refuses, names FILE:LINE, and prints
 * nothing. */
START_TEST(test_emit_refuses_injection)
{
	char err[512], *s;
	plan *p;

	p = external_plan();
	free(p->internet_connector);
	p->internet_connector = xstrdup("Internet'; Remove-Item C:\\ -Recurse; '");
	s = emit(p, false, false, 2013, err, sizeof err, NULL);
	ck_assert_ptr_null(s);
	ck_assert_msg(strncmp(err, "ext.ini:7: internet_connector: ", 31) == 0,
	    "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "is not a connector name"));
	free(p->internet_connector);
	p->internet_connector = xstrdup("$(Stop-Service MSExchangeTransport)");
	ck_assert_ptr_null(emit(p, true, false, 2013, err, sizeof err, NULL));
	plan_free(p);

	p = connectors_plan();
	p->line_transport = 6;
	free(p->transport_servers[1]);
	p->transport_servers[1] = xstrdup("EX02$(calc)");
	ck_assert_ptr_null(emit(p, false, false, 2013, err, sizeof err, NULL));
	ck_assert_msg(strncmp(err, "plan.ini:6: source_transport_servers: "
	    "'EX02$(calc)' is not a server name", 66) == 0, "%s", err);
	plan_free(p);

	p = connectors_plan();
	free(p->connectors[1].smart_hosts[0]);
	p->connectors[1].smart_hosts[0] = xstrdup("198.51.100.25'; Remove-Item x; '");
	ck_assert_ptr_null(emit(p, false, false, 2013, err, sizeof err, NULL));
	ck_assert_msg(strncmp(err, "plan.ini:22: smart_hosts: ", 26) == 0, "%s", err);
	plan_free(p);

	p = connectors_plan();
	snprintf(p->connectors[0].domain, sizeof p->connectors[0].domain,
	    "contoso.com';calc;'");
	ck_assert_ptr_null(emit(p, false, false, 2013, err, sizeof err, NULL));
	ck_assert_msg(strncmp(err, "plan.ini:10: ", 13) == 0, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "not a domain name"));
	plan_free(p);

	/* a line break in evidence would end the comment and start a command */
	p = connectors_plan();
	free(p->connectors[0].evidence[0]);
	p->connectors[0].evidence[0] = xstrdup("fine\nRemove-Item C:\\ -Recurse");
	ck_assert_ptr_null(emit(p, false, false, 2013, err, sizeof err, NULL));
	ck_assert_msg(strncmp(err, "plan.ini:10: ", 13) == 0, "%s", err);
	plan_free(p);

	p = external_plan();
	free(p->external_servers[0]);
	p->external_servers[0] = xstrdup("192.0.2.53'; calc; '");
	ck_assert_ptr_null(emit(p, false, false, 2013, err, sizeof err, NULL));
	ck_assert_ptr_nonnull(strstr(err, "servers: "));
	plan_free(p);
}
END_TEST

/* The same through files: a hostile plan never loads, so never emits. */
START_TEST(test_hostile_plan_file)
{
	static const char text[] =
	    "[plan]\n"
	    "format = 1\n"
	    "created = \"2026-11-25T09:30:00Z\"\n"
	    "branch = specific-domains\n"
	    "resolver = 10.0.0.10\n"
	    "source_transport_servers = EX01\n"
	    "[connector contoso.com]\n"
	    "address_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21\n"
	    "verdict = aaaa-dropped\n"
	    "mx = mail.contoso.com'; Remove-Item -Recurse C:\\ ; 'x\n";
	char path[] = "/tmp/check_emit.XXXXXX", err[512];
	int fd = mkstemp(path);
	plan *p;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	p = plan_load(path, err, sizeof err);
	unlink(path);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err, ":11: mx: ") != NULL, "%s", err);
}
END_TEST

START_TEST(test_parse_exchange)
{
	int v = 0;

	ck_assert_int_eq(emit_parse_exchange("2010", &v), 0);
	ck_assert_int_eq(v, 2010);
	ck_assert_int_eq(emit_parse_exchange("2019", &v), 0);
	ck_assert_int_eq(v, 2013);
	ck_assert_int_eq(emit_parse_exchange("2007", &v), -1);
	ck_assert_int_eq(emit_parse_exchange("2013; calc", &v), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_apply_connectors);
	tcase_add_test(tc, test_copy_internet_settings);
	tcase_add_test(tc, test_undo_connectors);
	tcase_add_test(tc, test_apply_external);
	tcase_add_test(tc, test_undo_external_2010_whatif);
	tcase_add_test(tc, test_whatif_everywhere);
	tcase_add_test(tc, test_every_exchange_call_stops);
	tcase_add_test(tc, test_edge);
	tcase_add_test(tc, test_state_file_name);
	tcase_add_test(tc, test_exchange_2010_nouns);
	tcase_add_test(tc, test_optional_values_missing);
	tcase_add_test(tc, test_external_port_dropped);
	tcase_add_test(tc, test_nothing_to_change);
	tcase_add_test(tc, test_psquote);
	tcase_add_test(tc, test_emit_refuses_injection);
	tcase_add_test(tc, test_hostile_plan_file);
	tcase_add_test(tc, test_parse_exchange);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
