/* crt.c - sets curses up and tears it down (the only file that does),
 * on every exit path: normal end, SIGINT/SIGTERM/SIGHUP noted for the
 * input loop, fatal signals restoring the terminal before dying. Also
 * colours, ASCII line drawing, keys and UTF-8-or-ASCII text output. */
#include <config.h>

#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>
#include <term.h>

#include "crt.h"
#include "dname.h"
#include "escape.h"

crt_info crt;

static SCREEN *crt_screen;
static volatile sig_atomic_t crt_sig;
static struct termios crt_tios;
static bool crt_have_tios;
/* What the fatal-signal handler writes to put the terminal back: made at
 * start-up so the handler itself only calls write(2) and tcsetattr(3). */
static char crt_restore_seq[256];
static size_t crt_restore_len;
static attr_t crt_attrs[CRT_ROLE_COUNT];

static void
crt_note_signal(int sig)
{
	crt_sig = sig;
}

static void
crt_fatal_signal(int sig)
{
	if (crt.active) {
		if (crt_restore_len > 0) {
			ssize_t w = write(STDOUT_FILENO, crt_restore_seq,
			    crt_restore_len);
			(void)w;
		}
		if (crt_have_tios)
			tcsetattr(STDIN_FILENO, TCSANOW, &crt_tios);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int
crt_take_signal(void)
{
	int s = crt_sig;

	crt_sig = 0;
	return s;
}

static void
crt_add_restore(const char *cap)
{
	const char *s = cap;
	size_t n;

	if (s == NULL || s == (const char *)-1)
		return;
	n = strlen(s);
	if (crt_restore_len + n < sizeof crt_restore_seq) {
		memcpy(crt_restore_seq + crt_restore_len, s, n);
		crt_restore_len += n;
	}
}

static void
crt_signals(void)
{
	struct sigaction sa;
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = crt_note_signal;
	sa.sa_flags = 0;                 /* no SA_RESTART: wake up poll() */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);   /* a terminal gone after SIGHUP */
	sa.sa_handler = crt_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
}

static void
crt_atexit(void)
{
	crt_done();
}

static void
crt_colors(void)
{
	const char *nc = getenv("NO_COLOR");
	attr_t none = A_NORMAL;

	crt.color = has_colors() && (nc == NULL || *nc == '\0');
	if (crt.color && start_color() == OK) {
		short bg = COLOR_BLACK;
		if (use_default_colors() == OK)
			bg = -1;
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
		init_pair(2, COLOR_BLACK, COLOR_CYAN);
		init_pair(3, COLOR_GREEN, bg);
		init_pair(4, COLOR_RED, bg);
		init_pair(5, COLOR_YELLOW, bg);
		init_pair(6, COLOR_CYAN, bg);
		crt_attrs[CRT_TITLE] = COLOR_PAIR(1) | A_BOLD;
		crt_attrs[CRT_KEYS] = COLOR_PAIR(2);
		crt_attrs[CRT_SELECTED] = A_REVERSE | A_BOLD;
		crt_attrs[CRT_GOOD] = COLOR_PAIR(3) | A_BOLD;
		crt_attrs[CRT_BAD] = COLOR_PAIR(4) | A_BOLD;
		crt_attrs[CRT_WARN] = COLOR_PAIR(5) | A_BOLD;
		crt_attrs[CRT_ERROR] = COLOR_PAIR(4) | A_BOLD;
		crt_attrs[CRT_HEADING] = COLOR_PAIR(6) | A_BOLD;
		crt_attrs[CRT_FIELD] = A_UNDERLINE;
		crt_attrs[CRT_DIM] = none;
	} else {
		crt.color = false;
		crt_attrs[CRT_TITLE] = A_REVERSE | A_BOLD;
		crt_attrs[CRT_KEYS] = A_REVERSE;
		crt_attrs[CRT_SELECTED] = A_REVERSE | A_BOLD;
		crt_attrs[CRT_GOOD] = none;
		crt_attrs[CRT_BAD] = A_BOLD;
		crt_attrs[CRT_WARN] = A_BOLD;
		crt_attrs[CRT_ERROR] = A_BOLD;
		crt_attrs[CRT_HEADING] = A_BOLD;
		crt_attrs[CRT_FIELD] = A_UNDERLINE;
		crt_attrs[CRT_DIM] = none;
	}
	crt_attrs[CRT_NORMAL] = none;
}

int
crt_init(bool ascii, char *err, size_t errlen)
{
	const char *term = getenv("TERM"), *cs;
	const char *alt = "or use 'exdns probe' or 'exdns plan'";
	char *cup, *acsc;
	int hc, e = 0;
	TERMINAL *probe_term;

	memset(&crt, 0, sizeof crt);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "exdns: the wizard needs a terminal; without "
		    "one, use 'exdns probe' or 'exdns plan'");
		return -1;
	}
	if (term == NULL || *term == '\0') {
		snprintf(err, errlen, "exdns: TERM is not set; set it (e.g. "
		    "TERM=xterm) %s", alt);
		return -1;
	}
	esc_buf(ESC_TERMINAL, term, strlen(term), crt.term, sizeof crt.term);
	cs = nl_langinfo(CODESET);
	crt.utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;

	/* Look the terminal up before curses starts: newterm on an unknown
	 * terminal leaves memory behind, and a terminal that cannot move the
	 * cursor is no use to the wizard. */
	if (setupterm(NULL, STDOUT_FILENO, &e) != OK) {
		snprintf(err, errlen, "exdns: unknown terminal type TERM=%s; try "
		    "TERM=xterm, %s", crt.term, alt);
		return -1;
	}
	cup = tigetstr("cup");
	hc = tigetflag("hc");
	probe_term = cur_term;
	if (cup == NULL || cup == (char *)-1 || hc > 0 ||
	    tigetstr("clear") == NULL || tigetstr("clear") == (char *)-1) {
		del_curterm(probe_term);
		snprintf(err, errlen, "exdns: TERM=%s cannot move the cursor; try "
		    "TERM=xterm, %s", crt.term, alt);
		return -1;
	}
	del_curterm(probe_term);

	/* The terminal's modes as the shell left them, for the fatal-signal
	 * handler (curses changes them from newterm on). */
	crt_have_tios = tcgetattr(STDIN_FILENO, &crt_tios) == 0;
	crt_signals();
	crt_screen = newterm(NULL, stdout, stdin);
	if (crt_screen == NULL) {
		snprintf(err, errlen, "exdns: the terminal TERM=%s cannot be "
		    "used; try TERM=xterm, %s", crt.term, alt);
		return -1;
	}
	set_term(crt_screen);
	crt.active = true;
	crt_restore_len = 0;
	crt_add_restore(tigetstr("sgr0"));
	crt_add_restore(tigetstr("cnorm"));
	crt_add_restore(tigetstr("rmkx"));
	crt_add_restore(tigetstr("rmcup"));
	crt_add_restore("\033[?2004l");
	atexit(crt_atexit);

	set_escdelay(CRT_ESCDELAY);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	acsc = tigetstr("acsc");
	crt.ascii = ascii || acsc == NULL || acsc == (char *)-1;
	crt_colors();
	/* Bracketed paste: a pasted list of domains arrives as text, new
	 * lines and all, not as Enter. Terminals that do not know the mode
	 * ignore it. */
	define_key("\033[200~", CRT_KEY_PASTE_BEGIN);
	define_key("\033[201~", CRT_KEY_PASTE_END);
	putp("\033[?2004h");
	fflush(stdout);
	crt.paste = true;
	return 0;
}

