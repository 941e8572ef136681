/* domains.h - domains as administrators give them (arguments, --file,
 * standard input, the wizard): e-mail addresses reduced to their domain,
 * internationalized names to A-labels, every bad entry reported with
 * FILE:LINE and the reason. */
#ifndef EXDNS_DOMAINS_H
#define EXDNS_DOMAINS_H

#include <stddef.h>
#include "dname.h"

/* One entry: "contoso.com", "Contoso.COM.", "user@contoso.com",
 * "<user@münchen.de>", "xn--mnchen-3ya.de". The normalised A-label form
 * goes to out; -1 with the reason in why (printable ASCII) when it is not
 * a domain. */
int domains_parse(const char *entry, char out[DNAME_MAX], char *why,
                  size_t whylen);

/* A list of domains being collected: the good ones, and one message per
 * bad entry ("FILE:LINE: 'entry': reason", escaped). Free with
 * domains_list_free. */
typedef struct domains_list {
	char **names; size_t n;          /* normalised A-labels, in order */
	char **errors; size_t nerrors;   /* bad entries */
} domains_list;

void domains_list_free(domains_list *l);
/* Adds one entry; where is "FILE:LINE" or "argument 2" or NULL. */
void domains_add(domains_list *l, const char *entry, const char *where);
/* Reads a list file (list_read_lines: any of the encodings Windows
 * writes; "-" is standard input) and adds every entry. Returns 0, or -1
 * with the file's own error (unreadable, too big, binary) in err. */
int domains_read_file(domains_list *l, const char *path, char *err,
                      size_t errlen);

#endif
