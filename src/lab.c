/* lab.c - `exdns lab`: loads the demo world (data/lab.ini or --world),
 * serves it on loopback until SIGINT/SIGTERM, and tells the user which
 * addresses it serves and which commands to try against them. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "defaults.h"
#include "lab.h"
#include "lab_loop.h"
#include "lab_world.h"
#include "util.h"

#define LAB_PRINT_ROWS     40    /* rows of each table at start-up */
#define LAB_PRINT_DOMAINS  60    /* domains in a printed command line */

static volatile sig_atomic_t lab_stop;

static void
lab_on_signal(int sig)
{
	(void)sig;
	lab_stop = 1;
}

void
lab_usage(FILE *out)
{
	fprintf(out,
	    "Usage: exdns lab [--world FILE] [--port N] [--quiet] [--verbose]\n"
	    "                 [--ready-file FILE] [--check] [--print-args WHAT]\n"
	    "Serve a simulated DNS world on loopback addresses (127.0.0.0/8), so\n"
	    "exdns can be tried, and tested, without the internet and without root:\n"
	    "a resolver stand-in, authoritative servers that behave and misbehave\n"
	    "(dropping AAAA queries, SERVFAIL, FORMERR, wrong IDs, ...), broken\n"
	    "resolvers and \"public\" resolvers. Runs in the foreground until\n"
	    "interrupted (Ctrl-C, SIGTERM).\n\n"
	    "Options:\n"
	    "  --world FILE       the world to serve (default: %s from the data\n"
	    "                     directory, $%s overrides it)\n"
	    "  --port N           the port of every server (default: the world's\n"
	    "                     [lab] port, else %d)\n"
	    "  --quiet            print nothing but errors\n"
	    "  --verbose          one line per query on stderr\n"
	    "  --ready-file FILE  write FILE once every socket is bound (removed on\n"
	    "                     exit): scripts wait for it\n"
	    "  --check            read and check the world, print it, and exit\n"
	    "  --print-args probe|all-domains|wizard\n"
	    "                     print the exdns options (and for probe and\n"
	    "                     all-domains the demo domains) that point at\n"
	    "                     this world, and exit\n"
	    "  -h, --help         this help\n\n"
	    "Exit status: 0 after a clean stop, 2 for a bad world file or option, or\n"
	    "an address that cannot be bound (port in use).\n",
	    DEFAULT_LAB_FILE, ENV_DATADIR, DEFAULT_LAB_PORT);
}

void
cmd_lab_usage(FILE *out)
{
	lab_usage(out);
}

int
cmd_lab(int argc, char **argv)
{
	return lab_main(argc, argv);
}

/* "127.0.53.53@10053,127.0.53.54@10053" for the addresses of resolvers
 * matching (public_, mode), first address of each. */
static void
lab_addr_list(const lab_world *w, bool public_, int mode, bool first_only,
              char *buf, size_t len)
{
	char a[ADDR_TEXT_MAX];
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < w->nresolvers && used < len; i++) {
		const lab_resolver *r = &w->resolvers[i];
		if (r->public_ != public_ || (mode >= 0 && (int)r->mode != mode))
			continue;
		addr_ip(&r->addrs[0], a, sizeof a);
		used += (size_t)snprintf(buf + used, len - used, "%s%s@%u",
		    used ? "," : "", a, (unsigned)w->port);
		if (first_only)
			break;
	}
}

/* The options that point exdns at this world; domains too if asked. */
static void
lab_print_args(FILE *out, const lab_world *w, const char *resolver,
               const char *externals, size_t ndomains)
{
	size_t i;

	fprintf(out, "--resolver %s --auth-port %u", resolver, (unsigned)w->port);
	if (w->ncanaries > 0) {
		fprintf(out, " --canary ");
		for (i = 0; i < w->ncanaries; i++)
			fprintf(out, "%s%s", i ? "," : "", w->canaries[i]);
	}
	if (externals[0])
		fprintf(out, " --external %s", externals);
	for (i = 0; i < w->nexpect && i < ndomains; i++)
		fprintf(out, " %s", w->expect[i].domain);
}

static void
lab_print_command(FILE *out, const lab_world *w, const char *resolver,
                  const char *externals)
{
	fputs("  exdns probe ", out);
	lab_print_args(out, w, resolver, externals, LAB_PRINT_DOMAINS);
	fputc('\n', out);
	if (w->nexpect > LAB_PRINT_DOMAINS)
		fprintf(out, "  (the first %d of %zu domains: see [expect] in %s)\n",
		    LAB_PRINT_DOMAINS, w->nexpect, w->path);
}

/* Ends a table that has printed LAB_PRINT_ROWS rows. */
static bool
lab_row_cap(FILE *out, size_t *rows, size_t left)
{
	if (*rows < LAB_PRINT_ROWS) {
		(*rows)++;
		return false;
	}
	fprintf(out, "  ... and %zu more\n", left);
	return true;
}

static void
lab_format_addrs(const exaddr *a, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		char ip[ADDR_TEXT_MAX];
		addr_ip(&a[i], ip, sizeof ip);
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? "," : "", ip);
	}
}

