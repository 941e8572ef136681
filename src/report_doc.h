/* report_doc.h - a whole run as a document for the admin's records and
 * change tickets (exdns report --format markdown|html): the results table,
 * each domain's evidence, the resolver and vantage, and the plan. The HTML
 * is one self-contained file: inline CSS, no scripts (its
 * Content-Security-Policy forbids them), no external assets. Every value
 * from DNS, a queue or a plan file goes through report_html_escape or
 * report_md_escape. */
#ifndef EXDNS_REPORT_DOC_H
#define EXDNS_REPORT_DOC_H

#include <stdio.h>
#include <time.h>

#include "plan.h"
#include "probe.h"
#include "queue.h"

typedef enum report_format {
	REPORT_FMT_MESSAGE = 0,     /* the postmaster message (report_msg.h) */
	REPORT_FMT_MARKDOWN,
	REPORT_FMT_HTML,
	REPORT_FMT_COUNT
} report_format;

/* "message", "markdown" (or "md"), "html": 0, or -1 if unknown. */
int report_format_from_string(const char *s, report_format *out);

/* The escapers (one function per context, each the only one of its kind).
 * HTML text and attribute values: & < > " ' as entities; control bytes
 * and invalid UTF-8 as U+FFFD; valid UTF-8 kept. */
void report_html_escape(FILE *out, const char *s);
/* Markdown (CommonMark/GFM) inline text, table cells included: the
 * characters that can start markup, a link, an entity, HTML or a cell
 * border (\ ` * _ { } [ ] < > ( ) # ! | & ~ ^) backslash-escaped always,
 * - + = at the start and the "." of a leading number (a list) too; line
 * breaks and control bytes as a space, invalid UTF-8 as U+FFFD. */
void report_md_escape(FILE *out, const char *s);

typedef struct report_doc_input {
	probe_run *run;
	const queue *queue;          /* NULL: none */
	const plan *plan;            /* the run's plan, or the plan file's */
	const char *plan_source;     /* the plan file's name, or NULL (built
	                                from this run) */
	const char *plan_err;        /* why there is no plan (plan NULL) */
	time_t when;                 /* when the run was made */
} report_doc_input;

/* Returns 0, or -1 if the output could not be written. */
int report_doc_write(FILE *out, report_format fmt, const report_doc_input *in);

#endif
