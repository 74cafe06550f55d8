/* islet: shared helpers of the native launcher
 * SPDX-License-Identifier: MIT
 *
 * Fatal errors, the status-line writer, errno names and allocation
 * helpers. Everything here is single-threaded by design: the launcher,
 * its init and the command child each run one thread.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/* Exit codes shared with the TypeScript host (src/launcher/). */
#define EXIT_SETUP_FAILED 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127

/* One protocol line, newline included, must fit one write() of this size. */
#define STATUS_LINE_MAX 4096

#ifndef TEMP_FAILURE_RETRY
#define TEMP_FAILURE_RETRY(expression) \
  (__extension__ ({ long int __result; \
     do __result = (long int) (expression); \
     while (__result == -1L && errno == EINTR); \
     __result; }))
#endif

#define N_ELEMENTS(arr) (sizeof (arr) / sizeof ((arr)[0]))

#define cleanup_free __attribute__((cleanup (cleanup_freep)))
#define cleanup_fd __attribute__((cleanup (cleanup_fdp)))

void cleanup_freep (void *p);
void cleanup_fdp (int *fdp);

/* Where protocol lines go; -1 until --status-fd is known, then errors go to
 * stderr instead. */
void status_set_fd (int fd);
int status_get_fd (void);

/* Writes "<format...>\n" to the status fd in a single write(). Newlines and
 * tabs in the text become spaces, so a path can never forge a line. Errors
 * (EPIPE: the host is gone) are ignored: nothing useful can be done. */
void status_line (const char *format, ...)
  __attribute__((format (printf, 1, 2)));
void status_warning (const char *format, ...)
  __attribute__((format (printf, 1, 2)));

/* Reports "error <message>[: strerror(err) (ENAME)][\t<hint>]" and exits
 * with exit_code. err == 0 leaves out the errno part, hint may be NULL. */
void die_full (int exit_code, int err, const char *hint, const char *format, ...)
  __attribute__((noreturn, format (printf, 4, 5)));

#define die(...) die_full (EXIT_SETUP_FAILED, 0, NULL, __VA_ARGS__)
#define die_with_error(...) die_full (EXIT_SETUP_FAILED, errno, NULL, __VA_ARGS__)
#define die_with_error_hint(hint, ...) die_full (EXIT_SETUP_FAILED, errno, (hint), __VA_ARGS__)
#define die_oom() die ("out of memory")

/* "ENOENT", "ELOOP", ...; never NULL. */
const char *errno_name (int err);

void *xmalloc (size_t size);
void *xcalloc (size_t nmemb, size_t size);
void *xrealloc (void *ptr, size_t size);
char *xstrdup (const char *str);
char *xasprintf (const char *format, ...)
  __attribute__((format (printf, 1, 2)));

/* Writes all of content to path (opened O_WRONLY, no O_CREAT). Returns 0,
 * or -1 with errno set. */
int write_file (const char *path, const char *content);

/* mkdir -p; existing directories are fine. Returns 0 or -1 with errno. */
int mkdir_p (const char *path, mode_t mode);

/* Sets FD_CLOEXEC. Returns 0 or -1 with errno. */
int fd_set_cloexec (int fd);
