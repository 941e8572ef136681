/* fuzz_opts.c - libFuzzer target for src/opts.c, the probe options that
 * probe, plan, replay and the wizard take (make fuzz; harness.h). The
 * input is a command line, one argument per line, parsed with the
 * options' own getopt_long table then checked as `exdns probe` checks
 * it. Arguments naming absolute paths or standard input are left out
 * (the fuzzer would read the machine's files); relative ones name files
 * of the fuzzer's folder. Property beyond memory safety: each domain kept
 * is a valid host name. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "opts.h"

#define MAX_ARGS 32

static const struct option longopts[] = {
	OPTS_PROBE_LONGOPTS,
	{NULL, 0, NULL, 0}
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *argv[MAX_ARGS + 2], *p, *nl;
	int argc = 1, c, bad = 0;
	size_t i;
	opts_probe o;

	argv[0] = (char *)"exdns";
	for (p = text; argc <= MAX_ARGS && p < text + size; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(text + size - p));
		if (nl == NULL)
			nl = text + size;
		*nl = '\0';
		if (strchr(p, '/') != NULL || strcmp(p, "-") == 0 ||
		    strstr(p, "=-") != NULL)
			goto out;
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	opts_probe_init(&o);
	optind = 0;           /* GNU getopt: start again */
	opterr = 0;
	while (!bad && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (c == '?' || c == ':' || opts_probe_handle(&o, c, optarg) != 1)
			bad = 1;
	if (!bad && opts_probe_finish(&o, argc - optind, argv + optind, false,
	    false) == 0)
		for (i = 0; i < o.ndomains; i++)
			must(dname_valid_host(o.domains[i]));
	opts_probe_free(&o);
out:
	free(text);
	return 0;
}

/* Files the options may name are read in the fuzzer's folder, and the
 * default resolver comes from a resolv.conf there. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char conf[600];
	FILE *f;

	(void)argc;
	(void)argv;
	snprintf(conf, sizeof conf, "%s/resolv.conf", fuzz_dir());
	f = fopen(conf, "w");
	must(f != NULL);
	fputs("nameserver 127.0.0.1\n", f);
	must(fclose(f) == 0);
	setenv("EXDNS_RESOLV_CONF", conf, 1);
	setenv("EXDNS_LOOPBACK_ONLY", "1", 1);
	must(chdir(fuzz_dir()) == 0);
	return 0;
}
