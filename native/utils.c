/* islet: shared helpers of the native launcher
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE

#include "utils.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int status_fd = -1;

void
cleanup_freep (void *p)
{
  void **pp = (void **) p;

  free (*pp);
}

void
cleanup_fdp (int *fdp)
{
  int errsv = errno;

  if (*fdp >= 0)
    close (*fdp);
  errno = errsv;
}

void
status_set_fd (int fd)
{
  status_fd = fd;
}

int
status_get_fd (void)
{
  return status_fd;
}

/* A protocol line is split on newlines by the host and its error line on the
 * first tab, so text we did not write ourselves (paths, commands) must not
 * carry either. */
static void
sanitize (char *text)
{
  for (; *text != '\0'; text++)
    if (*text == '\n' || *text == '\r' || *text == '\t')
      *text = ' ';
}

static void
write_line (int fd, const char *line)
{
  size_t len = strlen (line);

  /* Deliberately unchecked: if the host went away (EPIPE, SIGPIPE is
   * ignored) there is nobody left to tell. */
  if (TEMP_FAILURE_RETRY (write (fd, line, len)) < 0)
    return;
}

/* Keeps room for the newline and the terminating NUL. */
static void
append_newline (char *buf, size_t size)
{
  size_t len = strlen (buf);

  if (len > size - 2)
    len = size - 2;
  buf[len] = '\n';
  buf[len + 1] = '\0';
}

static void
status_vline (const char *prefix, const char *format, va_list args)
{
  char buf[STATUS_LINE_MAX];
  size_t prefix_len = strlen (prefix);

  if (status_fd < 0)
    return;

  memcpy (buf, prefix, prefix_len + 1);
  vsnprintf (buf + prefix_len, sizeof buf - prefix_len, format, args);
  sanitize (buf + prefix_len);
  append_newline (buf, sizeof buf);
  write_line (status_fd, buf);
}

void
status_line (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  status_vline ("", format, args);
  va_end (args);
}

void
status_warning (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  status_vline ("warning ", format, args);
  va_end (args);
}

void
die_full (int exit_code, int err, const char *hint, const char *format, ...)
{
  char message[STATUS_LINE_MAX / 2];
  char hint_buf[STATUS_LINE_MAX / 2];
  char line[STATUS_LINE_MAX];
  va_list args;
  size_t len;

  va_start (args, format);
  vsnprintf (message, sizeof message, format, args);
  va_end (args);

  len = strlen (message);
  if (err != 0 && len < sizeof message)
    snprintf (message + len, sizeof message - len, ": %s (%s)",
              strerror (err), errno_name (err));
  sanitize (message);

  hint_buf[0] = '\0';
  if (hint != NULL)
    {
      snprintf (hint_buf, sizeof hint_buf, "%s", hint);
      sanitize (hint_buf);
    }

  if (status_fd >= 0)
    {
      snprintf (line, sizeof line, "error %s%s%s", message,
                hint_buf[0] != '\0' ? "\t" : "", hint_buf);
      append_newline (line, sizeof line);
      write_line (status_fd, line);
    }
  else
    {
      snprintf (line, sizeof line, "islet-launcher: %s%s%s", message,
                hint_buf[0] != '\0' ? "\n  hint: " : "", hint_buf);
      append_newline (line, sizeof line);
      write_line (STDERR_FILENO, line);
    }

  /* _exit, not exit: die() also runs in forked children, which must not
   * flush stdio buffers or run atexit handlers inherited from the launcher. */
  _exit (exit_code);
}

