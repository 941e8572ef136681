/* lab_answer.h - the lab's DNS logic: one query in, one reply (or silence)
 * out, as an authoritative server or a resolver of the world would give it.
 * No I/O here; lab_server.c moves the bytes. */
#ifndef EXDNS_LAB_ANSWER_H
#define EXDNS_LAB_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lab_world.h"

typedef enum lab_role { LAB_ROLE_SERVER, LAB_ROLE_RESOLVER } lab_role;

/* Who is answering: an index into the world's servers or resolvers. */
typedef struct lab_endpoint {
	lab_role role;
	size_t index;
} lab_endpoint;

/* Scratch space reused from query to query (one per loop). Borrows the
 * world, which must outlive it. */
typedef struct lab_answerer lab_answerer;

lab_answerer *lab_answerer_new(const lab_world *w);
void lab_answerer_free(lab_answerer *a);

/* Answers query (len bytes) received over UDP or TCP. Returns true with the
 * reply in *out, *outlen (owned by a, valid until the next call), or false
 * when the endpoint stays silent. note, when not NULL, gets a short text
 * for the log: "AAAA mail.example -> NOERROR 1/0/0" or "... -> dropped". */
bool lab_answer(lab_answerer *a, const lab_endpoint *ep, const uint8_t *query,
                size_t len, bool tcp, const uint8_t **out, size_t *outlen,
                char *note, size_t notelen);

#endif
