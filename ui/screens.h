/* screens.h - the screens, one file each (screen_*.c): a draw function and
 * a key function per wizard state, plus the overlays (help, quit). */
#ifndef EXDNS_SCREENS_H
#define EXDNS_SCREENS_H

#include "app.h"

void screen_welcome_draw(app *a);
bool screen_welcome_key(app *a, int key);
bool screen_welcome_typing(const app *a);

void screen_question_draw(app *a);
bool screen_question_key(app *a, int key);

void screen_progress_draw(app *a);
bool screen_progress_key(app *a, int key);

void screen_check_draw(app *a);
bool screen_check_key(app *a, int key);

void screen_domains_draw(app *a);
bool screen_domains_key(app *a, int key);
bool screen_domains_typing(const app *a);

void screen_results_draw(app *a);
bool screen_results_key(app *a, int key);
bool screen_results_typing(const app *a);
/* The results screen's own keys, for the help. */
extern const char screen_results_keys[];

void screen_evidence_draw(app *a);
bool screen_evidence_key(app *a, int key);
/* m on the results table or the evidence: the prompt that saves the
 * chosen domain's message for its DNS operator (exdns report). start
 * opens it (or says why not); key and draw while it is open. */
void screen_message_start(app *a);
bool screen_message_key(app *a, int key);
void screen_message_draw(app *a);
bool screen_message_typing(const app *a);

void screen_external_draw(app *a);
bool screen_external_key(app *a, int key);

void screen_save_draw(app *a);
bool screen_save_key(app *a, int key);
bool screen_save_typing(const app *a);

void screen_confirm_draw(app *a);
bool screen_confirm_key(app *a, int key);

void screen_done_draw(app *a);
bool screen_done_key(app *a, int key);

/* Overlays, drawn over the screen of the state below. */
void screen_help_draw(app *a);
bool screen_help_key(app *a, int key);
void screen_quit_draw(app *a);
bool screen_quit_key(app *a, int key);

/* Shared: is this key Enter / a scrolling key; scroll a position. */
bool screen_is_enter(int key);
bool screen_scroll(int key, size_t *top, int rows);

#endif
