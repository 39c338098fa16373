/*
 * ctab.h - 256-entry character-class tables built at compile time from a
 * per-file class macro, so parsers look a byte up instead of comparing:
 *
 *	#define MY_CLASS(c) (((c) >= '0' && (c) <= '9') ? DIGIT : 0)
 *	static const uint8_t cls[256] = CTAB_256(MY_CLASS);
 */
#ifndef SHARED_CTAB_H
#define SHARED_CTAB_H

#define CTAB_ROW(f, b) \
	f((b) + 0x0), f((b) + 0x1), f((b) + 0x2), f((b) + 0x3), \
	f((b) + 0x4), f((b) + 0x5), f((b) + 0x6), f((b) + 0x7), \
	f((b) + 0x8), f((b) + 0x9), f((b) + 0xa), f((b) + 0xb), \
	f((b) + 0xc), f((b) + 0xd), f((b) + 0xe), f((b) + 0xf)

#define CTAB_256(f) { \
	CTAB_ROW(f, 0x00), CTAB_ROW(f, 0x10), CTAB_ROW(f, 0x20), CTAB_ROW(f, 0x30), \
	CTAB_ROW(f, 0x40), CTAB_ROW(f, 0x50), CTAB_ROW(f, 0x60), CTAB_ROW(f, 0x70), \
	CTAB_ROW(f, 0x80), CTAB_ROW(f, 0x90), CTAB_ROW(f, 0xa0), CTAB_ROW(f, 0xb0), \
	CTAB_ROW(f, 0xc0), CTAB_ROW(f, 0xd0), CTAB_ROW(f, 0xe0), CTAB_ROW(f, 0xf0) }

#endif
