/* defaults.h - every default value of exdns, in one place. */
#ifndef EXDNS_DEFAULTS_H
#define EXDNS_DEFAULTS_H

#define DEFAULT_TIMEOUT_MS      2000   /* per try */
#define DEFAULT_TRIES           2
#define DEFAULT_MAX_INFLIGHT    4096   /* queries in flight at once */
#define DEFAULT_EDNS_BUFSIZE    1232
#define DEFAULT_DNS_PORT        53
#define DEFAULT_RESOLV_CONF     "/etc/resolv.conf"
#define ENV_RESOLV_CONF         "EXDNS_RESOLV_CONF"  /* overrides the path above */
#define ENV_DATADIR             "EXDNS_DATADIR"      /* overrides $(pkgdatadir) */
#define DEFAULT_CANARY_FILE     "canaries.txt"
#define DEFAULT_EXTERNAL_FILE   "external.txt"
#define DEFAULT_LAB_FILE        "lab.ini"
#define DEFAULT_LAB_PORT        10053
#define MAX_DOMAINS             1000000
#define MAX_INPUT_BYTES         (32 * 1024 * 1024)  /* an input file (--file, --queue) */
#define MAX_MX_HOSTS            16     /* MX hosts probed per domain */
#define MAX_HOST_ADDRS          16     /* addresses kept per MX host */

#endif