static void
lab_print_world(FILE *out, const lab_world *w, bool serving)
{
	char addrs[256], types[128], pol[160], res[512], ext[1024];
	size_t i, j, rows;

	fprintf(out, "%s %s on port %u (UDP and TCP)\n\n",
	    serving ? "exdns lab: serving the world of" : "exdns lab: the world of",
	    w->path, (unsigned)w->port);
	fprintf(out, "Resolvers:\n");
	for (i = 0, rows = 0; i < w->nresolvers; i++) {
		const lab_resolver *r = &w->resolvers[i];
		if (lab_row_cap(out, &rows, w->nresolvers - i))
			break;
		lab_format_addrs(r->addrs, r->naddrs, addrs, sizeof addrs);
		fprintf(out, "  %-15s %-6s %-16s %-9s %s\n", addrs,
		    r->public_ ? "public" : "local", r->label,
		    lab_rmode_to_string(r->mode),
		    r->description ? r->description : "");
	}
	fprintf(out, "\nAuthoritative servers:\n");
	for (i = 0, rows = 0; i < w->nservers; i++) {
		const lab_server *s = &w->servers[i];
		char zones[256];
		size_t used = 0;
		if (lab_row_cap(out, &rows, w->nservers - i))
			break;
		lab_format_addrs(s->addrs, s->naddrs, addrs, sizeof addrs);
		lab_typeset_format(&s->types, types, sizeof types);
		if (s->behaviour == LAB_B_NORMAL || s->behaviour == LAB_B_DEAD ||
		    s->behaviour == LAB_B_CLOSED)
			types[0] = '\0';
		zones[0] = '\0';
		for (j = 0; j < s->nzones && j < 3 && used < sizeof zones; j++)
			used += (size_t)snprintf(zones + used, sizeof zones - used,
			    "%s%s", j ? " " : "", w->zones[s->zones[j]].name);
		if (s->nzones > 3 && used < sizeof zones)
			snprintf(zones + used, sizeof zones - used, " +%zu more",
			    s->nzones - 3);
		fprintf(out, "  %-15s %-26s %-14s %-5s %s\n", addrs, s->name,
		    lab_behaviour_to_string(s->behaviour), types, zones);
	}
	fprintf(out, "\nZones the resolvers see differently:\n");
	for (i = 0, rows = 0; i < w->nzones; i++) {
		if (w->zones[i].policy.action == LAB_P_NORMAL)
			continue;
		if (rows == LAB_PRINT_ROWS) {
			for (j = i, rows = 0; j < w->nzones; j++)
				rows += w->zones[j].policy.action != LAB_P_NORMAL;
			fprintf(out, "  ... and %zu more\n", rows);
			break;
		}
		rows++;
		lab_policy_format(&w->zones[i].policy, pol, sizeof pol);
		fprintf(out, "  %-26s %s\n", w->zones[i].name, pol);
	}
	for (i = 0; i < w->nresolvers; i++)
		for (j = 0; j < w->resolvers[i].nservfail; j++) {
			lab_dname_format(&w->resolvers[i].servfail[j], pol, sizeof pol);
			fprintf(out, "  %-26s servfail at [resolver %s]\n", pol,
			    w->resolvers[i].label);
		}
	if (w->nexpect > 0) {
		fprintf(out, "\nDemo domains and the verdict each should get:\n");
		for (i = 0, rows = 0; i < w->nexpect; i++) {
			if (lab_row_cap(out, &rows, w->nexpect - i))
				break;
			fprintf(out, "  %-26s %s\n", w->expect[i].domain,
			    w->expect[i].verdict);
		}
	}
	lab_addr_list(w, true, -1, false, ext, sizeof ext);
	lab_addr_list(w, false, LAB_R_RECURSIVE, true, res, sizeof res);
	if (res[0] && w->nexpect > 0) {
		fprintf(out, "\nSome domains fail (the resolver works):\n");
		lab_print_command(out, w, res, ext);
	}
	lab_addr_list(w, false, LAB_R_SERVFAIL, true, res, sizeof res);
	if (res[0] && w->nexpect > 0) {
		fprintf(out, "\nAll domains fail (the resolver is broken):\n");
		lab_print_command(out, w, res, ext);
		for (i = 0; i < w->nresolvers; i++) {
			const lab_resolver *r = &w->resolvers[i];
			char a[ADDR_TEXT_MAX];
			if (r->public_ || r->mode == LAB_R_RECURSIVE ||
			    r->mode == LAB_R_SERVFAIL)
				continue;
			addr_ip(&r->addrs[0], a, sizeof a);
			fprintf(out, "  (or --resolver %s@%u: %s)\n", a,
			    (unsigned)w->port, r->mode == LAB_R_DROP ? "silent" :
			    r->mode == LAB_R_REFUSED ? "REFUSED" :
			    "nothing listens: port unreachable");
		}
	}
	lab_addr_list(w, false, LAB_R_RECURSIVE, true, res, sizeof res);
	if (res[0] && w->nexpect > 0) {
		char *at = strchr(res, '@');
		if (at)
			*at = '\0';
		fprintf(out, "\nBy hand (add -t for TCP):\n  drill -p %u @%s MX %s\n",
		    (unsigned)w->port, res, w->expect[0].domain);
	}
}

