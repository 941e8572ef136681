/* queue.h - the Exchange queue as administrators export or copy it
 * (Get-Queue | Export-Csv, | Format-List, the default table, Select-Object
 * NextHopDomain, a plain list), in any encoding Windows writes: the
 * external DNS-routed queues that fail, with their message count, status
 * and last error, and what Exchange's DNS error means. */
#ifndef EXDNS_QUEUE_H
#define EXDNS_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include "dname.h"
#include "verdict.h"

typedef enum queue_shape {
	QUEUE_SHAPE_CSV = 0,        /* Export-Csv (with or without #TYPE) */
	QUEUE_SHAPE_LIST,           /* Format-List */
	QUEUE_SHAPE_TABLE,          /* the console's table */
	QUEUE_SHAPE_PLAIN,          /* Select-Object NextHopDomain, a list */
	QUEUE_SHAPE_COUNT
} queue_shape;
const char *queue_shape_to_string(queue_shape s);   /* "csv" */

/* Exchange's DNS error, from the inner text of LastError. */
typedef enum queue_dns_error {
	QUEUE_ERR_NONE = 0,         /* no 4.4.0 error (or no LastError) */
	QUEUE_ERR_RETRY,            /* DNS query failed with error ErrorRetry */
	QUEUE_ERR_SERVFAIL,         /* ... ServerFailure */
	QUEUE_ERR_TIMEOUT,          /* ... ErrorTimeout */
	QUEUE_ERR_NO_RECORDS,       /* ... InfoNoRecords */
	QUEUE_ERR_NXDOMAIN,         /* SMTPSEND.DNS.NonExistentDomain */
	QUEUE_ERR_MX_LOOPBACK,      /* SMTPSEND.DNS.MxLoopback */
	QUEUE_ERR_INVALID_DATA,     /* SMTPSEND.DNS.InvalidData */
	QUEUE_ERR_OTHER,            /* 4.4.0, not one of those */
	QUEUE_ERR_COUNT
} queue_dns_error;
const char *queue_error_to_string(queue_dns_error e);  /* "timeout" */
const char *queue_error_meaning(queue_dns_error e);    /* one line */
/* The inner error of a LastError as exported ("[{LRT=..};{LED=451 4.4.0
 * ...};{FQDN=};{IP=}]" -> the LED text; other text as it is), and its
 * class. */
queue_dns_error queue_error_classify(const char *last_error);

/* Does the probe's verdict agree with Exchange's error? */
typedef enum queue_agreement {
	QUEUE_AGREE_UNKNOWN = 0,    /* cannot tell (no error, inconclusive) */
	QUEUE_AGREE_YES,
	QUEUE_AGREE_NO
} queue_agreement;
queue_agreement queue_agrees(queue_dns_error e, verdict v);

/* One next-hop domain (queues to it from several servers merged). */
typedef struct queue_entry {
	char domain[DNAME_MAX];     /* normalised A-label form */
	unsigned long long messages;
	char *status;               /* as exported ("Retry"), "" if none */
	char *last_error;           /* the inner error text, "" if none */
	queue_dns_error error;
	unsigned line;              /* where it first appears */
	size_t nqueues;             /* queues merged into it */
} queue_entry;

/* What was read. Everything is owned by the queue: queue_free. */
typedef struct queue {
	char *path;                 /* escaped for messages */
	queue_shape shape;
	queue_entry *entries; size_t n;  /* most messages first */
	size_t nexternal;           /* external DNS-routed queues seen */
	size_t nfailing;            /* of those, in Retry or with a 4.4.0 error */
	size_t nskipped;            /* internal queues skipped */
	char **skipped_kinds; size_t *skipped_counts; size_t nkinds;
	                            /* by DeliveryType (or queue name) */
	char **errors; size_t nerrors;   /* "FILE:LINE: ..." per bad row */
	bool has_status, has_last_error; /* those columns were there */
	size_t *by_name;            /* private: index sorted by domain */
} queue;

/* Reads FILE (at most MAX_INPUT_BYTES; "-" is standard input). Returns
 * the queue (bad rows are in ->errors, the good ones kept), or NULL with
 * "FILE[:LINE]: ..." in err when the file as a whole cannot be read
 * (missing, not a regular file, too big, binary, no NextHopDomain
 * column, a CSV quote never closed). */
queue *queue_read(const char *path, char *err, size_t errlen);
/* The same for text already in memory (UTF-8); path names it. */
queue *queue_parse(const char *text, size_t len, const char *path,
                   char *err, size_t errlen);
void queue_free(queue *q);
/* Orders the entries (most messages first, then by line) and indexes
 * them for queue_find: for a queue built entry by entry (the wizard's
 * session), after the last. */
void queue_index(queue *q);
/* The entry of a normalised domain, or NULL. */
const queue_entry *queue_find(const queue *q, const char *domain);
/* The branch the queue suggests: every external queue failing (two or
 * more), all-domains; some, specific-domains; none, no-dns-fault; and
 * BRANCH_COUNT when it cannot tell (no Status or LastError column). */
branch queue_hint(const queue *q);

#endif