const char *
errno_name (int err)
{
  static char unknown[32];

#define NAME(e) case e: return #e
  switch (err)
    {
      NAME (EPERM); NAME (ENOENT); NAME (ESRCH); NAME (EINTR); NAME (EIO);
      NAME (ENXIO); NAME (E2BIG); NAME (ENOEXEC); NAME (EBADF);
      NAME (ECHILD); NAME (EAGAIN); NAME (ENOMEM); NAME (EACCES);
      NAME (EFAULT); NAME (ENOTBLK); NAME (EBUSY); NAME (EEXIST);
      NAME (EXDEV); NAME (ENODEV); NAME (ENOTDIR); NAME (EISDIR);
      NAME (EINVAL); NAME (ENFILE); NAME (EMFILE); NAME (ENOTTY);
      NAME (ETXTBSY); NAME (EFBIG); NAME (ENOSPC); NAME (ESPIPE);
      NAME (EROFS); NAME (EMLINK); NAME (EPIPE); NAME (ERANGE);
      NAME (EDEADLK); NAME (ENAMETOOLONG); NAME (ENOLCK); NAME (ENOSYS);
      NAME (ENOTEMPTY); NAME (ELOOP); NAME (ENOSTR); NAME (ENODATA);
      NAME (EOVERFLOW); NAME (ELIBBAD); NAME (EUSERS); NAME (ENOTSOCK);
      NAME (EDESTADDRREQ); NAME (EMSGSIZE); NAME (EPROTOTYPE);
      NAME (ENOPROTOOPT); NAME (EPROTONOSUPPORT); NAME (EOPNOTSUPP);
      NAME (EAFNOSUPPORT); NAME (EADDRINUSE); NAME (EADDRNOTAVAIL);
      NAME (ENETDOWN); NAME (ENETUNREACH); NAME (ECONNABORTED);
      NAME (ECONNRESET); NAME (ENOBUFS); NAME (EISCONN); NAME (ENOTCONN);
      NAME (ETIMEDOUT); NAME (ECONNREFUSED); NAME (EHOSTUNREACH);
      NAME (EALREADY); NAME (EINPROGRESS); NAME (ESTALE); NAME (EDQUOT);
      NAME (ECANCELED); NAME (EOWNERDEAD); NAME (ENOTRECOVERABLE);
      NAME (ENOMEDIUM); NAME (EMEDIUMTYPE); NAME (EUCLEAN);
    default:
      break;
    }
#undef NAME

  snprintf (unknown, sizeof unknown, "errno %d", err);
  return unknown;
}

void *
xmalloc (size_t size)
{
  void *res = malloc (size);

  if (res == NULL)
    die_oom ();
  return res;
}

void *
xcalloc (size_t nmemb, size_t size)
{
  void *res = calloc (nmemb, size);

  if (res == NULL)
    die_oom ();
  return res;
}

void *
xrealloc (void *ptr, size_t size)
{
  void *res = realloc (ptr, size);

  if (size != 0 && res == NULL)
    die_oom ();
  return res;
}

char *
xstrdup (const char *str)
{
  char *res = strdup (str);

  if (res == NULL)
    die_oom ();
  return res;
}

char *
xasprintf (const char *format, ...)
{
  char *res;
  va_list args;
  int r;

  va_start (args, format);
  r = vasprintf (&res, format, args);
  va_end (args);
  if (r < 0)
    die_oom ();
  return res;
}

int
write_file (const char *path, const char *content)
{
  cleanup_fd int fd = -1;
  size_t len = strlen (content);
  size_t done = 0;

  fd = (int) TEMP_FAILURE_RETRY (open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (fd < 0)
    return -1;

  while (done < len)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (fd, content + done, len - done));

      if (n < 0)
        return -1;
      done += (size_t) n;
    }

  /* Some kernel files (cgroup.procs among them) only validate on close. */
  if (close (fd) != 0)
    {
      fd = -1;
      return -1;
    }
  fd = -1;
  return 0;
}

int
mkdir_p (const char *path, mode_t mode)
{
  cleanup_free char *copy = xstrdup (path);
  char *p = copy;

  for (;;)
    {
      bool last;

      while (*p == '/')
        p++;
      while (*p != '\0' && *p != '/')
        p++;
      last = (*p == '\0');
      *p = '\0';

      if (copy[0] != '\0' && mkdir (copy, mode) != 0 && errno != EEXIST)
        return -1;

      if (last)
        break;
      *p = '/';
    }

  return 0;
}

int
fd_set_cloexec (int fd)
{
  int flags = fcntl (fd, F_GETFD);

  if (flags < 0)
    return -1;
  return fcntl (fd, F_SETFD, flags | FD_CLOEXEC);
}