static int
lab_write_ready(const char *path, const lab_world *w)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "pid %ld\nport %u\nworld %s\n", (long)getpid(),
	    (unsigned)w->port, w->path);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
lab_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"world", required_argument, NULL, 'w'},
		{"port", required_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"ready-file", required_argument, NULL, 'r'},
		{"check", no_argument, NULL, 'c'},
		{"print-args", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	char path[4096], err[1024], *end;
	const char *world_path = NULL, *ready = NULL, *print_args = NULL;
	bool quiet = false, verbose = false, check = false;
	long port = 0;
	int opt, rc = 0;
	lab_world *w;
	lab_loop *l;
	lab_loop_stats st;
	struct sigaction sa;
	sigset_t block, old;
	size_t i;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+hqv", longopts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			world_path = optarg;
			break;
		case 'p':
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || port < 1 || port > 65535) {
				fprintf(stderr, "exdns lab: --port: '%s' is not a port "
				    "number (1-65535)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'c':
			check = true;
			break;
		case 'a':
			if (strcmp(optarg, "probe") != 0 && strcmp(optarg, "wizard") != 0 &&
			    strcmp(optarg, "all-domains") != 0) {
				fprintf(stderr, "exdns lab: --print-args: say probe, "
				    "all-domains or wizard\n");
				return EXIT_USAGE;
			}
			print_args = optarg;
			break;
		case 'h':
			lab_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "exdns lab: '%s': unknown option or missing "
			    "value\nTry 'exdns help lab'.\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "exdns lab: unexpected argument '%s'\n"
		    "Try 'exdns help lab'.\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (world_path == NULL) {
		data_path(DEFAULT_LAB_FILE, path, sizeof path);
		world_path = path;
	}
	if ((w = lab_world_load(world_path, err, sizeof err)) == NULL) {
		fprintf(stderr, "exdns lab: %s\n", err);
		return EXIT_USAGE;
	}
	if (port > 0)
		lab_world_set_port(w, (uint16_t)port);
	if (!quiet)
		for (i = 0; i < w->nwarnings; i++)
			fprintf(stderr, "exdns lab: %s\n", w->warnings[i]);
	if (print_args != NULL) {
		char res[512], ext[1024];
		lab_addr_list(w, true, -1, false, ext, sizeof ext);
		lab_addr_list(w, false, strcmp(print_args, "all-domains") == 0 ?
		    LAB_R_SERVFAIL : LAB_R_RECURSIVE, true, res, sizeof res);
		if (res[0] == '\0') {
			fprintf(stderr, "exdns lab: %s has no such resolver\n", w->path);
			lab_world_free(w);
			return EXIT_USAGE;
		}
		lab_print_args(stdout, w, res, ext,
		    strcmp(print_args, "wizard") == 0 ? 0 : w->nexpect);
		fputc('\n', stdout);
		lab_world_free(w);
		return 0;
	}
	if (check) {
		if (!quiet)
			lab_print_world(stdout, w, false);
		lab_world_free(w);
		return 0;
	}

	/* The stop signals stay blocked except while the loop waits. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = lab_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	lab_stop = 0;

	if ((l = lab_loop_new(w, verbose, err, sizeof err)) == NULL) {
		fprintf(stderr, "exdns lab: %s\n", err);
		lab_world_free(w);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return EXIT_USAGE;
	}
	if (ready != NULL && lab_write_ready(ready, w) != 0) {
		fprintf(stderr, "exdns lab: --ready-file %s: %s\n", ready,
		    strerror(errno));
		lab_loop_free(l);
		lab_world_free(w);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return EXIT_USAGE;
	}
	if (!quiet) {
		lab_print_world(stdout, w, true);
		printf("\nPress Ctrl-C to stop.\n");
		fflush(stdout);
	}
	{
		sigset_t waitmask = old;
		sigdelset(&waitmask, SIGINT);
		sigdelset(&waitmask, SIGTERM);
		sigdelset(&waitmask, SIGHUP);
		if (lab_loop_run(l, &lab_stop, &waitmask) != 0)
			rc = 1;
	}
	lab_loop_get_stats(l, &st);
	if (!quiet)
		printf("exdns lab: stopped after %llu queries (%llu UDP, %llu TCP "
		    "on %llu connections), %llu answered, %llu left unanswered\n",
		    (unsigned long long)(st.udp_queries + st.tcp_queries),
		    (unsigned long long)st.udp_queries,
		    (unsigned long long)st.tcp_queries,
		    (unsigned long long)st.tcp_conns,
		    (unsigned long long)st.replies, (unsigned long long)st.silent);
	if (ready != NULL)
		unlink(ready);
	lab_loop_free(l);
	lab_world_free(w);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
