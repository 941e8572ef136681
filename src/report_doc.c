/* report_doc.c - a whole run as Markdown or as one self-contained HTML
 * file: a tiny writer (headings, paragraphs, a table, lists, preformatted
 * lines) over the two escapers, and the report built on it. */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "escape.h"
#include "idn.h"
#include "report_doc.h"
#include "report_msg.h"
#include "util.h"

#define DOC_MAX_EVIDENCE 60   /* queries listed for one domain */

int
report_format_from_string(const char *s, report_format *out)
{
	if (strcmp(s, "message") == 0)
		*out = REPORT_FMT_MESSAGE;
	else if (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0)
		*out = REPORT_FMT_MARKDOWN;
	else if (strcmp(s, "html") == 0)
		*out = REPORT_FMT_HTML;
	else
		return -1;
	return 0;
}

/* ---- the writer ---------------------------------------------------- */

typedef struct doc {
	FILE *out;
	bool html;
} doc;

static void
doc_text(doc *d, const char *s)
{
	esc_put(d->out, d->html ? ESC_HTML : ESC_MARKDOWN, s);
}

static void
doc_h(doc *d, int level, const char *s)
{
	if (d->html) {
		fprintf(d->out, "<h%d>", level);
		doc_text(d, s);
		fprintf(d->out, "</h%d>\n", level);
	} else {
		fprintf(d->out, "%.*s ", level, "######");
		doc_text(d, s);
		fputs("\n\n", d->out);
	}
}

/* A paragraph "Label: value" (label is ours, value escaped). */
static void
doc_kv(doc *d, const char *label, const char *value)
{
	if (d->html) {
		fprintf(d->out, "<p><b>%s:</b> ", label);
		doc_text(d, value);
		fputs("</p>\n", d->out);
	} else {
		fprintf(d->out, "**%s:** ", label);
		doc_text(d, value);
		fputs("\n\n", d->out);
	}
}

static void
doc_p(doc *d, const char *s)
{
	fputs(d->html ? "<p>" : "", d->out);
	doc_text(d, s);
	fputs(d->html ? "</p>\n" : "\n\n", d->out);
}

static void
doc_list_begin(doc *d)
{
	if (d->html)
		fputs("<ul>\n", d->out);
}

static void
doc_li(doc *d, const char *s)
{
	fputs(d->html ? "<li>" : "- ", d->out);
	doc_text(d, s);
	fputs(d->html ? "</li>\n" : "\n", d->out);
}

static void
doc_list_end(doc *d)
{
	fputs(d->html ? "</ul>\n" : "\n", d->out);
}

/* Preformatted lines from text (NUL-terminated, lines split at '\n'):
 * a <pre> block, or a Markdown code block (four spaces in front of each
 * line: literal, whatever it holds). */
static void
doc_pre(doc *d, const char *text)
{
	const char *p = text, *nl;
	char *line;

	fputs(d->html ? "<pre>" : "", d->out);
	while (*p) {
		nl = strchr(p, '\n');
		line = nl ? strndup(p, (size_t)(nl - p)) : xstrdup(p);
		if (line == NULL)
			abort();
		if (d->html) {
			esc_put(d->out, ESC_HTML, line);
			fputc('\n', d->out);
		} else {
			const unsigned char *c;
			fputs("    ", d->out);
			for (c = (const unsigned char *)line; *c; c++)
				fputc(*c < 0x20 || *c == 0x7f ? ' ' : *c, d->out);
			fputc('\n', d->out);
		}
		free(line);
		p = nl ? nl + 1 : p + strlen(p);
	}
	fputs(d->html ? "</pre>\n" : "\n", d->out);
}

