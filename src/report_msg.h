/* report_msg.h - the message for a remote domain's postmaster or DNS
 * operator (exdns report): which of their name servers, at which address,
 * fails which query and how, when and from where it was seen, why it
 * breaks mail, and the dig commands to see it. Plain text, printable ASCII,
 * lines of at most about 76 columns; every name from DNS is escaped and,
 * in the dig commands, quoted for a POSIX shell. */
#ifndef EXDNS_REPORT_MSG_H
#define EXDNS_REPORT_MSG_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "plan.h"
#include "probe.h"

/* True when the verdict is a fault of the remote domain's DNS that its
 * operator can fix (a message is worth sending). */
bool report_msg_wanted(verdict v);

/* The message's texts for verdict v: the subject's few words, why it
 * breaks mail, what would fix it (citing the RFC where there is one).
 * NULL for a verdict that gets no message. */
const char *report_msg_subject(verdict v);
const char *report_msg_why(verdict v);
const char *report_msg_fix(verdict v);

/* Writes the message for domain d of run r, seen at time seen. p (may be
 * NULL): the plan the domain comes from; the evidence it recorded for the
 * domain (its [connector] or [checked] section: plan_recorded_evidence)
 * is quoted with the plan's created time as "first recorded". Returns true
 * if a message was written (report_msg_wanted), false (nothing written)
 * otherwise. */
bool report_msg_write(FILE *out, probe_run *r, const probe_domain *d,
                      time_t seen, const plan *p);

/* The same into a new string (caller frees), or NULL when none is
 * wanted. */
char *report_msg_text(probe_run *r, const probe_domain *d, time_t seen);

/* The dig commands that show domain d's fault, one a line, each line
 * starting with indent. */
void report_msg_digs(FILE *out, probe_run *r, const probe_domain *d,
                     const char *indent);

/* One argument for a POSIX shell (escape.h's ESC_SHELL) naming the DNS
 * name: bytes outside printable ASCII escaped first (dname_printable), as
 * dig reads them. Empty when buf is too small (never a cut word). */
const char *report_shell_word(const char *name, char *buf, size_t len);

#endif
