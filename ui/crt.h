/* crt.h - the terminal: the one place that sets curses up and tears it
 * down (on every exit path: normal, signals, fatal errors), colours and
 * attributes, line drawing (or its ASCII stand-in), keys, and safe text
 * output. The screens draw only through these and plain curses calls. */
#ifndef EXDNS_CRT_H
#define EXDNS_CRT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

/* Smallest window the wizard is laid out for. */
#define CRT_MIN_COLS   80
#define CRT_MIN_LINES  24
#define CRT_ESCDELAY   25          /* ms: Esc answers at once */

/* Keys curses does not name. */
#define CRT_KEY_PASTE_BEGIN (KEY_MAX + 1)   /* bracketed paste start */
#define CRT_KEY_PASTE_END   (KEY_MAX + 2)
#define CRT_KEY_ESC         27
#define CRT_KEY_CTRL(c)     ((c) & 0x1f)
/* A character outside ASCII typed or pasted on a UTF-8 terminal (curses
 * gives its bytes one by one; crt_getkey puts them together): one key,
 * its code point cp. Bytes that make no character never come out. */
#define CRT_KEY_CHAR_BASE   (KEY_MAX + 0x100)
#define CRT_KEY_CHAR(cp)    (CRT_KEY_CHAR_BASE + (int)(cp))
#define CRT_KEY_IS_CHAR(k)  ((k) >= CRT_KEY_CHAR_BASE + 0x80 && \
                             (k) <= CRT_KEY_CHAR_BASE + 0x10ffff)
#define CRT_KEY_CP(k)       ((k) - CRT_KEY_CHAR_BASE)

/* What a piece of screen shows; each maps to an attribute (and a colour
 * when colours are on). Meaning is never carried by colour alone: every
 * role also has text or a mark that says the same. */
typedef enum crt_role {
	CRT_NORMAL = 0,
	CRT_TITLE,        /* top bar */
	CRT_KEYS,         /* bottom key line */
	CRT_SELECTED,     /* the chosen row */
	CRT_GOOD,         /* ok, working */
	CRT_BAD,          /* a fault */
	CRT_WARN,         /* worth a look */
	CRT_ERROR,        /* message line: an error */
	CRT_HEADING,      /* a table header, a section name */
	CRT_FIELD,        /* a text field */
	CRT_DIM,          /* secondary text */
	CRT_ROLE_COUNT
} crt_role;

typedef struct crt_info {
	bool active;      /* curses is running */
	bool color;       /* colours in use */
	bool ascii;       /* ASCII line drawing */
	bool utf8;        /* UTF-8 locale */
	bool paste;       /* bracketed paste asked of the terminal */
	char term[64];    /* $TERM, escaped */
} crt_info;

extern crt_info crt;

/* Checks that standard input and output are a terminal that can run the
 * wizard and starts curses (newterm). ascii forces ASCII line drawing.
 * Returns 0, or -1 with a one-line message in err (curses not started). */
int crt_init(bool ascii, char *err, size_t errlen);
/* Ends curses and restores the terminal; safe to call twice. */
void crt_done(void);

/* The signal (SIGINT, SIGTERM, SIGHUP) received since the last call, or 0.
 * The handlers only note it; the input loop acts on it. */
int crt_take_signal(void);

/* A key, or ERR after timeout_ms (-1: wait). KEY_RESIZE when the window
 * changed size (curses already knows the new size). */
int crt_getkey(int timeout_ms);
/* True when more input is waiting (a paste without bracketed paste). */
bool crt_key_pending(void);

attr_t crt_attr(crt_role r);
void crt_set(crt_role r);          /* attrset on stdscr */

/* Text output clipped to width columns at (y, x). Text is UTF-8 (the
 * tree's texts) or printable ASCII; in a non-UTF-8 locale characters
 * outside ASCII are shown as their nearest ASCII. Returns columns used. */
int crt_put(int y, int x, int width, const char *text);
/* The first character of text: its bytes (0 at the end), and in *cols
 * the columns crt_put draws it in. */
size_t crt_char(const char *s, int *cols);
/* Columns a UTF-8 text takes. */
int crt_width(const char *text);
/* Byte length of the longest prefix of text that fits cols columns. */
size_t crt_fit(const char *text, int cols);

/* Lines: ACS characters, or '-', '|', '+' in ASCII mode. */
void crt_hline(int y, int x, int n);
void crt_vline(int y, int x, int n);
void crt_box(int y, int x, int h, int w);
/* Blank a rectangle. */
void crt_clear_rect(int y, int x, int h, int w);

#endif
