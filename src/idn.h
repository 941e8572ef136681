/* idn.h - internationalized domain names (IDNA 2008, libidn2): what the
 * user typed (U-labels like münchen.de, or A-labels like
 * xn--mnchen-3ya.de) to the A-label form probes and plans use, and back
 * for display. */
#ifndef EXDNS_IDN_H
#define EXDNS_IDN_H

#include <stdbool.h>
#include <stddef.h>
#include "dname.h"

/* in (UTF-8) to its normalised A-label form in out (DNAME_MAX): lowercase,
 * no trailing dot, every label checked (A-labels are decoded and must be
 * valid IDNA 2008). Returns 0, or -1 with the reason in why. */
int idn_to_ascii(const char *in, char out[DNAME_MAX], char *why,
                 size_t whylen);
/* The U-label form of a normalised name holding an A-label ("xn--"), in
 * out; false (out untouched) when the name has none or it does not
 * decode. What this writes is valid IDNA 2008 UTF-8: no control
 * characters, safe for the terminal and for JSON strings. */
bool idn_to_unicode(const char *ascii, char *out, size_t outlen);

#endif
