/* idn.c - internationalized domain names: U-labels to A-labels and back
 * with libidn2 (IDNA 2008, non-transitional), checked by dname_check. */
#include <config.h>

#include <ctype.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "idn.h"

/* Does the name hold a label starting "xn--"? */
static bool
idn_has_alabel(const char *s)
{
	const char *p = s;

	for (;;) {
		if (strncasecmp(p, "xn--", 4) == 0)
			return true;
		if ((p = strchr(p, '.')) == NULL)
			return false;
		p++;
	}
}

int
idn_to_ascii(const char *in, char out[DNAME_MAX], char *why, size_t whylen)
{
	const unsigned char *p;
	char *conv = NULL, *uni = NULL;
	bool ascii = true;
	int rc;

	for (p = (const unsigned char *)in; *p; p++)
		if (*p >= 0x80)
			ascii = false;
	if (!ascii) {
		rc = idn2_lookup_u8((const uint8_t *)in, (uint8_t **)&conv,
		    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK) {
			snprintf(why, whylen, "not a valid internationalized "
			    "name (%s)", idn2_strerror(rc));
			return -1;
		}
		in = conv;
	}
	if (!dname_check(in, why, whylen)) {
		free(conv);
		return -1;
	}
	(void)dname_normalize(in, out);
	free(conv);
	conv = NULL;
	/* An A-label must decode to a valid U-label. */
	if (idn_has_alabel(out)) {
		rc = idn2_to_unicode_8z8z(out, &uni, 0);
		if (rc == IDN2_OK) {
			rc = idn2_lookup_u8((const uint8_t *)uni,
			    (uint8_t **)&conv, IDN2_NFC_INPUT |
			    IDN2_NONTRANSITIONAL);
			if (rc == IDN2_OK && strcasecmp(conv, out) != 0)
				rc = IDN2_ALABEL_ROUNDTRIP_FAILED;
		}
		free(uni);
		free(conv);
		if (rc != IDN2_OK) {
			snprintf(why, whylen, "an 'xn--' label that is not a valid "
			    "A-label (%s)", idn2_strerror(rc));
			return -1;
		}
	}
	return 0;
}

bool
idn_to_unicode(const char *ascii, char *out, size_t outlen)
{
	char *uni = NULL, *back = NULL;
	const unsigned char *p;
	bool ok;

	if (!idn_has_alabel(ascii))
		return false;
	if (idn2_to_unicode_8z8z(ascii, &uni, 0) != IDN2_OK)
		return false;
	/* Decoding checks nothing: an A-label from DNS or a file can hold a
	 * bidi override, a C1 control, a zero-width joiner. Only a name that
	 * IDNA 2008 turns back into the same A-labels is a U-label. */
	ok = idn2_lookup_u8((const uint8_t *)uni, (uint8_t **)&back,
	    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) == IDN2_OK &&
	    strcasecmp(back, ascii) == 0;
	for (p = (const unsigned char *)uni; ok && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			ok = false;
	if (ok && strlen(uni) >= outlen)
		ok = false;
	if (ok)
		strcpy(out, uni);
	free(back);
	free(uni);
	return ok;
}