static void
doc_row(doc *d, const char *const *cells, size_t n, bool head,
        const char *verdict_class)
{
	size_t i;

	if (d->html) {
		fputs("<tr>", d->out);
		for (i = 0; i < n; i++) {
			if (head)
				fputs("<th>", d->out);
			else if (i == 1 && verdict_class != NULL)
				fprintf(d->out, "<td class=\"%s\">", verdict_class);
			else
				fputs("<td>", d->out);
			doc_text(d, cells[i]);
			fputs(head ? "</th>" : "</td>", d->out);
		}
		fputs("</tr>\n", d->out);
		return;
	}
	fputs("|", d->out);
	for (i = 0; i < n; i++) {
		fputc(' ', d->out);
		doc_text(d, cells[i]);
		fputs(" |", d->out);
	}
	fputc('\n', d->out);
	if (head) {
		fputs("|", d->out);
		for (i = 0; i < n; i++)
			fputs(" --- |", d->out);
		fputc('\n', d->out);
	}
}

/* ---- the report ---------------------------------------------------- */

static const char doc_css[] =
    "body{font-family:system-ui,\"Segoe UI\",Helvetica,Arial,sans-serif;"
    "line-height:1.4;color:#111;background:#fff;margin:0 auto;padding:1em;"
    "max-width:80em}"
    "h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #bbb;"
    "margin-top:1.5em}h3{font-size:1.05em;margin-top:1.2em}"
    "table{border-collapse:collapse;width:100%;table-layout:fixed}"
    "th,td{border:1px solid #999;padding:.3em .5em;text-align:left;"
    "vertical-align:top;overflow-wrap:anywhere;word-break:break-word}"
    "th{background:#e6e6e6}"
    "th:nth-child(1){width:22%}th:nth-child(2){width:14%}"
    "th:nth-child(3){width:9%}th:nth-child(4){width:17%}"
    "td.fault{color:#a00000;font-weight:bold}td.ok{color:#006000}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;"
    "background:#f4f4f4;border:1px solid #ccc;padding:.5em;"
    "font-size:.9em}"
    "p,li{overflow-wrap:anywhere}"
    "@media (max-width:50em){body{padding:.5em}th,td{padding:.2em .3em;"
    "font-size:.9em}}";

static void
doc_head(doc *d, const char *title)
{
	if (!d->html) {
		doc_h(d, 1, title);
		return;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	    "'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>", d->out);
	doc_text(d, title);
	fprintf(d->out, "</title>\n<style>%s</style>\n</head>\n<body>\n",
	    doc_css);
	doc_h(d, 1, title);
}

static void
doc_tail(doc *d)
{
	if (d->html)
		fputs("</body>\n</html>\n", d->out);
}

/* A resolver or candidate: "127.0.0.1@53: ok". */
static void
doc_server_line(doc *d, const char *label, const probe_resolver_check *c)
{
	char a[ADDR_TEXT_MAX], buf[300];

	addr_format(&c->addr, a, sizeof a);
	snprintf(buf, sizeof buf, "%s %s: %s", label, a,
	    rstatus_to_string(c->status));
	doc_li(d, buf);
}

static void
doc_vantage(doc *d, probe_run *r)
{
	const probe_vantage *v = probe_get_vantage(r);
	char buf[400];
	size_t i;

	doc_h(d, 2, "Resolver and vantage");
	doc_list_begin(d);
	doc_server_line(d, "Resolver", probe_resolver(r));
	for (i = 0; i < probe_nexternals(r); i++)
		doc_server_line(d, "External candidate", probe_external_at(r, i));
	switch (v->direct) {
	case VANTAGE_DIRECT:
		snprintf(buf, sizeof buf, "Vantage: direct: this host can ask "
		    "authoritative servers directly (%zu of %zu test questions "
		    "answered)", v->answered, v->asked);
		break;
	case VANTAGE_BLOCKED:
		snprintf(buf, sizeof buf, "Vantage: blocked: only the resolver "
		    "answers this host (%zu of %zu direct test questions answered);"
		    " verdicts rest on the resolver's answers", v->answered,
		    v->asked);
		break;
	default:
		snprintf(buf, sizeof buf, "Vantage: unknown: no authoritative "
		    "server could be asked directly");
		break;
	}
	doc_li(d, buf);
	doc_list_end(d);
}