void
crt_done(void)
{
	if (!crt.active)
		return;
	crt.active = false;
	if (crt.paste) {
		putp("\033[?2004l");
		crt.paste = false;
	}
	curs_set(1);
	endwin();
	fflush(stdout);
	if (crt_screen != NULL) {
		delscreen(crt_screen);
		crt_screen = NULL;
	}
}

/* ---- keys --------------------------------------------------------------- */

/* Escape sequences for the keys the wizard uses, in the variants
 * terminals send whether or not their terminfo entry names them (vt100
 * has no PgUp/PgDn, tmux and PuTTY send Home/End as ESC [ 1~ / 4~ or
 * 7~ / 8~, xterm as ESC [ H / F or ESC O H / F). Written without the
 * leading ESC; modifiers (ESC [ 1 ; 5 D) are dropped before the look-up.
 * Any other sequence is swallowed whole: it is never Esc, nor text. */
static const struct crt_seq {
	const char *seq;
	int key;
} crt_seqs[] = {
	{ "[A", KEY_UP }, { "[B", KEY_DOWN }, { "[C", KEY_RIGHT },
	{ "[D", KEY_LEFT }, { "OA", KEY_UP }, { "OB", KEY_DOWN },
	{ "OC", KEY_RIGHT }, { "OD", KEY_LEFT },
	{ "[H", KEY_HOME }, { "[F", KEY_END }, { "OH", KEY_HOME },
	{ "OF", KEY_END }, { "[1~", KEY_HOME }, { "[7~", KEY_HOME },
	{ "[4~", KEY_END }, { "[8~", KEY_END },
	{ "[5~", KEY_PPAGE }, { "[6~", KEY_NPAGE },
	{ "[2~", KEY_IC }, { "[3~", KEY_DC }, { "[Z", KEY_BTAB },
	{ "OP", KEY_F(1) }, { "[11~", KEY_F(1) }, { "[[A", KEY_F(1) },
	{ "[21~", KEY_F(10) },
	{ "OM", '\r' },
	{ "[200~", CRT_KEY_PASTE_BEGIN }, { "[201~", CRT_KEY_PASTE_END },
};

