/* draw.h - drawing helpers the screens share: the frame (title bar,
 * message line, key line), wrapped paragraphs, fields, a progress bar,
 * scrollable line lists. All output goes through crt_put. */
#ifndef EXDNS_DRAW_H
#define EXDNS_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "crt.h"
#include "field.h"

/* Rows of the body: from DRAW_TOP to draw_bottom() (exclusive). */
#define DRAW_TOP  2
#define DRAW_LEFT 2
#define DRAW_TEXT_MAX 100   /* paragraphs wrap at most this wide */
int draw_bottom(void);
int draw_width(void);     /* body width */

/* Title bar; keys is the key line draw_footer draws. title is the
 * step's title. */
void draw_frame(app *a, const char *title, const char *keys);
/* The message line(s) and the key line, wrapped to the window: drawn
 * after the screen, as a long message may cover its last rows. */
void draw_footer(app *a);

/* Word-wraps text into width columns from row y, skipping the first skip
 * lines, at most maxrows rows; returns the rows the whole text needs
 * (after skip), so a caller can both draw and measure. role: attribute.
 * indent: columns added to the second and later lines. */
int draw_wrap(int y, int x, int width, int maxrows, int skip, const char *text,
              crt_role role, int indent);
/* Rows a text needs at width. */
int draw_wrap_rows(int width, const char *text, int indent);

/* Paragraphs from the tree (placeholders filled in, one blank row between);
 * returns the rows used. */
int draw_paras(app *a, int y, int x, int width, int maxrows,
               char *const *paras, size_t n, size_t domain);

/* A one-line field "[text     ]" of width columns. */
void draw_field(int y, int x, int width, field *f, bool focused);
/* A multi-line field in a box of h rows (box included). */
void draw_field_box(int y, int x, int h, int width, field *f, bool focused);

/* "[#####.....]  3/10" bar. */
void draw_bar(int y, int x, int width, size_t done, size_t total);

/* A scrollable list of lines in rows [y, y+h); *top is clamped. Returns
 * the number of lines. */
size_t draw_lines(int y, int x, int width, int h, char *const *lines,
                  size_t n, size_t *top);

/* The window is too small: says so and how big it must be. */
void draw_too_small(void);
bool draw_fits(void);

/* A box in the middle of the screen with a title; returns its inner
 * top-left in *iy, *ix and inner size in *ih, *iw. */
void draw_dialog(int h, int w, const char *title, int *iy, int *ix, int *ih,
                 int *iw);

/* A page: lines of text (wrapped when added) drawn with scrolling, for
 * screens whose content may not fit (80x24) or leaves room (200x60). */
typedef struct page_line {
	char *text;
	crt_role role;
	int x;                  /* columns from the left of the page */
} page_line;
typedef struct page {
	page_line *l; size_t n, cap;
	int width;
} page;
void page_init(page *p, int width);
void page_free(page *p);
/* Wrapped text; returns the index of its first line. */
size_t page_text(page *p, const char *text, crt_role role, int x, int indent);
/* One line, cut at the width. */
size_t page_line_add(page *p, const char *text, crt_role role, int x);
void page_blank(page *p);
/* Tree paragraphs with placeholders filled in. */
void page_paras(page *p, app *a, char *const *paras, size_t n, size_t domain,
                int x);
/* The KB's steps: the same, but as wide as the page (commands). */
void page_kb(page *p, app *a, char *const *paras, size_t n, size_t domain,
             int x);
/* Draws rows [y, y+h) from line *top, moving *top so lines [first, last]
 * (the focus; SIZE_MAX: none) are visible. Marks more above/below in the
 * right margin. */
void page_draw(page *p, int y, int x, int h, size_t *top, size_t first,
               size_t last);

/* Where the screen wants the terminal cursor (a focused field), or -1. */
extern int draw_cursor_y, draw_cursor_x;

/* The role of a verdict and a resolver status, for colour (the word is
 * always printed too). */
crt_role draw_verdict_role(int verdict);

/* A domain name (normalised A-label form) as the terminal shows it: on a
 * UTF-8 terminal, its U-label form when it has one (münchen.de), or with
 * both "xn--mnchen-3ya.de (münchen.de)" as the text report writes it;
 * otherwise the name itself. The U-label is only one that libidn2 turns
 * back into the same A-label (no control, bidi or zero-width character
 * survives that). Returns name or buf. */
const char *draw_name(const char *name, bool both, char *buf, size_t len);
#define DRAW_NAME_MAX 1300   /* buf for draw_name */
crt_role draw_rstatus_role(int rstatus);

#endif
