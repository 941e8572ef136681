/* resolvconf.c - the first "nameserver" line of resolv.conf. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "dname.h"
#include "resolvconf.h"

const char *
resolvconf_path(void)
{
	const char *p = getenv(ENV_RESOLV_CONF);

	return (p != NULL && *p != '\0') ? p : DEFAULT_RESOLV_CONF;
}

int
resolvconf_first(const char *path, exaddr *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *p, *word, *save, msg[128], esc[96], epath[320];
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int rc = -1;

	/* The path as the user gave it: escaped for the terminal. */
	dname_escape(path, strlen(path), epath, sizeof epath);
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", epath, strerror(errno));
		return -1;
	}
	snprintf(err, errlen, "%s: no nameserver line", epath);
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)len) != NULL)
			continue;
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '#' || *p == ';')
			continue;
		word = strtok_r(p, " \t\r\n", &save);
		if (word == NULL || strcmp(word, "nameserver") != 0)
			continue;
		word = strtok_r(NULL, " \t\r\n", &save);
		if (word == NULL) {
			snprintf(err, errlen, "%s:%u: nameserver without an address",
			    epath, lineno);
			break;
		}
		/* glibc accepts "fe80::1%eth0"; we do not probe scoped addresses. */
		if (addr_parse(word, DEFAULT_DNS_PORT, out, msg, sizeof msg) != 0 ||
		    strchr(word, '@') != NULL) {
			snprintf(err, errlen, "%s:%u: '%s' is not an IP address", epath,
			    lineno, dname_escape(word, strlen(word), esc, sizeof esc));
			break;
		}
		rc = 0;
		break;
	}
	free(line);
	fclose(f);
	return rc;
}
