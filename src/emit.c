/* emit.c - the Exchange Management Shell script for a plan: send
 * connectors per domain, external DNS lookups on the transport servers,
 * and the undo script. Nothing from the plan reaches the script unless it
 * passed validation, and then only inside single quotes. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
	char *err;
	size_t errlen;
	int failed;
} script;

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

static void
sc_end_cmd(script *s)
{
	if (s->o->whatif)
		fputs(" -WhatIf", s->f);
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
}

static void
sc_connector_apply(script *s, const plan_connector *c)
{
	char name[DNAME_MAX + 8];
	size_t i;

	snprintf(name, sizeof name, "exdns %s", c->domain);
	fputc('\n', s->f);
	fprintf(s->f, "# %s: %s (%s)\n", c->domain,
	    verdict_to_string(c->verdict), verdict_meaning(c->verdict));
	for (i = 0; i < c->nevidence; i++)
		sc_comment(s, "   ", c->evidence[i]);
	fputs("if (Get-SendConnector -Identity ", s->f);
	sc_quoted(s, name, c->line, "connector name");
	fputs(" -ErrorAction SilentlyContinue) {\n    Set-SendConnector -Identity ",
	    s->f);
	sc_quoted(s, name, c->line, "connector name");
	sc_connector_params(s, c);
	sc_end_cmd(s);
	fputs("} else {\n    New-SendConnector -Name ", s->f);
	sc_quoted(s, name, c->line, "connector name");
	fputs(" -Usage Custom", s->f);
	sc_connector_params(s, c);
	sc_end_cmd(s);
	fputs("}\n", s->f);
}

static void
sc_connector_undo(script *s, const plan_connector *c)
{
	char name[DNAME_MAX + 8];

	snprintf(name, sizeof name, "exdns %s", c->domain);
	fputc('\n', s->f);
	fprintf(s->f, "# %s: remove the connector this plan added\n",
	    c->domain);
	fputs("if (Get-SendConnector -Identity ", s->f);
	sc_quoted(s, name, c->line, "connector name");
	fputs(" -ErrorAction SilentlyContinue) {\n    Remove-SendConnector "
	    "-Identity ", s->f);
	sc_quoted(s, name, c->line, "connector name");
	fputs(" -Confirm:$false", s->f);
	sc_end_cmd(s);
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

/* "Set-TransportService -Identity 'EX01'" or, with no servers in the plan,
 * "Get-TransportService | Set-TransportService" (every transport server). */
static void
sc_each_service(script *s, const char *verb, size_t i)
{
	const plan *p = s->p;

	if (p->ntransport == 0)
		fprintf(s->f, "Get-%s | %s-%s", svc_noun(s), verb, svc_noun(s));
	else {
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
		fputs(enable ? "$true\n" : "$false\n", s->f);
		if (s->o->warn != NULL)
			fprintf(s->o->warn, "exdns: warning: the plan names no "
			    "internet_connector: set UseExternalDNSServersEnabled "
			    "on the Internet send connector by hand (see the "
			    "script)\n");
		return;
	}
	fputs("Set-SendConnector -Identity ", s->f);
	sc_quoted(s, p->internet_connector, p->line_internet_connector,
	    "connector name");
	fprintf(s->f, " -UseExternalDNSServersEnabled %s",
	    enable ? "$true" : "$false");
	sc_end_cmd(s);
}

static void
sc_external_apply(script *s)
{
	const plan *p = s->p;
	size_t n, i, count = p->ntransport ? p->ntransport : 1;
	char **ips;

	fputs("\n# External DNS lookups: the resolver ", s->f);
	fprintf(s->f, "%s fails; use DNS servers that answered correctly\n",
	    p->resolver);
	for (i = 0; i < p->nexternal_evidence; i++)
		sc_comment(s, "   ", p->external_evidence[i]);
	ips = sc_external_ips(s, &n);
	fputs("# The current settings, for the record (the undo script goes "
	    "back to the network adapter's DNS):\n", s->f);
	for (i = 0; i < count; i++) {
		if (p->ntransport == 0)
			fprintf(s->f, "Get-%s", svc_noun(s));
		else {
			fprintf(s->f, "Get-%s -Identity ", svc_noun(s));
			sc_quoted(s, p->transport_servers[i], p->line_transport,
			    "transport server");
		}
		fputs(" | Format-List Name,ExternalDNSAdapterEnabled,"
		    "ExternalDNSServers\n", s->f);
	}
	for (i = 0; i < count; i++) {
		sc_each_service(s, "Set", i);
		fputs(" -ExternalDNSAdapterEnabled $false -ExternalDNSServers ",
		    s->f);
		sc_list(s, ips, n, p->line_external_servers, "DNS server");
		sc_end_cmd(s);
	}
	sc_internet_connector(s, true);
	strv_free(ips, n);
}

static void
sc_external_undo(script *s)
{
	const plan *p = s->p;
	size_t i, count = p->ntransport ? p->ntransport : 1;

	fputs("\n# External DNS lookups: back to the network adapter's DNS "
	    "settings\n", s->f);
	sc_internet_connector(s, false);
	for (i = 0; i < count; i++) {
		sc_each_service(s, "Set", i);
		fputs(" -ExternalDNSAdapterEnabled $true -ExternalDNSServers "
		    "$null", s->f);
		sc_end_cmd(s);
	}
}

int
emit_script(FILE *out, const plan *p, const emit_opts *o, char *err,
            size_t errlen)
{
	script s;
	char pesc[320];
	const char *name = p->path ? p->path : "plan";
	size_t i;

	if (plan_validate(p, err, errlen) != 0)
		return -1;
	memset(&s, 0, sizeof s);
	s.o = o;
	s.p = p;
	s.err = err;
	s.errlen = errlen;
	if ((s.f = open_memstream(&s.text, &s.len)) == NULL) {
		/* the caller says "exdns: " */
		snprintf(err, errlen, "cannot build the script: %s",
		    strerror(errno));
		return -1;
	}
	esc_buf(ESC_TERMINAL, name, strlen(name), pesc, sizeof pesc);
	fprintf(s.f, "# exdns %s: %s the remediation plan %s\n",
	    PACKAGE_VERSION, o->undo ? "undo" : "apply", pesc);
	fprintf(s.f, "# Plan created %s%s%s, branch %s, resolver %s\n",
	    p->created, p->updated[0] ? ", updated " : "", p->updated,
	    branch_to_string(p->branch), p->resolver);
	fprintf(s.f, "# Run in the Exchange Management Shell (Exchange %s)%s\n",
	    o->exchange == 2010 ? "2010" : "2013 or later",
	    o->whatif ? "; -WhatIf: shows what would change, changes nothing"
	    : "");
	if (!o->undo)
		fprintf(s.f, "# Undo: exdns emit --undo%s %s\n",
		    o->exchange == 2010 ? " --exchange 2010" : "", pesc);
	fputs("$ErrorActionPreference = 'Stop'\n", s.f);

	if (p->nconnectors == 0 && !p->has_external)
		fputs("\n# Nothing to change: the plan has no connectors and no "
		    "external DNS setting.\n", s.f);
	if (!o->undo) {
		for (i = 0; i < p->nconnectors; i++)
			sc_connector_apply(&s, &p->connectors[i]);
		if (p->has_external)
			sc_external_apply(&s);
	} else {
		if (p->has_external)
			sc_external_undo(&s);
		for (i = p->nconnectors; i-- > 0;)
			sc_connector_undo(&s, &p->connectors[i]);
	}
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
