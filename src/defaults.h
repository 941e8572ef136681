/* defaults.h - every default value of exdns, in one place. */
#ifndef EXDNS_DEFAULTS_H
#define EXDNS_DEFAULTS_H

#define DEFAULT_TIMEOUT_MS      2000   /* per try */
#define DEFAULT_TRIES           2
#define DEFAULT_MAX_INFLIGHT    4096   /* queries in flight at once */
/* Politeness (dnsq): each server's queries in flight and send rate. */
#define DEFAULT_AUTH_INFLIGHT   16     /* ceiling for an authoritative server */
#define DEFAULT_RESOLVER_INFLIGHT 256  /* ceiling for the resolver, externals */
#define DEFAULT_RATE            0      /* q/s cap per server; 0: adaptive */
#define DEFAULT_INITIAL_WINDOW  8      /* a server's first window */
#define DEFAULT_MIN_WINDOW      2      /* never cut below */
#define DEFAULT_LOSS_FLOOR_MS   200    /* a try is deemed lost (congestion only)
                                          after max(this, srtt + 4 rttvar) if
                                          later tries were answered or the
                                          window is full */
#define DEFAULT_UNANSWERED_FLOOR_MS 20 /* the same for a question type the
                                          server never answered while it
                                          answers others (no sign of
                                          congestion: it only frees a slot) */
#define DEFAULT_RATE_DECREASE   0.7    /* send rate kept on a loss episode */
#define DEFAULT_RATE_MIN        10     /* q/s: never paced slower */
#define DEFAULT_RATE_AI_MIN     20     /* q/s gained per second without loss, */
#define DEFAULT_RATE_AI_FRAC    0.25   /* or this fraction of the rate if more */
#define DEFAULT_PACE_BURST_MS   20     /* tokens kept: this many ms of sending */
#define DEFAULT_REASK_RATE      50     /* q/s of low-load re-asks, at most */
/* A recursive resolver (the site's, externals): its late answers are its
 * recursion, not loss. Its pace starts low and doubles while what it sent
 * was answered in time; a send slot of which more than a quarter was not
 * answered within max(the floor, srtt + 4 rttvar) is a loss episode, and the
 * pace settles under the rate that was answered over the second before. */
#define DEFAULT_RECURSIVE_START_RATE 200 /* q/s, the first pace */
#define DEFAULT_RECURSIVE_RAMP_MS 100  /* the pace doubles this often */
#define DEFAULT_RECURSIVE_FLOOR_MS 300 /* answered later: lost, for the count */
#define DEFAULT_RECURSIVE_SETTLE 0.9   /* of the rate answered at a loss */
#define DEFAULT_RECURSIVE_AI_FRAC 0.03 /* pace gained per second after one */
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
