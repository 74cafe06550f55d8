/* islet-testprog: misbehaving on purpose, inside containers, for the
 * integration tests
 * SPDX-License-Identifier: MIT
 *
 *   memhog <MiB>         allocate and touch MiB MiB;      prints "allocated <n>"
 *   forkbomb <seconds>   fork sleepers until told to stop; prints "forked <n> failed <m>"
 *   spin <seconds>       busy-loop one thread;             prints "spun"
 *   orphan               leave a sleeper in its own session; prints its pid
 *   listen <port>        TCP listen on 127.0.0.1:<port>;   prints "listening <port>"
 *   sleep <seconds>      sleep;                            prints "slept"
 *
 * One line on stdout per run; exit 0 on success, 1 on failure (with
 * "error <ENAME>" on stdout when a syscall failed), 2 on bad usage.
 */
#define _GNU_SOURCE

#include "utils.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#define MIB (1024 * 1024)

/* Stops a forkbomb outside any pids limit before it takes the machine
 * down: a test that hits this has no limit to measure anyway. */
#define FORKBOMB_MAX_CHILDREN 10000

static void __attribute__((noreturn))
usage (void)
{
  fprintf (stderr,
           "usage: islet-testprog memhog <MiB> | forkbomb <seconds> | spin <seconds>\n"
           "                      | orphan | listen <port> | sleep <seconds>\n");
  exit (2);
}

static void __attribute__((noreturn))
fail (const char *what)
{
  int err = errno;

  fprintf (stderr, "islet-testprog: %s: %s\n", what, strerror (err));
  printf ("error %s\n", errno_name (err));
  exit (1);
}

static long
parse_number (const char *value)
{
  char *end;
  long n;

  errno = 0;
  n = strtol (value, &end, 10);
  if (errno != 0 || *end != '\0' || end == value || n < 0)
    usage ();
  return n;
}

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int
memhog (long mib)
{
  long i;

  for (i = 0; i < mib; i++)
    {
      /* Not xmalloc(): running out is a result here, not a bug. */
      char *chunk = malloc (MIB);

      if (chunk == NULL)
        {
          printf ("allocated %ld\n", i);
          return 1;
        }
      /* Touch every byte so the pages are really charged to us. */
      memset (chunk, 0xa5, MIB);
    }

  printf ("allocated %ld\n", mib);
  return 0;
}

static int
forkbomb (long seconds)
{
  double deadline = now_seconds () + (double) seconds;
  pid_t *children = NULL;
  size_t n_children = 0;
  long failed = 0;
  size_t i;

  while (now_seconds () < deadline && n_children < FORKBOMB_MAX_CHILDREN)
    {
      pid_t pid = fork ();

      if (pid < 0)
        {
          failed++;
          continue;
        }

      if (pid == 0)
        {
          /* Do not outlive the bomb if it is killed before cleaning up. */
          prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
          for (;;)
            pause ();
        }

      children = xrealloc (children, (n_children + 1) * sizeof (pid_t));
      children[n_children++] = pid;
    }

  for (i = 0; i < n_children; i++)
    kill (children[i], SIGKILL);
  for (i = 0; i < n_children; i++)
    TEMP_FAILURE_RETRY (waitpid (children[i], NULL, 0));

  printf ("forked %zu failed %ld\n", n_children, failed);
  free (children);
  return 0;
}

static int
spin (long seconds)
{
  double deadline = now_seconds () + (double) seconds;
  volatile unsigned long counter = 0;

  while (now_seconds () < deadline)
    counter++;

  printf ("spun\n");
  return 0;
}

static int
orphan (void)
{
  int pid_pipe[2];
  pid_t child;
  pid_t grandchild = 0;

  if (pipe (pid_pipe) != 0)
    fail ("pipe");

  child = fork ();
  if (child < 0)
    fail ("fork");

  if (child == 0)
    {
      close (pid_pipe[0]);
      setsid ();
      grandchild = fork ();
      if (grandchild == 0)
        {
          const struct timespec long_sleep = { .tv_sec = 1000, .tv_nsec = 0 };

          close (pid_pipe[1]);
          /* Let the tests find it by name from the host (comm). */
          prctl (PR_SET_NAME, "islet-orphan", 0, 0, 0);
          /* Like a daemon: do not hold the caller's pipes open. */
          if (freopen ("/dev/null", "r", stdin) == NULL
              || freopen ("/dev/null", "w", stdout) == NULL
              || freopen ("/dev/null", "w", stderr) == NULL)
            _exit (1);
          nanosleep (&long_sleep, NULL);
          _exit (0);
        }
      if (write (pid_pipe[1], &grandchild, sizeof grandchild) != (ssize_t) sizeof grandchild)
        _exit (1);
      _exit (grandchild > 0 ? 0 : 1);
    }

  close (pid_pipe[1]);
  if (TEMP_FAILURE_RETRY (read (pid_pipe[0], &grandchild, sizeof grandchild)) != (ssize_t) sizeof grandchild
      || grandchild <= 0)
    {
      errno = ECHILD;
      fail ("fork the orphan");
    }
  TEMP_FAILURE_RETRY (waitpid (child, NULL, 0));

  printf ("%d\n", (int) grandchild);
  return 0;
}

static int
listen_tcp (long port)
{
  struct sockaddr_in addr = {
    .sin_family = AF_INET,
    .sin_port = htons ((uint16_t) port),
    .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
  };
  int sock;

  if (port <= 0 || port > 65535)
    usage ();

  sock = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    fail ("socket");
  if (bind (sock, (struct sockaddr *) &addr, sizeof addr) != 0)
    fail ("bind");
  if (listen (sock, 16) != 0)
    fail ("listen");

  printf ("listening %ld\n", port);
  fflush (stdout);
  for (;;)
    pause ();
}

static int
sleep_for (long seconds)
{
  struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 };

  while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
    ;
  printf ("slept\n");
  return 0;
}

int
main (int argc, char **argv)
{
  const char *cmd;

  if (argc < 2)
    usage ();
  cmd = argv[1];

  /* Lines must reach a pipe before we block or get killed. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  if (strcmp (cmd, "orphan") == 0 && argc == 2)
    return orphan ();
  if (argc != 3)
    usage ();

  if (strcmp (cmd, "memhog") == 0)
    return memhog (parse_number (argv[2]));
  if (strcmp (cmd, "forkbomb") == 0)
    return forkbomb (parse_number (argv[2]));
  if (strcmp (cmd, "spin") == 0)
    return spin (parse_number (argv[2]));
  if (strcmp (cmd, "listen") == 0)
    return listen_tcp (parse_number (argv[2]));
  if (strcmp (cmd, "sleep") == 0)
    return sleep_for (parse_number (argv[2]));
  usage ();
}
