/* commands.h - the sub-commands of exdns, one file each (src/cmd_*.c, and
 * the wizard in ui/). Each returns the process exit status. */
#ifndef EXDNS_COMMANDS_H
#define EXDNS_COMMANDS_H

#include <stdio.h>

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);    /* argv[0] is the command name */
	void (*usage)(FILE *out);             /* full help for `exdns help NAME` */
	const char *summary;                  /* one line for --help */
} command;

int cmd_probe(int argc, char **argv);
void cmd_probe_usage(FILE *out);
int cmd_lab(int argc, char **argv);
void cmd_lab_usage(FILE *out);
int cmd_plan(int argc, char **argv);
void cmd_plan_usage(FILE *out);
int cmd_replay(int argc, char **argv);
void cmd_replay_usage(FILE *out);
int cmd_report(int argc, char **argv);
void cmd_report_usage(FILE *out);
int cmd_history(int argc, char **argv);
void cmd_history_usage(FILE *out);
int cmd_emit(int argc, char **argv);
void cmd_emit_usage(FILE *out);
/* The wizard (ui/wizard_main.c): `exdns`, `exdns wizard`, `exdns --resume`,
 * `exdns --check-data`. */
int cmd_wizard(int argc, char **argv);
void cmd_wizard_usage(FILE *out);

/* Exit statuses shared by the commands. */
#define EXIT_NO_FAULT 0
#define EXIT_FAULTS   1
#define EXIT_USAGE    2
#define EXIT_NOPROBE  3
#define EXIT_OUTPUT   4    /* standard output could not be written */

#endif