#define CRT_SEQ_MAX   32
#define CRT_SEQ_WAIT  200     /* ms: the next byte of a sequence begun */

/* The key a sequence (without ESC) stands for, or ERR. */
static int
crt_seq_key(char *seq, size_t n)
{
	char *semi;
	size_t i;

	/* ESC [ 1 ; 5 D is D with Ctrl; ESC [ 5 ; 2 ~ is [5~ with Shift. */
	if (n > 2 && seq[0] == '[' && (semi = memchr(seq, ';', n)) != NULL) {
		char fin = seq[n - 1];
		size_t at = (size_t)(semi - seq);
		if (at == 2 && seq[1] == '1' && fin != '~')
			at = 1;
		seq[at] = fin;
		n = at + 1;
		seq[n] = '\0';
	}
	for (i = 0; i < sizeof crt_seqs / sizeof crt_seqs[0]; i++)
		if (strcmp(crt_seqs[i].seq, seq) == 0)
			return crt_seqs[i].key;
	return ERR;
}

/* Curses gave Esc: the terminal's own key, or the start of a sequence
 * curses did not know (its bytes follow). Returns the key, or ERR when
 * the sequence stood for nothing the wizard uses (swallowed). */
static int
crt_escape(void)
{
	char seq[CRT_SEQ_MAX + 1];
	size_t n = 0;
	int c;

	wtimeout(stdscr, CRT_ESCDELAY);
	c = wgetch(stdscr);
	if (c == ERR)
		return CRT_KEY_ESC;
	if (c != '[' && c != 'O') {
		ungetch(c);             /* Esc, then a key of its own */
		return CRT_KEY_ESC;
	}
	seq[n++] = (char)c;
	wtimeout(stdscr, CRT_SEQ_WAIT);
	for (;;) {
		c = wgetch(stdscr);
		if (c == ERR || c < 0x20 || c > 0x7e) {
			if (c != ERR)
				ungetch(c);      /* cut short: what follows is a key */
			return ERR;
		}
		if (n < CRT_SEQ_MAX)
			seq[n++] = (char)c;
		/* ESC O x: one byte; ESC [ ...: parameters and intermediates
		 * (0x20-0x3f) up to a final byte (0x40-0x7e); ESC [ [ A too. */
		if (seq[0] == 'O' || (c >= 0x40 && !(n == 2 && c == '[')))
			break;
	}
	seq[n] = '\0';
	return crt_seq_key(seq, n);
}

