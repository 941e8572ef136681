/* report.h - a finished probe run as a readable report or one JSON document. */
#ifndef EXDNS_REPORT_H
#define EXDNS_REPORT_H

#include <stdio.h>
#include "probe.h"

void report_text(FILE *out, probe_run *r);
/* Returns 0, or -1 if JSON could not be built. */
int report_json(FILE *out, probe_run *r);
/* Exit status for probe: 0 no DNS fault, 1 faults found. */
int report_exit_status(probe_run *r);

#endif
