/* emit.h - a remediation plan as an Exchange Management Shell script that
 * applies it (recording what it changes in a state file beside itself,
 * then verifying and retrying the queues), or undoes exactly what it
 * applied. Every value is validated again and written as a PowerShell
 * single-quoted literal. */
#ifndef EXDNS_EMIT_H
#define EXDNS_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "plan.h"

typedef struct emit_opts {
	bool undo;          /* remove what the apply script added */
	bool whatif;        /* -WhatIf on every cmdlet that changes something */
	int exchange;       /* 2010 (Set-TransportServer) or 2013 (and later) */
	FILE *warn;         /* warnings ("exdns: warning: ..."), or NULL */
} emit_opts;

void emit_opts_init(emit_opts *o);
/* "2010" -> 2010; "2013", "2016", "2019", "se" -> 2013. 0 or -1. */
int emit_parse_exchange(const char *s, int *out);

/* Writes the whole script to out, or nothing: returns -1 with
 * "FILE:LINE: what is wrong" in err if any value fails validation. */
int emit_script(FILE *out, const plan *p, const emit_opts *o,
                char *err, size_t errlen);

/* True when the plan's Internet send connector is an EdgeSync connector
 * ("EdgeSync - SITE to Internet", the name EdgeSync gives it): mail to the
 * Internet leaves through subscribed Edge Transport servers, so the script
 * makes the connectors in the organization and the external DNS change on
 * the Edge (it finds out at run time which of the two it runs on). */
bool emit_plan_is_edge(const plan *p);
/* The state file the apply script writes beside itself and the undo
 * script reads: "exdns-state-20261125T093000Z.csv" (from created). */
void emit_state_file(const plan *p, char *out, size_t outlen);

/* Values are quoted with esc_dup(ESC_POWERSHELL, ...) (src/escape.h). */

#endif