/* Curses gave the first byte of a UTF-8 character (a UTF-8 terminal):
 * its other bytes follow. Returns the character as CRT_KEY_CHAR, or ERR
 * for bytes that are no character (invalid, overlong, a surrogate, cut
 * short: swallowed; a key cutting it short is kept for the next call). */
static int
crt_utf8_key(int lead)
{
	char b[4];
	size_t need, n = 0;
	mbstate_t st;
	wchar_t wc;
	int c;

	need = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ?
	    3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
	if (need == 0)
		return ERR;             /* a stray continuation byte, or 0xf5.. */
	b[n++] = (char)lead;
	wtimeout(stdscr, CRT_SEQ_WAIT);
	while (n < need) {
		c = wgetch(stdscr);
		if (c < 0x80 || c > 0xbf) {
			if (c != ERR)
				ungetch(c);
			return ERR;
		}
		b[n++] = (char)c;
	}
	memset(&st, 0, sizeof st);
	if (mbrtowc(&wc, b, n, &st) != n || wc < 0x80)
		return ERR;
	return CRT_KEY_CHAR(wc);
}

int
crt_getkey(int timeout_ms)
{
	int k;
	struct pollfd p = {STDIN_FILENO, POLLIN, 0};

	wtimeout(stdscr, timeout_ms);
	k = wgetch(stdscr);
	if (k == CRT_KEY_ESC)
		k = crt_escape();
	else if (crt.utf8 && k >= 0x80 && k <= 0xff)
		k = crt_utf8_key(k);
	/* A terminal that went away without a SIGHUP reaching us (the shell
	 * that started us is the session leader and was given it) reads as
	 * ERR at once, for ever: take it as the hangup it is. */
	if (k == ERR && poll(&p, 1, 0) > 0 &&
	    (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
		crt_sig = SIGHUP;
	return k;
}

bool
crt_key_pending(void)
{
	int k;

	wtimeout(stdscr, 0);
	k = wgetch(stdscr);
	if (k == ERR)
		return false;
	ungetch(k);
	return true;
}

attr_t
crt_attr(crt_role r)
{
	return (unsigned)r < CRT_ROLE_COUNT ? crt_attrs[r] : A_NORMAL;
}

void
crt_set(crt_role r)
{
	attrset(crt_attr(r));
}

/* ---- text --------------------------------------------------------------- */

/* Decodes one UTF-8 character; returns its length (1 for a bad byte, with
 * *cp = '?'). */
static size_t
crt_decode(const char *s, wchar_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned need, i;
	unsigned long c;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) { need = 1; c = u[0] & 0x1f; }
	else if (u[0] >= 0xe0 && u[0] <= 0xef) { need = 2; c = u[0] & 0x0f; }
	else if (u[0] >= 0xf0 && u[0] <= 0xf4) { need = 3; c = u[0] & 0x07; }
	else {
		*cp = '?';
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = '?';
			return 1;
		}
		c = (c << 6) | (u[i] & 0x3f);
	}
	*cp = (wchar_t)c;
	return need + 1;
}

/* The ASCII stand-in of a character outside ASCII. */
static const char *
crt_ascii_of(wchar_t c)
{
	switch (c) {
	case 0x2013: case 0x2014: case 0x2212: return "-";
	case 0x2018: case 0x2019: return "'";
	case 0x201c: case 0x201d: return "\"";
	case 0x2026: return "...";
	case 0x00a0: return " ";
	case 0x2022: case 0x00b7: return "*";
	case 0x2192: return "->";
	case 0x2190: return "<-";
	case 0x2191: return "^";
	case 0x2193: return "v";
	default: return "?";
	}
}

