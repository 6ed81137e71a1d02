/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sanity checks on a dump's headers before libkdumpfile sees them: it trusts
 * them and can crash on a corrupt kdump header, and we promise a clear error.
 */
#ifndef LC_DUMP_VALIDATE_H
#define LC_DUMP_VALIDATE_H

#include "lockcore/error.h"

/* Check the ELF or kdump-compressed headers of the (unwrapped) dump open on fd. */
struct lc_error *lc_dump_validate(int fd);

#endif
