/* report.h - a finished probe run as a readable report or one JSON document. */
#ifndef EXDNS_REPORT_H
#define EXDNS_REPORT_H

#include <stdio.h>
#include "probe.h"
#include "queue.h"

void report_text(FILE *out, probe_run *r);
/* Returns 0, or -1 if JSON could not be built. */
int report_json(FILE *out, probe_run *r);
/* The same with what the queue file said (q may be NULL): each domain's
 * messages, status and Exchange's error next to the verdict, and whether
 * they agree; the queue's counts and branch hint, and whether the probes
 * confirm it. */
void report_text_queue(FILE *out, probe_run *r, const queue *q);
int report_json_queue(FILE *out, probe_run *r, const queue *q);
/* One line per external candidate checked: usable or not. */
void report_externals(FILE *out, probe_run *r);
/* Exit status for probe: 0 no DNS fault, 1 faults found. */
int report_exit_status(probe_run *r);

#endif
