/* islet: the user namespace of rootless mode
 * SPDX-License-Identifier: MIT
 *
 * An ordinary user may create a user namespace and, in it, every other kind;
 * init is then root inside and the user's own uid and gid outside. What the
 * user may map is the kernel's decision (or newuidmap's, which reads
 * /etc/subuid): the launcher is not setuid and grants nothing by itself.
 */
#define _GNU_SOURCE

#include "userns.h"
#include "utils.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* What the kernel accepts in one map since Linux 4.15. */
#define ID_MAP_MAX_RANGES 340
/* Where newuidmap and newgidmap are looked for when $PATH lacks them. */
static const char * const helper_dirs[] = { "/usr/bin", "/usr/sbin", "/bin", "/sbin" };

/* Enough of newuidmap's stderr to say why it refused. */
#define HELPER_MESSAGE_MAX 512

typedef struct {
  const char *kind;     /* "uid" or "gid" */
  const char *helper;   /* "newuidmap" or "newgidmap" */
  const char *subid;    /* "/etc/subuid" or "/etc/subgid" */
  unsigned long self;   /* our euid or egid */
} id_kind;

void
parse_id_map (const char *option, const char *text, unsigned long self, id_map *map)
{
  cleanup_free char *copy = NULL;
  unsigned long values[3];
  size_t n_values = 0;
  char *save = NULL;
  char *word;

  *map = (id_map) { 0 };
  if (text == NULL)
    {
      map->ranges = xmalloc (sizeof (id_range));
      map->ranges[0] = (id_range) { .inside = 0, .outside = self, .count = 1 };
      map->n_ranges = 1;
      return;
    }

  copy = xstrdup (text);
  for (word = strtok_r (copy, " \t\n", &save); word != NULL; word = strtok_r (NULL, " \t\n", &save))
    {
      char *end;

      errno = 0;
      values[n_values] = strtoul (word, &end, 10);
      if (errno != 0 || *end != '\0' || word[0] == '-' || values[n_values] > UINT32_MAX - 1)
        die ("%s %s: \"%s\" is not an id", option, text, word);
      if (++n_values < 3)
        continue;
      n_values = 0;

      if (values[2] == 0 || values[0] + values[2] > UINT32_MAX || values[1] + values[2] > UINT32_MAX)
        die ("%s %s: range \"%lu %lu %lu\" is empty or too long", option, text,
             values[0], values[1], values[2]);
      if (map->n_ranges == ID_MAP_MAX_RANGES)
        die ("%s: more than %d ranges", option, ID_MAP_MAX_RANGES);
      map->ranges = xrealloc (map->ranges, (map->n_ranges + 1) * sizeof (id_range));
      map->ranges[map->n_ranges++] = (id_range) { values[0], values[1], values[2] };
    }

  if (n_values != 0 || map->n_ranges == 0)
    die ("%s %s: expected triples of INSIDE OUTSIDE COUNT", option, text);
}

static void __attribute__((noreturn))
abort_init (pid_t init_pid, int err, const char *hint, const char *message)
{
  kill (init_pid, SIGKILL);
  TEMP_FAILURE_RETRY (waitpid (init_pid, NULL, 0));
  die_full (EXIT_SETUP_FAILED, err, hint, "%s", message);
}

/* Security rule: without privilege the kernel lets us map exactly our own
 * euid (egid), and a gid map only after setgroups is denied, so the
 * container cannot drop a supplementary group that a file's permissions
 * deny access to. */
static void
write_map_directly (pid_t init_pid, const id_kind *kind, const id_map *map)
{
  cleanup_free char *text = xstrdup ("");
  size_t i;

  if (strcmp (kind->kind, "gid") == 0 && geteuid () != 0)
    {
      cleanup_free char *setgroups = xasprintf ("/proc/%d/setgroups", (int) init_pid);

      /* Kernels before 3.19 have no setgroups file and need no "deny". */
      if (write_file (setgroups, "deny") != 0 && errno != ENOENT)
        {
          int err = errno;
          cleanup_free char *message = xasprintf ("write \"deny\" to %s", setgroups);

          abort_init (init_pid, err, NULL, message);
        }
    }

  for (i = 0; i < map->n_ranges; i++)
    {
      char *longer = xasprintf ("%s%lu %lu %lu\n", text, map->ranges[i].inside,
                                map->ranges[i].outside, map->ranges[i].count);

      free (text);
      text = longer;
    }

  {
    cleanup_free char *path = xasprintf ("/proc/%d/%s_map", (int) init_pid, kind->kind);

    if (write_file (path, text) != 0)
      {
        int err = errno;
        cleanup_free char *message = xasprintf ("write \"%.*s\" to %s", (int) strcspn (text, "\n"), text, path);
        cleanup_free char *hint = xasprintf ("an ordinary user may map only its own %s (%lu) this way; "
                                             "for more ids install %s (package uidmap) and add a range to %s",
                                             kind->kind, kind->self, kind->helper, kind->subid);

        abort_init (init_pid, err, hint, message);
      }
  }
}

