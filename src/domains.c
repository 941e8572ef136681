/* domains.c - domains as administrators give them: e-mail addresses,
 * internationalized names, every bad entry reported with its place. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domains.h"
#include "escape.h"
#include "idn.h"
#include "util.h"

int
domains_parse(const char *entry, char out[DNAME_MAX], char *why,
              size_t whylen)
{
	const char *s = entry, *at;
	char buf[1100];
	size_t len;

	/* "<user@contoso.com>" and "mailto:user@contoso.com" */
	if (strncmp(s, "mailto:", 7) == 0)
		s += 7;
	if (*s == '<')
		s++;
	len = strlen(s);
	if (len > 0 && s[len - 1] == '>' && *entry == '<')
		len--;
	if ((at = memchr(s, '@', len)) != NULL) {
		const char *last;
		while ((last = memchr(at + 1, '@', len - (size_t)(at + 1 - s)))
		    != NULL)
			at = last;
		len -= (size_t)(at + 1 - s);
		s = at + 1;
		if (len == 0) {
			snprintf(why, whylen, "an e-mail address without a domain");
			return -1;
		}
	}
	if (len >= sizeof buf) {
		snprintf(why, whylen, "too long (%zu characters; at most 253)",
		    len);
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return idn_to_ascii(buf, out, why, whylen);
}

void
domains_list_free(domains_list *l)
{
	strv_free(l->names, l->n);
	strv_free(l->errors, l->nerrors);
	memset(l, 0, sizeof *l);
}

void
domains_add(domains_list *l, const char *entry, const char *where)
{
	char norm[DNAME_MAX], why[200], esc[128], msg[600];

	if (domains_parse(entry, norm, why, sizeof why) == 0) {
		strv_push(&l->names, &l->n, norm);
		return;
	}
	esc_buf(ESC_TERMINAL, entry, strlen(entry), esc, sizeof esc);
	if (where != NULL)
		snprintf(msg, sizeof msg, "%s: '%s' is not a valid domain name: %s",
		    where, esc, why);
	else
		snprintf(msg, sizeof msg, "'%s' is not a valid domain name: %s", esc,
		    why);
	strv_push(&l->errors, &l->nerrors, msg);
}

int
domains_read_file(domains_list *l, const char *path, char *err,
                  size_t errlen)
{
	char **v = NULL, where[400], esc[300];
	unsigned *lines = NULL;
	size_t n = 0, i;

	if (list_read_lines(path, &v, &lines, &n, err, errlen) != 0)
		return -1;
	esc_buf(ESC_TERMINAL, strcmp(path, "-") == 0 ? "<stdin>" : path,
	    strlen(strcmp(path, "-") == 0 ? "<stdin>" : path), esc, sizeof esc);
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof where, "%s:%u", esc, lines[i]);
		domains_add(l, v[i], where);
	}
	strv_free(v, n);
	free(lines);
	return 0;
}
