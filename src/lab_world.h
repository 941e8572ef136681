/* lab_world.h - the demo lab's simulated DNS world: zones, authoritative
 * servers with their (mis)behaviour, resolvers, read from an INI-like file
 * (format documented at the top of data/lab.ini), with the hash lookups the
 * lab's answering code needs. */
#ifndef EXDNS_LAB_WORLD_H
#define EXDNS_LAB_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <ldns/ldns.h>
#include "addr.h"

/* What an authoritative server does with the query types its behaviour
 * applies to (`types =`, AAAA by default). */
typedef enum lab_behaviour {
	LAB_B_NORMAL = 0,
	LAB_B_DROP,            /* never answers */
	LAB_B_SERVFAIL,
	LAB_B_FORMERR,
	LAB_B_NOTIMP,
	LAB_B_REFUSED,
	LAB_B_NXDOMAIN,        /* NXDOMAIN even where the name exists */
	LAB_B_WRONG_ID,        /* correct reply, different query ID */
	LAB_B_WRONG_QUESTION,  /* correct reply, different question name */
	LAB_B_MALFORMED,       /* the reply cut in the middle */
	LAB_B_DEAD,            /* bound but silent for every query type */
	LAB_B_CLOSED,          /* not bound at all: port unreachable */
	LAB_B_COUNT
} lab_behaviour;
const char *lab_behaviour_to_string(lab_behaviour b);

/* What a resolver is. */
typedef enum lab_rmode {
	LAB_R_RECURSIVE = 0,   /* answers from the world like a real resolver */
	LAB_R_SERVFAIL,        /* SERVFAIL for everything */
	LAB_R_DROP,            /* silent for everything (black hole) */
	LAB_R_REFUSED,         /* REFUSED for everything */
	LAB_R_CLOSED,          /* not bound at all: port unreachable */
	LAB_R_COUNT
} lab_rmode;
const char *lab_rmode_to_string(lab_rmode m);

/* A set of query types; all == every type. */
#define LAB_TYPESET_MAX 16
typedef struct lab_typeset {
	bool all;
	unsigned n;
	uint16_t t[LAB_TYPESET_MAX];
} lab_typeset;
bool lab_typeset_has(const lab_typeset *s, uint16_t type);
/* "AAAA", "A,AAAA", "all" into buf. */
void lab_typeset_format(const lab_typeset *s, char *buf, size_t len);

/* How the recursive resolvers of the world treat names of a zone: what a
 * real resolver in front of the zone's servers would end up answering. */
typedef enum lab_paction {
	LAB_P_NORMAL = 0,
	LAB_P_SERVFAIL,
	LAB_P_DROP
} lab_paction;
typedef struct lab_policy {
	lab_paction action;
	lab_typeset types;      /* the types the action applies to */
	bool derived;           /* from the servers' behaviour (resolver = auto) */
} lab_policy;
/* "normal", "servfail AAAA", "drop all" into buf. */
void lab_policy_format(const lab_policy *p, char *buf, size_t len);

/* A lowercase domain name in wire format (no compression). */
typedef struct lab_dname {
	uint8_t len;
	uint8_t w[LDNS_MAX_DOMAINLEN + 1];
} lab_dname;

typedef struct lab_server {
	char *name;                 /* NS host name, lowercase, no trailing dot */
	exaddr *addrs;              /* port set to the world's port */
	size_t naddrs;
	lab_behaviour behaviour;
	lab_typeset types;          /* what the behaviour applies to */
	uint16_t udp_max;           /* largest UDP reply; TC beyond it */
	size_t *zones;              /* indices of the zones it serves */
	size_t nzones;
	unsigned line;
} lab_server;

typedef struct lab_resolver {
	char *label;                /* the section name: [resolver LABEL] */
	char *description;          /* may be NULL */
	exaddr *addrs;
	size_t naddrs;
	lab_rmode mode;
	bool public_;               /* role = public: an external DNS candidate */
	uint16_t udp_max;
	lab_dname *servfail;        /* servfail-domains: names and below */
	size_t nservfail;
	lab_dname *drop;            /* drop-domains */
	size_t ndrop;
	unsigned line;
} lab_resolver;

typedef struct lab_zone {
	char *name;                 /* lowercase, no trailing dot; "." for root */
	lab_dname apex;
	ldns_rdf *apex_rdf;
	size_t *servers;            /* indices into the world's servers */
	size_t nservers;
	lab_policy policy;
	uint32_t ttl;
	ldns_rr *soa;               /* generated */
	ldns_rr_list *ns;           /* generated from servers (also at apex) */
	ldns_rr_list *glue;         /* A/AAAA of those servers (referrals) */
	ssize_t parent;             /* nearest enclosing zone, or -1 */
	unsigned line;
} lab_zone;

/* The RRsets of one owner name in one zone. A node with no sets is an
 * empty non-terminal. */
typedef struct lab_rrset {
	uint16_t type;
	ldns_rr_list *rrs;
} lab_rrset;
typedef struct lab_node {
	size_t zone;
	lab_dname owner;
	lab_rrset *sets;
	size_t nsets;
} lab_node;

typedef struct lab_expect {
	char *domain;
	char *verdict;
	unsigned line;
} lab_expect;

struct lab_htab;

typedef struct lab_world {
	char *path;
	uint16_t port;              /* [lab] port, default DEFAULT_LAB_PORT */
	uint32_t ttl;               /* [lab] ttl */
	lab_zone *zones;       size_t nzones;
	lab_server *servers;   size_t nservers;
	lab_resolver *resolvers; size_t nresolvers;
	char **canaries;       size_t ncanaries;
	lab_expect *expect;    size_t nexpect;
	char **warnings;       size_t nwarnings;
	/* private */
	lab_node **nodes;      size_t nnodes, capnodes;
	struct lab_htab *zone_tab;  /* apex -> zone index */
	struct lab_htab *node_tab;  /* (zone, owner) -> node */
} lab_world;

/* Reads a world file. Returns NULL with "FILE:LINE: what is wrong" in err.
 * The caller frees the world with lab_world_free. */
lab_world *lab_world_load(const char *path, char *err, size_t errlen);
void lab_world_free(lab_world *w);
/* Sets the port of every server and resolver address. */
void lab_world_set_port(lab_world *w, uint16_t port);

/* Lowercase wire copy of an ldns dname; -1 if it is not one. */
int lab_dname_from_rdf(const ldns_rdf *rdf, lab_dname *out);
/* Text form without the trailing dot ("." for the root), escaped. */
void lab_dname_format(const lab_dname *d, char *buf, size_t len);
/* Is a at or below b? */
bool lab_dname_under(const lab_dname *a, const lab_dname *b);

/* The zone whose apex is exactly the len bytes at wire (lowercase), or -1. */
ssize_t lab_world_zone_at(const lab_world *w, const uint8_t *wire, size_t len);
/* The node for owner (lowercase wire) in zone, or NULL. */
const lab_node *lab_world_node(const lab_world *w, size_t zone,
                               const uint8_t *wire, size_t len);
const lab_rrset *lab_node_rrset(const lab_node *n, uint16_t type);

#endif