/* Columns of one character (and whether it is drawn as itself). */
static int
crt_char_cols(wchar_t c, bool *native)
{
	int w;

	*native = false;
	if (c < 0x80)
		return (c >= 0x20 && c < 0x7f) ? (*native = true, 1) : 1;
	if (crt.utf8) {
		/* Never sent: controls that reorder or hide text (bidi
		 * overrides and isolates, zero-width characters). */
		if ((c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
		    (c >= 0x2060 && c <= 0x206f) || c == 0xfeff)
			return 1;
		w = wcwidth(c);
		if (w >= 0) {
			*native = true;
			return w;
		}
		return 1;
	}
	return (int)strlen(crt_ascii_of(c));
}

size_t
crt_char(const char *s, int *cols)
{
	bool native;
	wchar_t c;
	size_t n;

	if (*s == '\0') {
		*cols = 0;
		return 0;
	}
	n = crt_decode(s, &c);
	*cols = crt_char_cols(c, &native);
	return n;
}

int
crt_width(const char *text)
{
	int cols = 0;
	bool native;
	wchar_t c;

	while (*text != '\0') {
		text += crt_decode(text, &c);
		cols += crt_char_cols(c, &native);
	}
	return cols;
}

size_t
crt_fit(const char *text, int cols)
{
	const char *p = text;
	int used = 0, w;
	bool native;
	wchar_t c;
	size_t n;

	while (*p != '\0') {
		n = crt_decode(p, &c);
		w = crt_char_cols(c, &native);
		if (used + w > cols)
			break;
		used += w;
		p += n;
	}
	return (size_t)(p - text);
}

int
crt_put(int y, int x, int width, const char *text)
{
	int used = 0, w;
	bool native;
	wchar_t c;
	size_t n;

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	move(y, x);
	while (*text != '\0') {
		n = crt_decode(text, &c);
		w = crt_char_cols(c, &native);
		if (used + w > width)
			break;
		if (c < 0x80)
			addch(native ? (chtype)c : (chtype)'?');
		else if (native) {
			wchar_t s[2] = { c, 0 };
			addnwstr(s, 1);
		} else
			addstr(c < 0x80 ? "?" : crt_ascii_of(c));
		used += w;
		text += n;
	}
	return used;
}

/* ---- lines -------------------------------------------------------------- */

void
crt_hline(int y, int x, int n)
{
	if (n <= 0)
		return;
	if (crt.ascii)
		mvhline(y, x, '-', n);
	else
		mvhline(y, x, ACS_HLINE, n);
}

void
crt_vline(int y, int x, int n)
{
	if (n <= 0)
		return;
	if (crt.ascii)
		mvvline(y, x, '|', n);
	else
		mvvline(y, x, ACS_VLINE, n);
}

void
crt_box(int y, int x, int h, int w)
{
	if (h < 2 || w < 2)
		return;
	crt_hline(y, x + 1, w - 2);
	crt_hline(y + h - 1, x + 1, w - 2);
	crt_vline(y + 1, x, h - 2);
	crt_vline(y + 1, x + w - 1, h - 2);
	if (crt.ascii) {
		mvaddch(y, x, '+');
		mvaddch(y, x + w - 1, '+');
		mvaddch(y + h - 1, x, '+');
		mvaddch(y + h - 1, x + w - 1, '+');
	} else {
		mvaddch(y, x, ACS_ULCORNER);
		mvaddch(y, x + w - 1, ACS_URCORNER);
		mvaddch(y + h - 1, x, ACS_LLCORNER);
		mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	}
}

void
crt_clear_rect(int y, int x, int h, int w)
{
	int i;

	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
}
