/* report_doc.h - a whole run as a document for the admin's records and
 * change tickets (exdns report --format markdown|html): the results table,
 * each domain's evidence, the resolver and vantage, and the plan. The HTML
 * is one self-contained file: inline CSS, no scripts (its
 * Content-Security-Policy forbids them), no external assets. Every value
 * from DNS, a queue or a plan file goes through esc_put (escape.h) in its
 * ESC_HTML or ESC_MARKDOWN context. */
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
