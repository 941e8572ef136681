/* screens.c - which screen shows which wizard state, and key helpers the
 * screens share. */
#include <config.h>

#include "crt.h"
#include "draw.h"
#include "screens.h"

static bool
never_typing(const app *a)
{
	(void)a;
	return false;
}

static const screen screens[WZ_STATE_COUNT] = {
	[WZ_WELCOME] = { screen_welcome_draw, screen_welcome_key,
	    screen_welcome_typing },
	[WZ_QUESTION] = { screen_question_draw, screen_question_key,
	    never_typing },
	[WZ_CHECKING] = { screen_progress_draw, screen_progress_key,
	    never_typing },
	[WZ_CHECKED] = { screen_check_draw, screen_check_key, never_typing },
	[WZ_DOMAINS] = { screen_domains_draw, screen_domains_key,
	    screen_domains_typing },
	[WZ_PROBING] = { screen_progress_draw, screen_progress_key,
	    never_typing },
	[WZ_RESULTS] = { screen_results_draw, screen_results_key,
	    screen_results_typing },
	[WZ_EVIDENCE] = { screen_evidence_draw, screen_evidence_key,
	    screen_message_typing },
	[WZ_EXTERNAL_PROBING] = { screen_progress_draw, screen_progress_key,
	    never_typing },
	[WZ_EXTERNAL] = { screen_external_draw, screen_external_key,
	    never_typing },
	[WZ_SAVE] = { screen_save_draw, screen_save_key, screen_save_typing },
	[WZ_CONFIRM] = { screen_confirm_draw, screen_confirm_key,
	    never_typing },
	[WZ_DONE] = { screen_done_draw, screen_done_key, never_typing },
	[WZ_QUIT_ASK] = { screen_quit_draw, screen_quit_key, never_typing },
	[WZ_QUIT] = { screen_done_draw, screen_done_key, never_typing },
};

const screen *
app_screen(wz_state s)
{
	return &screens[(unsigned)s < WZ_STATE_COUNT ? s : WZ_WELCOME];
}

bool
screen_is_enter(int key)
{
	return key == '\r' || key == '\n' || key == KEY_ENTER;
}

bool
screen_scroll(int key, size_t *top, int rows)
{
	size_t p = rows > 1 ? (size_t)rows - 1 : 1;

	switch (key) {
	case KEY_UP: case 'k':
		if (*top > 0)
			(*top)--;
		return true;
	case KEY_DOWN: case 'j':
		(*top)++;
		return true;
	case KEY_PPAGE:
		*top = *top > p ? *top - p : 0;
		return true;
	case KEY_NPAGE: case ' ':
		*top += p;
		return true;
	case KEY_HOME: case 'g':
		*top = 0;
		return true;
	case KEY_END: case 'G':
		*top = (size_t)-1 / 2;
		return true;
	default:
		return false;
	}
}