/* A domain's name as probed, with its Unicode form when it has one. */
static void
doc_name(const char *name, char *buf, size_t len)
{
	char uni[DNAME_MAX * 4], e[600];

	if (idn_to_unicode(name, uni, sizeof uni))
		snprintf(buf, len, "%s (%s)", name, uni);
	else
		snprintf(buf, len, "%s", dname_printable(name, e, sizeof e));
}

static void
doc_table(doc *d, probe_run *r)
{
	static const char *const head[] = {
		"Domain", "Verdict", "Basis", "Smart hosts", "Evidence"
	};
	char name[1200], smart[600], reason[1200];
	const char *cells[5];
	size_t i, j, used;

	doc_h(d, 2, "Results");
	if (d->html)
		fputs("<table>\n<thead>\n", d->out);
	doc_row(d, head, 5, true, NULL);
	if (d->html)
		fputs("</thead>\n<tbody>\n", d->out);
	for (i = 0; i < probe_ndomains(r); i++) {
		probe_domain *pd = probe_domain_at(r, i);
		doc_name(pd->name, name, sizeof name);
		smart[0] = '\0';
		for (j = 0, used = 0; j < pd->nsmart && used + 50 < sizeof smart;
		    j++)
			used += (size_t)snprintf(smart + used, sizeof smart - used,
			    "%s%s", j ? ", " : "", pd->smart_hosts[j]);
		if (!verdict_needs_connector(pd->verdict))
			smart[0] = '\0';
		cells[0] = name;
		cells[1] = verdict_to_string(pd->verdict);
		cells[2] = cf_basis_to_string(pd->basis);
		cells[3] = smart;
		cells[4] = dname_printable(pd->reason, reason, sizeof reason);
		doc_row(d, cells, 5, false, verdict_is_fault(pd->verdict) ?
		    "fault" : "ok");
	}
	if (d->html)
		fputs("</tbody>\n</table>\n", d->out);
	else
		fputc('\n', d->out);
}

