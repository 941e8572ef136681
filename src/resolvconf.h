/* resolvconf.h - the first "nameserver" of resolv.conf (the default resolver). */
#ifndef EXDNS_RESOLVCONF_H
#define EXDNS_RESOLVCONF_H

#include "addr.h"

/* Path to use: $EXDNS_RESOLV_CONF if set, else /etc/resolv.conf. */
const char *resolvconf_path(void);
/* Reads path; returns 0 with the first nameserver (port 53), or -1 with
 * "PATH:LINE: ..." or "PATH: no nameserver line" in err. */
int resolvconf_first(const char *path, exaddr *out, char *err, size_t errlen);

#endif
