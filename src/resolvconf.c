/* resolvconf.c - the first "nameserver" line of resolv.conf. */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "resolvconf.h"
#include "util.h"

const char *
resolvconf_path(void)
{
	const char *p = getenv(ENV_RESOLV_CONF);

	return (p != NULL && *p != '\0') ? p : DEFAULT_RESOLV_CONF;
}

/* Larger than any resolv.conf: the file is read whole (bounded, a regular
 * file only: /dev/zero or a FIFO is refused, not read forever). */
#define RESOLVCONF_MAX_BYTES (1024 * 1024)

int
resolvconf_first(const char *path, exaddr *out, char *err, size_t errlen)
{
	char *text, *line, *next, *p, *word, *save, msg[128], esc[96];
	size_t len;
	unsigned lineno = 0;
	int rc = -1;

	if ((text = util_read_file(path, RESOLVCONF_MAX_BYTES, &len, err,
	    errlen)) == NULL)
		return -1;
	util_file_err(err, errlen, path, 0, "no nameserver line");
	for (line = text; line < text + len; line = next) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		next = nl != NULL ? nl + 1 : text + len;
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		if (memchr(line, '\0', (size_t)(next - line - (nl != NULL))) != NULL)
			continue;
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '#' || *p == ';')
			continue;
		word = strtok_r(p, " \t\r", &save);
		if (word == NULL || strcmp(word, "nameserver") != 0)
			continue;
		word = strtok_r(NULL, " \t\r", &save);
		if (word == NULL) {
			util_file_err(err, errlen, path, lineno,
			    "nameserver without an address");
			break;
		}
		/* glibc accepts "fe80::1%eth0"; we do not probe scoped addresses. */
		if (addr_parse(word, DEFAULT_DNS_PORT, out, msg, sizeof msg) != 0 ||
		    strchr(word, '@') != NULL) {
			util_file_err(err, errlen, path, lineno,
			    "'%s' is not an IP address",
			    esc_buf(ESC_TERMINAL, word, strlen(word), esc, sizeof esc));
			break;
		}
		rc = 0;
		break;
	}
	free(text);
	return rc;
}
