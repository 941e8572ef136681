/* lab.h - the demo lab: a simulated DNS world from data/lab.ini (a resolver
 * stand-in, authoritative servers that behave and misbehave, public
 * resolvers) served by exdns itself on loopback addresses. */
#ifndef EXDNS_LAB_H
#define EXDNS_LAB_H

/* `exdns lab [options]`: runs in the foreground until SIGINT/SIGTERM.
 * Returns the exit status. */
int lab_main(int argc, char **argv);
void lab_usage(FILE *out);

#endif
