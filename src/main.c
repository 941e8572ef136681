/* main.c - the exdns command line: global options and sub-command dispatch. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dname.h"
#include "escape.h"

static const command commands[] = {
	{"probe", cmd_probe, cmd_probe_usage,
	 "diagnose domains and print verdicts and evidence"},
	{"plan", cmd_plan, cmd_plan_usage,
	 "probe, then write a remediation plan (exdns-plan(5))"},
	{"replay", cmd_replay, cmd_replay_usage,
	 "re-check a saved plan: still needed, stale, no longer needed"},
	{"report", cmd_report, cmd_report_usage,
	 "a message for a remote domain's DNS operator, or a Markdown/HTML report"},
	{"history", cmd_history, cmd_history_usage,
	 "print the replay history kept with 'exdns replay --history DIR'"},
	{"emit", cmd_emit, cmd_emit_usage,
	 "print the Exchange Management Shell script for a plan"},
	{"lab", cmd_lab, cmd_lab_usage,
	 "serve the built-in demo DNS world on loopback"},
	{"wizard", cmd_wizard, cmd_wizard_usage,
	 "walk through the diagnosis in a terminal (also: exdns alone)"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
main_usage(FILE *out)
{
	size_t i;

	fprintf(out,
	    "Usage: exdns [--help] [--version] COMMAND [ARGS]...\n"
	    "Diagnose \"451 4.4.0 DNS query failed\" in Exchange Server queues with\n"
	    "real DNS probes, and say what to change.\n\n"
	    "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
	    "  %-8s %s\n\n"
	    "Run 'exdns help COMMAND' for a command's options.\n\n"
	    "Exit status: 0 no DNS fault, 1 faults found, 2 bad usage or input,\n"
	    "4 the output could not be written.\n\n"
	    "Report bugs to the exdns issue tracker.\n",
	    "help", "show the help of a command");
}

static const command *
main_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int
main_unknown(const char *name)
{
	char esc[128];

	fprintf(stderr, "exdns: unknown command '%s'\n"
	    "Try 'exdns --help' for the list of commands.\n",
	    esc_buf(ESC_TERMINAL, name, strlen(name), esc, sizeof esc));
	return EXIT_USAGE;
}

/* A report, a JSON document or a script that did not all reach standard
 * output (a full disk, a closed pipe) is no success: say so, and exit with
 * a status of its own, whatever the command found. */
static int
main_output_done(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	fprintf(stderr, "exdns: standard output: write error (%s): the output "
	    "is incomplete\n", strerror(errno ? errno : EIO));
	return EXIT_OUTPUT;
}

static int
main_dispatch(int argc, char **argv)
{
	const command *c;

	/* No command, or the wizard's own options: the wizard. */
	if (argc < 2 || strcmp(argv[1], "--resume") == 0 ||
	    strcmp(argv[1], "--check-data") == 0 ||
	    strcmp(argv[1], "--ascii") == 0)
		return cmd_wizard(argc, argv);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("exdns %s\n"
		    "License: MIT. This is free software: you are free to change and\n"
		    "redistribute it. There is NO WARRANTY, to the extent permitted by law.\n",
		    PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			main_usage(stdout);
			return 0;
		}
		if ((c = main_find(argv[2])) == NULL)
			return main_unknown(argv[2]);
		c->usage(stdout);
		return 0;
	}
	if ((c = main_find(argv[1])) == NULL)
		return main_unknown(argv[1]);
	return c->run(argc - 1, argv + 1);
}

int
main(int argc, char **argv)
{
	return main_output_done(main_dispatch(argc, argv));
}
