/* lab_loop.h - the lab's I/O: UDP and TCP (length-prefixed) sockets on every
 * address of the world's servers and resolvers, one epoll loop, replies
 * from lab_answer. Linux only (epoll). */
#ifndef EXDNS_LAB_LOOP_H
#define EXDNS_LAB_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "lab_world.h"

typedef struct lab_loop lab_loop;

typedef struct lab_loop_stats {
	uint64_t udp_queries, tcp_queries, replies, silent, tcp_conns;
} lab_loop_stats;

/* Binds UDP and TCP on every address of every server and resolver that is
 * not "closed", on the world's port. Returns NULL with a message in err
 * (an address in use names the address, the port and the section).
 * verbose: one line per query on stderr. Borrows w. */
lab_loop *lab_loop_new(const lab_world *w, bool verbose, char *err,
                       size_t errlen);
/* Serves until *stop is nonzero. The caller keeps its stop signals blocked
 * and passes in waitmask the mask to wait with (the signals unblocked), so
 * a signal can only arrive while the loop waits. Returns 0, or -1 on an
 * epoll error (printed). */
int lab_loop_run(lab_loop *l, volatile sig_atomic_t *stop,
                 const sigset_t *waitmask);
void lab_loop_get_stats(const lab_loop *l, lab_loop_stats *out);
void lab_loop_free(lab_loop *l);

#endif
