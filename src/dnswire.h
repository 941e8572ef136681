/* dnswire.h - reading DNS messages in wire form without allocating: a
 * strict check of a whole message's structure, its records one by one, and
 * names (compression followed) as text. The probe engine reads every reply
 * with it: a reply of 10,000 domains' worth of queries parsed by ldns into
 * objects cost a quarter of a run's CPU, most of it allocations. Queries
 * are still encoded by ldns (dnsq_encode). */
#ifndef EXDNS_DNSWIRE_H
#define EXDNS_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNSWIRE_HEADER 12
#define DNSWIRE_NAME_MAX 255      /* wire bytes of a name, RFC 1035 */
/* The text of a name: every byte may become \DDD (4), plus the dots. */
#define DNSWIRE_TEXT_MAX (DNSWIRE_NAME_MAX * 4 + 8)

enum { DNSWIRE_QUESTION, DNSWIRE_ANSWER, DNSWIRE_AUTHORITY,
       DNSWIRE_ADDITIONAL };

static inline uint16_t
dnswire_u16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* Header fields (the message has DNSWIRE_HEADER bytes at least). */
static inline uint16_t dnswire_id(const uint8_t *m) { return dnswire_u16(m); }
static inline bool dnswire_qr(const uint8_t *m) { return (m[2] & 0x80) != 0; }
static inline bool dnswire_aa(const uint8_t *m) { return (m[2] & 0x04) != 0; }
static inline bool dnswire_tc(const uint8_t *m) { return (m[2] & 0x02) != 0; }
static inline bool dnswire_ra(const uint8_t *m) { return (m[3] & 0x80) != 0; }
static inline int dnswire_rcode(const uint8_t *m) { return m[3] & 0x0f; }

/* The offset just after the name at off, or 0 when it is malformed: a
 * label longer than 63, a name longer than 255 bytes, a compression
 * pointer that does not point back (before the name) or leaves the
 * message, or the message ends inside it. */
size_t dnswire_skip_name(const uint8_t *m, size_t len, size_t off);

/* The name at off (compression followed) as text in out (at least
 * DNSWIRE_TEXT_MAX bytes): lowercase, no trailing dot ("." for the root),
 * every byte other than a-z, 0-9, '-' and '_' as \DDD, so the text is
 * printable ASCII and names the same bytes as ldns's text form. Returns
 * out, or NULL when the name is malformed. */
const char *dnswire_name_text(const uint8_t *m, size_t len, size_t off,
                              char *out);

/* Two names in wire form (the first at a of a message of alen bytes, the
 * second uncompressed) equal, ignoring ASCII case (RFC 4343)? Neither may
 * be compressed at a. */
bool dnswire_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
                        size_t blen);

/* The whole message well-formed? Header, every name, every record's fixed
 * part and RDATA inside the message, and the RDATA of the types the probe
 * reads (A 4 bytes, AAAA 16, NS/CNAME/PTR a name, MX a preference and a
 * name, SOA two names and 20 bytes) filling exactly its length. Bytes
 * after the last record are ignored. */
bool dnswire_check(const uint8_t *m, size_t len);

/* The records of a checked message, question first. */
typedef struct dnswire_rr {
	int section;            /* DNSWIRE_QUESTION .. DNSWIRE_ADDITIONAL */
	size_t owner;           /* offset of the owner name */
	uint16_t type, rclass;
	uint32_t ttl;           /* 0 for the question */
	size_t rdata, rdlen;    /* offset and length of the RDATA */
} dnswire_rr;

typedef struct dnswire_iter {
	const uint8_t *m;
	size_t len, pos;
	int section;
	unsigned left;          /* records left in the section */
} dnswire_iter;

void dnswire_begin(dnswire_iter *it, const uint8_t *m, size_t len);
/* The next record, or false at the end (or at a malformed one: use it on
 * messages dnswire_check accepted). */
bool dnswire_next(dnswire_iter *it, dnswire_rr *rr);

#endif