static void
doc_domain(doc *d, probe_run *r, probe_domain *pd, const queue *q)
{
	char name[1200], buf[1600], e1[600], desc[600], ip[ADDR_TEXT_MAX];
	const queue_entry *qe;
	size_t j, used;

	doc_name(pd->name, name, sizeof name);
	snprintf(buf, sizeof buf, "%s: %s", name, verdict_to_string(pd->verdict));
	doc_h(d, 3, buf);
	doc_p(d, verdict_meaning(pd->verdict));
	if ((qe = queue_find(q, pd->name)) != NULL) {
		snprintf(buf, sizeof buf, "%llu message%s, %s: %s",
		    qe->messages, qe->messages == 1 ? "" : "s", qe->status,
		    qe->last_error);
		doc_kv(d, "Queue", buf);
	}
	if (pd->nmx > 0) {
		buf[0] = '\0';
		for (j = 0, used = 0; j < pd->nmx && used + 300 < sizeof buf; j++)
			used += (size_t)snprintf(buf + used, sizeof buf - used,
			    "%s%u %s%s%s%s", j ? ", " : "", pd->mx[j].pref,
			    pd->mx[j].host, pd->mx[j].cname ? " (an alias of " : "",
			    pd->mx[j].cname ? pd->mx[j].cname : "",
			    pd->mx[j].cname ? ")" : "");
		doc_kv(d, pd->implicit_mx ? "MX (implicit)" : "MX", buf);
	}
	if (pd->nservers > 0) {
		buf[0] = '\0';
		for (j = 0, used = 0; j < pd->nservers && used + 300 < sizeof buf;
		    j++)
			used += (size_t)snprintf(buf + used, sizeof buf - used,
			    "%s%s %s", j ? ", " : "", pd->servers[j].name ?
			    pd->servers[j].name : "(unnamed)", pd->servers[j].addr);
		doc_kv(d, "Name servers", buf);
	}
	doc_kv(d, "Reason", dname_printable(pd->reason, e1, sizeof e1));
	if (pd->nevidence > 0) {
		doc_kv(d, "Queries", "(* the proof; R through the resolver, "
		    "D asked directly)");
		doc_list_begin(d);
		for (j = 0; j < pd->nevidence && j < DOC_MAX_EVIDENCE; j++) {
			const probe_query *qq = probe_query_at(r, pd->evidence[j]);
			probe_query_describe(r, qq, desc, sizeof desc);
			addr_ip(probe_query_server(r, qq), ip, sizeof ip);
			snprintf(buf, sizeof buf, "%s%s %s", (ssize_t)pd->evidence[j]
			    == pd->proof ? "* " : "", qq->rd ? "R" : "D", desc);
			doc_li(d, buf);
		}
		if (pd->nevidence > DOC_MAX_EVIDENCE) {
			snprintf(buf, sizeof buf, "and %zu more (exdns probe --json "
			    "has them all)", pd->nevidence - DOC_MAX_EVIDENCE);
			doc_li(d, buf);
		}
		doc_list_end(d);
	}
	if (verdict_is_fault(pd->verdict))
		doc_kv(d, "To do", verdict_advice(pd->verdict));
	if (report_msg_wanted(pd->verdict)) {
		char *text = NULL;
		size_t len = 0;
		FILE *f;

		/* The texts of the message exdns report writes them. */
		doc_kv(d, "Why it breaks mail", report_msg_why(pd->verdict));
		doc_kv(d, "What would fix it (their side)",
		    report_msg_fix(pd->verdict));
		if ((f = open_memstream(&text, &len)) != NULL) {
			report_msg_digs(f, r, pd, "");
			if (fclose(f) == 0 && text != NULL) {
				doc_kv(d, "The remote side can see it with",
				    "(exdns report writes them a message)");
				doc_pre(d, text);
			}
			free(text);
		}
	}
}

static void
doc_plan(doc *d, const report_doc_input *in)
{
	char err[600];
	char *text;

	doc_h(d, 2, "Plan");
	if (in->plan == NULL) {
		doc_kv(d, "No plan", in->plan_err ? in->plan_err :
		    "none was made");
		return;
	}
	if (in->plan_source != NULL)
		doc_kv(d, "The plan file", in->plan_source);
	else
		doc_p(d, "The plan exdns plan would write for this run:");
	if ((text = plan_format(in->plan, err, sizeof err)) == NULL) {
		doc_kv(d, "The plan is not valid", err);
		return;
	}
	doc_pre(d, text);
	free(text);
}

int
report_doc_write(FILE *out, report_format fmt, const report_doc_input *in)
{
	doc d = {out, fmt == REPORT_FMT_HTML};
	probe_run *r = in->run;
	size_t i, nd = probe_ndomains(r), nfault = 0, nconn = 0;
	char when[PLAN_TIME_LEN], buf[600];

	for (i = 0; i < nd; i++) {
		verdict v = probe_domain_at(r, i)->verdict;
		nfault += verdict_is_fault(v);
		nconn += verdict_needs_connector(v);
	}
	plan_set_time(when, in->when);
	doc_head(&d, "exdns report");
	snprintf(buf, sizeof buf, "Run on %s (UTC) by exdns %s: %zu domain%s, "
	    "%zu with a fault, %zu needing a send connector. Branch: %s.", when,
	    PACKAGE_VERSION, nd, nd == 1 ? "" : "s", nfault, nconn,
	    branch_to_string(probe_branch(r)));
	doc_p(&d, buf);
	doc_vantage(&d, r);
	doc_table(&d, r);
	doc_h(&d, 2, "Evidence");
	for (i = 0; i < nd; i++)
		doc_domain(&d, r, probe_domain_at(r, i), in->queue);
	doc_plan(&d, in);
	doc_tail(&d);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
