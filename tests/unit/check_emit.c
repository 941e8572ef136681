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

START_TEST(test_apply_connectors)
{
	static const char want[] =
	    HEAD_VERSION ": apply the remediation plan plan.ini\n"
	    "# Plan created 2026-11-25T09:30:00Z, branch specific-domains, resolver 10.0.0.10\n"
	    "# Run in the Exchange Management Shell (Exchange 2013 or later)\n"
	    "# Undo: exdns emit --undo plan.ini\n"
	    "$ErrorActionPreference = 'Stop'\n"
	    "\n"
	    "# contoso.com: aaaa-dropped (an authoritative server of an MX host's zone answers A but never AAAA)\n"
	    "#   ns1.contoso.com (198.51.100.53): AAAA mail.contoso.com: no answer, 3 tries\n"
	    "if (Get-SendConnector -Identity 'exdns contoso.com' -ErrorAction SilentlyContinue) {\n"
	    "    Set-SendConnector -Identity 'exdns contoso.com' -AddressSpaces 'SMTP:contoso.com;1' -DNSRoutingEnabled $false -SmartHosts '192.0.2.21','192.0.2.22' -SmartHostAuthMechanism None -SourceTransportServers 'EX01','EX02'\n"
	    "} else {\n"
	    "    New-SendConnector -Name 'exdns contoso.com' -Usage Custom -AddressSpaces 'SMTP:contoso.com;1' -DNSRoutingEnabled $false -SmartHosts '192.0.2.21','192.0.2.22' -SmartHostAuthMechanism None -SourceTransportServers 'EX01','EX02'\n"
	    "}\n"
	    "\n"
	    "# fabrikam.example: aaaa-bad-response (an authoritative server answers AAAA queries with an error or a bad reply)\n"
	    "if (Get-SendConnector -Identity 'exdns fabrikam.example' -ErrorAction SilentlyContinue) {\n"
	    "    Set-SendConnector -Identity 'exdns fabrikam.example' -AddressSpaces 'SMTP:fabrikam.example;1' -DNSRoutingEnabled $false -SmartHosts '198.51.100.25' -SmartHostAuthMechanism None -SourceTransportServers 'EX01','EX02'\n"
	    "} else {\n"
	    "    New-SendConnector -Name 'exdns fabrikam.example' -Usage Custom -AddressSpaces 'SMTP:fabrikam.example;1' -DNSRoutingEnabled $false -SmartHosts '198.51.100.25' -SmartHostAuthMechanism None -SourceTransportServers 'EX01','EX02'\n"
	    "}\n";
	plan *p = connectors_plan();
	char err[512], *s = emit(p, false, false, 2013, err, sizeof err, NULL);

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s, want);
	free(s);
	plan_free(p);
}
END_TEST

START_TEST(test_undo_connectors)
{
	static const char want[] =
	    HEAD_VERSION ": undo the remediation plan plan.ini\n"
	    "# Plan created 2026-11-25T09:30:00Z, branch specific-domains, resolver 10.0.0.10\n"
	    "# Run in the Exchange Management Shell (Exchange 2013 or later)\n"
	    "$ErrorActionPreference = 'Stop'\n"
	    "\n"
	    "# fabrikam.example: remove the connector this plan added\n"
	    "if (Get-SendConnector -Identity 'exdns fabrikam.example' -ErrorAction SilentlyContinue) {\n"
	    "    Remove-SendConnector -Identity 'exdns fabrikam.example' -Confirm:$false\n"
	    "}\n"
	    "\n"
	    "# contoso.com: remove the connector this plan added\n"
	    "if (Get-SendConnector -Identity 'exdns contoso.com' -ErrorAction SilentlyContinue) {\n"
	    "    Remove-SendConnector -Identity 'exdns contoso.com' -Confirm:$false\n"
	    "}\n";
	plan *p = connectors_plan();
	char err[512], *s = emit(p, true, false, 2013, err, sizeof err, NULL);

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s, want);
	/* it removes only what the apply script creates: no other cmdlet */
	ck_assert_ptr_null(strstr(s, "New-"));
	ck_assert_ptr_null(strstr(s, "Set-"));
	free(s);
	plan_free(p);
}
END_TEST