/* newuidmap/newgidmap are setuid helpers that check the ranges against
 * /etc/subuid and /etc/subgid and write the map for us. */
static void
write_map_with_helper (pid_t init_pid, const id_kind *kind, const id_map *map)
{
  cleanup_free char **argv = xcalloc (map->n_ranges * 3 + 3, sizeof (char *));
  cleanup_free char *command = NULL;
  char output[HELPER_MESSAGE_MAX];
  sigset_t empty;
  size_t n_output = 0;
  size_t argc = 0;
  size_t i;
  int out_pipe[2];
  int status;
  pid_t helper;

  argv[argc++] = xstrdup (kind->helper);
  argv[argc++] = xasprintf ("%d", (int) init_pid);
  for (i = 0; i < map->n_ranges; i++)
    {
      argv[argc++] = xasprintf ("%lu", map->ranges[i].inside);
      argv[argc++] = xasprintf ("%lu", map->ranges[i].outside);
      argv[argc++] = xasprintf ("%lu", map->ranges[i].count);
    }

  command = xstrdup (argv[0]);
  for (i = 1; i < argc; i++)
    {
      char *longer = xasprintf ("%s %s", command, argv[i]);

      free (command);
      command = longer;
    }

  if (pipe2 (out_pipe, O_CLOEXEC) != 0)
    die_with_error ("pipe2");

  helper = fork ();
  if (helper < 0)
    {
      int err = errno;
      cleanup_free char *message = xasprintf ("fork for %s", kind->helper);

      abort_init (init_pid, err, NULL, message);
    }

  if (helper == 0)
    {
      int err;

      sigemptyset (&empty);
      sigprocmask (SIG_SETMASK, &empty, NULL);
      signal (SIGPIPE, SIG_DFL);
      if (dup2 (out_pipe[1], STDOUT_FILENO) < 0 || dup2 (out_pipe[1], STDERR_FILENO) < 0)
        _exit (EXIT_SETUP_FAILED);
      execvp (argv[0], argv);
      err = errno;
      /* A user's $PATH often lacks the sbin directories. */
      if (err == ENOENT)
        for (i = 0; i < N_ELEMENTS (helper_dirs); i++)
          {
            cleanup_free char *path = xasprintf ("%s/%s", helper_dirs[i], argv[0]);

            execv (path, argv);
          }
      dprintf (STDERR_FILENO, "exec %s: %s (%s)", argv[0], strerror (err), errno_name (err));
      _exit (err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
    }

  close (out_pipe[1]);
  for (;;)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (out_pipe[0], output + n_output, sizeof output - 1 - n_output));

      if (n <= 0)
        break;
      n_output += (size_t) n;
      if (n_output == sizeof output - 1)
        break;
    }
  output[n_output] = '\0';
  close (out_pipe[0]);

  if (TEMP_FAILURE_RETRY (waitpid (helper, &status, 0)) != helper)
    {
      int err = errno;
      cleanup_free char *message = xasprintf ("wait for %s", kind->helper);

      abort_init (init_pid, err, NULL, message);
    }

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      cleanup_free char *message = NULL;
      cleanup_free char *hint = NULL;

      while (n_output > 0 && (output[n_output - 1] == '\n' || output[n_output - 1] == ' '))
        output[--n_output] = '\0';
      message = xasprintf ("%s %s (%s)", command,
                           WIFEXITED (status) ? "failed" : "was killed",
                           n_output > 0 ? output : "no output");
      if (WIFEXITED (status) && WEXITSTATUS (status) == EXIT_NOT_FOUND)
        hint = xasprintf ("install %s (Debian/Ubuntu: apt-get install uidmap), or use a single-id map "
                          "(remove your ranges from %s)", kind->helper, kind->subid);
      else
        hint = xasprintf ("%s must be setuid root (or have cap_set%cid) and %s must give your user "
                          "the outside ranges asked for", kind->helper, kind->kind[0], kind->subid);
      abort_init (init_pid, 0, hint, message);
    }

  for (i = 0; i < argc; i++)
    free (argv[i]);
}

static void
write_map (pid_t init_pid, const id_kind *kind, const id_map *map)
{
  /* Root may write any map itself; an ordinary user only its own id. */
  if (geteuid () == 0 || (map->n_ranges == 1 && map->ranges[0].outside == kind->self
                          && map->ranges[0].count == 1))
    write_map_directly (init_pid, kind, map);
  else
    write_map_with_helper (init_pid, kind, map);
}

void
write_id_maps (pid_t init_pid, const id_map *uid_map, const id_map *gid_map)
{
  const id_kind uid = { "uid", "newuidmap", "/etc/subuid", (unsigned long) geteuid () };
  const id_kind gid = { "gid", "newgidmap", "/etc/subgid", (unsigned long) getegid () };

  write_map (init_pid, &gid, gid_map);
  write_map (init_pid, &uid, uid_map);
}