START_TEST(test_apply_external)
{
	static const char want[] =
	    HEAD_VERSION ": apply the remediation plan ext.ini\n"
	    "# Plan created 2026-11-25T10:00:00Z, branch all-domains, resolver 10.0.0.10\n"
	    "# Run in the Exchange Management Shell (Exchange 2013 or later)\n"
	    "# Undo: exdns emit --undo ext.ini\n"
	    "$ErrorActionPreference = 'Stop'\n"
	    "\n"
	    "# External DNS lookups: the resolver 10.0.0.10 fails; use DNS servers that answered correctly\n"
	    "#   resolver 10.0.0.10: timeout\n"
	    "# The current settings, for the record (the undo script goes back to the network adapter's DNS):\n"
	    "Get-TransportService -Identity 'EX01' | Format-List Name,ExternalDNSAdapterEnabled,ExternalDNSServers\n"
	    "Set-TransportService -Identity 'EX01' -ExternalDNSAdapterEnabled $false -ExternalDNSServers '192.0.2.53','198.51.100.53'\n"
	    "Set-SendConnector -Identity 'Internet' -UseExternalDNSServersEnabled $true\n";
	plan *p = external_plan();
	char err[512], *warn, *s = emit(p, false, false, 2013, err, sizeof err,
	    &warn);

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s, want);
	ck_assert_str_eq(warn, "");
	free(s);
	free(warn);
	plan_free(p);
}
END_TEST

START_TEST(test_undo_external_2010_whatif)
{
	static const char want[] =
	    HEAD_VERSION ": undo the remediation plan ext.ini\n"
	    "# Plan created 2026-11-25T10:00:00Z, branch all-domains, resolver 10.0.0.10\n"
	    "# Run in the Exchange Management Shell (Exchange 2010); -WhatIf: shows what would change, changes nothing\n"
	    "$ErrorActionPreference = 'Stop'\n"
	    "\n"
	    "# External DNS lookups: back to the network adapter's DNS settings\n"
	    "Set-SendConnector -Identity 'Internet' -UseExternalDNSServersEnabled $false -WhatIf\n"
	    "Set-TransportServer -Identity 'EX01' -ExternalDNSAdapterEnabled $true -ExternalDNSServers $null -WhatIf\n";
	plan *p = external_plan();
	char err[512], *s = emit(p, true, true, 2010, err, sizeof err, NULL);

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s, want);
	free(s);
	plan_free(p);
}
END_TEST

/* --whatif: every cmdlet that changes something gets -WhatIf, reads do not */
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
			changing = 0;
			for (line = strtok_r(s, "\n", &save); line != NULL;
			    line = strtok_r(NULL, "\n", &save)) {
				const char *t = line + strspn(line, " ");
				bool changes = strncmp(t, "New-", 4) == 0 ||
				    strncmp(t, "Set-", 4) == 0 ||
				    strncmp(t, "Remove-", 7) == 0;
				size_t n = strlen(t);
				if (changes) {
					changing++;
					ck_assert_msg(n > 8 && strcmp(t + n - 8,
					    " -WhatIf") == 0, "no -WhatIf: %s", t);
				} else
					ck_assert_msg(strstr(t, "-WhatIf") == NULL ||
					    t[0] == '#', "stray -WhatIf: %s", t);
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
	ck_assert_ptr_nonnull(strstr(s, "\nSet-TransportServer -Identity 'EX01' "
	    "-ExternalDNSAdapterEnabled $false -ExternalDNSServers "
	    "'192.0.2.53','198.51.100.53'\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nGet-TransportServer -Identity 'EX01' |"));
	ck_assert_ptr_null(strstr(s, "TransportService"));
	ck_assert_ptr_nonnull(strstr(s, "# Undo: exdns emit --undo --exchange 2010 ext.ini\n"));
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
	ck_assert_ptr_nonnull(strstr(s, "\nGet-TransportService | "
	    "Set-TransportService -ExternalDNSAdapterEnabled $false "
	    "-ExternalDNSServers '192.0.2.53','198.51.100.53'\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n# Set-SendConnector -Identity "
	    "'<Internet send connector>' -UseExternalDNSServersEnabled $true\n"));
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
	ck_assert_ptr_nonnull(strstr(s, "-SmartHostAuthMechanism None\n"));
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
	ck_assert_ptr_nonnull(strstr(s, "-ExternalDNSServers '192.0.2.53','127.0.55.1'\n"));
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
	tcase_add_test(tc, test_undo_connectors);
	tcase_add_test(tc, test_apply_external);
	tcase_add_test(tc, test_undo_external_2010_whatif);
	tcase_add_test(tc, test_whatif_everywhere);
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
