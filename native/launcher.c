/* islet-launcher: run one command in a fresh set of Linux namespaces
 * SPDX-License-Identifier: MIT
 *
 * Three processes:
 *
 *   launcher  stays in the host's namespaces: reports the container's pid,
 *             moves it into the host's cgroups, forwards signals, reports
 *             how the command ended, and cleans the cgroups up if the host
 *             died.
 *   init      PID 1 of the new PID namespace: builds the root filesystem,
 *             starts the command, reaps every process, and ends them all
 *             when the command exits.
 *   command   what the host asked to run, with the host's environment and
 *             every fd the host gave us (Node's IPC channel among them).
 *
 * The protocol on --status-fd is described in usage() and mirrored by
 * src/launcher/ on the host side.
 */
#define _GNU_SOURCE

#include "mount.h"
#include "utils.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include "userns.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#define RMDIR_BUSY_RETRIES 50
#define RMDIR_BUSY_DELAY_NS (10 * 1000 * 1000)

typedef struct {
  const char *hostname;
  int go_fd;
  pid_t host_pid;
  bool share_net;
  const char **cgroup_procs;
  size_t n_cgroup_procs;
  const char *scratch_size;
  const char *layers;
  const char *cwd;
  mount_op *mount_ops;
  size_t n_mount_ops;
  bool userns;
  const char *uid_map;
  const char *gid_map;
  char **command;
} launcher_options;

/* The host's death reaches us as this signal (PR_SET_PDEATHSIG), never one a
 * user could send to stop the container. The kernel sends it when the *thread*
 * that forked us exits: in a multi-threaded host (Node) that can happen while
 * the process lives on and another of its threads adopts us, so the signal
 * alone proves nothing and getppid() decides. */
#define PARENT_DEATH_SIGNAL (SIGRTMIN + 2)

/* Signals the launcher passes on to init and init passes on to the command.
 * SIGCHLD is waited for alongside them but never forwarded. */
static const int forwarded_signals[] = {
  SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

/* Bounding-set capabilities no test needs and that act on the whole
 * machine: none of the namespaces we create confines them. */
static const struct { int cap; const char *why; } dropped_caps[] = {
  { CAP_SYS_MODULE, "loads kernel modules into the host's kernel" },
  { CAP_SYS_TIME, "sets the host's clock (time is not namespaced here)" },
  { CAP_SYS_RAWIO, "raw I/O ports and /dev/mem reach the hardware" },
  { CAP_SYSLOG, "reads and clears the host's kernel log" },
  { CAP_MAC_ADMIN, "changes the host's LSM (SELinux/AppArmor/Smack) policy" },
  { CAP_MAC_OVERRIDE, "bypasses the host's LSM policy" },
  { CAP_WAKE_ALARM, "arms alarms that wake the host from suspend" },
  { CAP_AUDIT_CONTROL, "changes the host's audit rules" },
};

static void
usage (FILE *out)
{
  fprintf (out,
           "usage: islet-launcher [OPTIONS] -- COMMAND [ARGS...]\n"
           "\n"
           "  --status-fd N              write protocol lines to fd N (required)\n"
           "  --hostname NAME            hostname in the new UTS namespace (default: islet)\n"
           "  --host-pid N               the process that spawned us: if it is already gone, remove\n"
           "                             the cgroups and leave (it cannot clean up any more)\n"
           "  --go-fd N                  build the container, then wait for \"go [HOSTNAME]\" on fd N\n"
           "                             before starting the command (EOF: exit without starting it)\n"
           "  --share-net                keep the host's network namespace\n"
           "  --cgroup-procs FILE        write the container's pid to FILE (repeatable)\n"
           "  --scratch-size BYTES       size of the scratch tmpfs holding all writes\n"
           "  --cwd DIR                  working directory inside the container\n"
           "  --overlay TARGET LOWERDIRS overlay on TARGET; LOWERDIRS escaped, relative to /\n"
           "  --layers LOWERDIRS         read-only layers stacked over every overlay; escaped, relative to /\n"
           "  --bind-ro TARGET           read-only bind of the host's TARGET\n"
           "  --bind-rw TARGET           read-write bind of the host's TARGET\n"
           "  --tmpfs TARGET             a fresh, empty, world-writable directory on TARGET\n"
           "  --symlink TARGET LINK      a symlink on TARGET whose content is LINK (not a mount:\n"
           "                             rootless mode rebuilds a host symlink this way)\n"
           "  --userns                   also create a user namespace (rootless mode)\n"
           "  --uid-map MAP              with --userns: triples \"INSIDE OUTSIDE COUNT ...\"\n"
           "                             (default \"0 <euid> 1\"); more than one triple uses newuidmap\n"
           "  --gid-map MAP              the same for groups (default \"0 <egid> 1\"; newgidmap)\n"
           "\n"
           "Status lines: pid N | warning TEXT | ready | error MESSAGE[\\tHINT] |\n"
           "              rusage MAXRSS_KB UTIME_US STIME_US | exit CODE | signal N\n"
           "Exit status: the command's, 128+N if killed by signal N, 125 setup failed,\n"
           "             126 command not executable, 127 command not found.\n");
}

static void __attribute__((noreturn, format (printf, 1, 2)))
die_usage (const char *format, ...)
{
  char message[512];
  va_list args;

  va_start (args, format);
  vsnprintf (message, sizeof message, format, args);
  va_end (args);

  usage (stderr);
  die ("%s", message);
}

static const char *
need_arg (int argc, char **argv, int i, int n)
{
  if (i + n >= argc)
    die_usage ("option %s needs %d argument%s", argv[i], n, n == 1 ? "" : "s");
  return argv[i + n];
}

static int
parse_fd (const char *option, const char *value)
{
  char *end;
  long fd;

  errno = 0;
  fd = strtol (value, &end, 10);
  if (errno != 0 || *end != '\0' || end == value || fd < 0 || fd > INT_MAX)
    die_usage ("%s: not a file descriptor: %s", option, value);
  return (int) fd;
}

/* Security rule: "/newroot" + TARGET must name a path below the new root,
 * so a TARGET may not climb out with "..". */
static const char *
check_target (const char *option, const char *target)
{
  const char *p;

  if (target[0] != '/')
    die_usage ("%s %s: TARGET must be an absolute path", option, target);

  for (p = target; (p = strstr (p, "..")) != NULL; p += 2)
    if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
      die_usage ("%s %s: TARGET may not contain \"..\"", option, target);

  return target;
}

static void
add_mount_op (launcher_options *opts, mount_op_type type, const char *target,
              const char *lowerdirs)
{
  opts->mount_ops = xrealloc (opts->mount_ops, (opts->n_mount_ops + 1) * sizeof (mount_op));
  opts->mount_ops[opts->n_mount_ops++] = (mount_op) {
    .type = type, .target = target, .lowerdirs = lowerdirs,
  };
}

/* Errors need the status fd, which may come after a bad option: find it
 * first. */
static void
find_status_fd (int argc, char **argv)
{
  int i;
  int fd;

  for (i = 1; i < argc && strcmp (argv[i], "--") != 0; i++)
    {
      if (strcmp (argv[i], "--status-fd") != 0 || i + 1 >= argc)
        continue;

      fd = parse_fd (argv[i], argv[i + 1]);
      /* The command needs its stdio: CLOEXEC on them would close them. */
      if (fd <= STDERR_FILENO)
        die_usage ("--status-fd %d: must not be stdin, stdout or stderr", fd);
      /* Security rule: the command must not inherit the protocol fd, or it
       * could forge "exit" lines. */
      if (fd_set_cloexec (fd) != 0)
        die_usage ("--status-fd %d: %s (%s)", fd, strerror (errno), errno_name (errno));
      status_set_fd (fd);
      return;
    }
}

static void
parse_args (int argc, char **argv, launcher_options *opts)
{
  int i;

  *opts = (launcher_options) { .hostname = "islet", .go_fd = -1 };

  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (strcmp (arg, "--") == 0)
        {
          i++;
          break;
        }
      else if (strcmp (arg, "--status-fd") == 0)
        i += 1;   /* handled by find_status_fd() */
      else if (strcmp (arg, "--hostname") == 0)
        opts->hostname = need_arg (argc, argv, i++, 1);
      else if (strcmp (arg, "--host-pid") == 0)
        {
          const char *value = need_arg (argc, argv, i++, 1);
          char *end;
          long pid = strtol (value, &end, 10);

          if (*value == '\0' || *end != '\0' || pid <= 0)
            die_usage ("--host-pid %s: must be a process id", value);
          opts->host_pid = (pid_t) pid;
        }
      else if (strcmp (arg, "--go-fd") == 0)
        {
          opts->go_fd = parse_fd (arg, need_arg (argc, argv, i++, 1));
          /* Security rule: like the status fd, the command must not inherit it. */
          if (opts->go_fd <= STDERR_FILENO || fd_set_cloexec (opts->go_fd) != 0)
            die_usage ("--go-fd %d: must be an open fd above stderr", opts->go_fd);
        }
      else if (strcmp (arg, "--share-net") == 0)
        opts->share_net = true;
      else if (strcmp (arg, "--cgroup-procs") == 0)
        {
          opts->cgroup_procs = xrealloc (opts->cgroup_procs,
                                         (opts->n_cgroup_procs + 1) * sizeof (char *));
          opts->cgroup_procs[opts->n_cgroup_procs++] = need_arg (argc, argv, i++, 1);
        }
      else if (strcmp (arg, "--scratch-size") == 0)
        {
          const char *size = need_arg (argc, argv, i++, 1);

          if (size[0] == '\0' || strspn (size, "0123456789") != strlen (size))
            die_usage ("--scratch-size %s: must be a number of bytes", size);
          opts->scratch_size = size;
        }
      else if (strcmp (arg, "--cwd") == 0)
        opts->cwd = need_arg (argc, argv, i++, 1);
      else if (strcmp (arg, "--layers") == 0)
        {
          opts->layers = need_arg (argc, argv, i++, 1);
          if (opts->layers[0] == '\0')
            die_usage ("--layers: LOWERDIRS is empty");
        }
      else if (strcmp (arg, "--overlay") == 0)
        {
          const char *lowerdirs = need_arg (argc, argv, i, 2);
          const char *target = check_target (arg, argv[i + 1]);

          if (lowerdirs[0] == '\0')
            die_usage ("--overlay %s: LOWERDIRS is empty", target);
          add_mount_op (opts, MOUNT_OP_OVERLAY, target, lowerdirs);
          i += 2;
        }
      else if (strcmp (arg, "--bind-ro") == 0)
        add_mount_op (opts, MOUNT_OP_BIND_RO, check_target (arg, need_arg (argc, argv, i++, 1)), NULL);
      else if (strcmp (arg, "--bind-rw") == 0)
        add_mount_op (opts, MOUNT_OP_BIND_RW, check_target (arg, need_arg (argc, argv, i++, 1)), NULL);
      else if (strcmp (arg, "--tmpfs") == 0)
        add_mount_op (opts, MOUNT_OP_TMPFS, check_target (arg, need_arg (argc, argv, i++, 1)), NULL);
      else if (strcmp (arg, "--symlink") == 0)
        {
          const char *link = need_arg (argc, argv, i, 2);
          const char *target = check_target (arg, argv[i + 1]);

          if (link[0] == '\0' || strcmp (target, "/") == 0)
            die_usage ("--symlink %s: needs a LINK and a TARGET other than /", target);
          add_mount_op (opts, MOUNT_OP_SYMLINK, target, NULL);
          opts->mount_ops[opts->n_mount_ops - 1].link = link;
          i += 2;
        }
      else if (strcmp (arg, "--userns") == 0)
        opts->userns = true;
      else if (strcmp (arg, "--uid-map") == 0)
        opts->uid_map = need_arg (argc, argv, i++, 1);
      else if (strcmp (arg, "--gid-map") == 0)
        opts->gid_map = need_arg (argc, argv, i++, 1);
      else
        die_usage ("unknown option %s", arg);
    }

  if (status_get_fd () < 0)
    die_usage ("--status-fd is required");
  if (!opts->userns && (opts->uid_map != NULL || opts->gid_map != NULL))
    die_usage ("--uid-map and --gid-map need --userns");
  if (i >= argc)
    die_usage ("no COMMAND given after --");
  opts->command = &argv[i];

  /* A mount on "/" after others would hide them all. */
  for (size_t j = 1; j < opts->n_mount_ops; j++)
    if (strcmp (opts->mount_ops[j].target, "/") == 0)
      die_usage ("a mount on / must come before every other mount option");
}

/* fork()-like clone(): no new stack, the child returns here as from fork. */
static pid_t
raw_clone (unsigned long flags)
{
#if defined(__s390__) || defined(__CRIS__)
  /* These take the stack first. */
  return (pid_t) syscall (__NR_clone, NULL, flags);
#else
  return (pid_t) syscall (__NR_clone, flags, NULL);
#endif
}

static void
block_signals (sigset_t *set)
{
  size_t i;

  sigemptyset (set);
  for (i = 0; i < N_ELEMENTS (forwarded_signals); i++)
    sigaddset (set, forwarded_signals[i]);
  sigaddset (set, SIGCHLD);
  sigaddset (set, PARENT_DEATH_SIGNAL);

  if (sigprocmask (SIG_BLOCK, set, NULL) != 0)
    die_with_error ("sigprocmask");
}

static void
noop_handler (int sig)
{
  (void) sig;
}

/* Belt and braces: the signals are blocked and taken with sigwaitinfo(), but
 * the kernel drops signals to a PID 1 whose disposition is SIG_DFL, so give
 * them a handler in case one is ever unblocked. */
static void
install_noop_handlers (void)
{
  struct sigaction sa = { .sa_handler = noop_handler };
  size_t i;

  sigemptyset (&sa.sa_mask);
  for (i = 0; i < N_ELEMENTS (forwarded_signals); i++)
    if (sigaction (forwarded_signals[i], &sa, NULL) != 0)
      die_with_error ("sigaction %d", forwarded_signals[i]);
  if (sigaction (SIGCHLD, &sa, NULL) != 0)
    die_with_error ("sigaction SIGCHLD");
}

static void
reset_signals_for_exec (void)
{
  sigset_t empty;
  int sig;

  /* SIGPIPE is ignored by the launcher, and ignored signals survive exec. */
  for (sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);

  sigemptyset (&empty);
  sigprocmask (SIG_SETMASK, &empty, NULL);
}

static void
bring_up_loopback (void)
{
  struct ifreq ifr = { 0 };
  cleanup_fd int sock = -1;

  sock = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    die_with_error ("socket(AF_INET) to bring lo up");

  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  if (ioctl (sock, SIOCGIFFLAGS, &ifr) != 0)
    die_with_error ("ioctl SIOCGIFFLAGS lo");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (sock, SIOCSIFFLAGS, &ifr) != 0)
    die_with_error ("ioctl SIOCSIFFLAGS lo up");
}

static void
drop_capabilities (void)
{
  size_t i;

  /* Only future execs are affected: the command starts without them. */
  for (i = 0; i < N_ELEMENTS (dropped_caps); i++)
    if (prctl (PR_CAPBSET_DROP, dropped_caps[i].cap, 0, 0, 0) != 0 && errno != EINVAL)
      die_with_error ("drop capability %d from the bounding set (%s)",
                      dropped_caps[i].cap, dropped_caps[i].why);
}

/* Whether name exists in some directory of $PATH that we may search. */
static bool
found_in_path (const char *name)
{
  const char *path = getenv ("PATH");
  cleanup_free char *copy = xstrdup (path != NULL ? path : "/usr/local/bin:/bin:/usr/bin");
  char *save = NULL;
  char *dir;

  for (dir = strtok_r (copy, ":", &save); dir != NULL; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *file = xasprintf ("%s/%s", dir, name);
      struct stat st;

      if (stat (file, &st) == 0)
        return true;
    }
  return false;
}

/* Runs in the command child; never returns. */
static void __attribute__((noreturn))
exec_command (char **command, int exec_fd)
{
  int err;

  reset_signals_for_exec ();
  execvp (command[0], command);

  err = errno;
  /* execvp() reports EACCES when a $PATH directory was not searchable and
   * no other had the program: in rootless mode (root's $PATH kept, /root
   * unreadable) that hides a plain "not found". */
  if (err == EACCES && strchr (command[0], '/') == NULL && !found_in_path (command[0]))
    err = ENOENT;
  /* Tell init first, so it cannot report "ready" for a failed exec. */
  if (TEMP_FAILURE_RETRY (write (exec_fd, &err, sizeof err)) < 0)
    { /* init sees EOF and our exit status; nothing more to do */ }

  if (err == ENOENT)
    die_full (EXIT_NOT_FOUND, err, "is it installed inside the container's view of the host?",
              "exec %s", command[0]);
  die_full (EXIT_CANNOT_EXEC, err,
            err == EACCES ? "is it executable, and on a filesystem not mounted noexec?" : NULL,
            "exec %s", command[0]);
}

/* A container built ahead of need (the Vitest pool keeps one ready for the
 * next test file) waits here, after every mount and before anything of the
 * command runs, for one line: "go" or "go HOSTNAME". EOF means it is not
 * needed: leave quietly. Returns the hostname to set. */
static const char *
wait_for_go (int fd, char *buf, size_t size, const char *hostname)
{
  char line[HOST_NAME_MAX + 8];
  size_t len = 0;
  ssize_t n;

  while (len < sizeof line - 1)
    {
      n = TEMP_FAILURE_RETRY (read (fd, line + len, sizeof line - 1 - len));
      if (n < 0)
        die_with_error ("read --go-fd %d", fd);
      if (n == 0)
        break;
      len += (size_t) n;
      if (memchr (line, '\n', len) != NULL)
        break;
    }
  line[len] = '\0';
  close (fd);
  if (strncmp (line, "go", 2) != 0 || (line[2] != '\n' && line[2] != ' '))
    _exit (0);   /* not needed after all */
  line[strcspn (line, "\n")] = '\0';
  if (line[2] == ' ' && line[3] != '\0')
    {
      size_t name_len = strlen (line + 3);

      if (name_len >= size)
        die ("go: hostname of %zu bytes is longer than HOST_NAME_MAX (%d)", name_len, HOST_NAME_MAX);
      memcpy (buf, line + 3, name_len + 1);
      return buf;
    }
  return hostname;
}

/* Runs as PID 1 of the new PID namespace; never returns. */
static void __attribute__((noreturn))
run_init (const launcher_options *opts, const char *cwd, const sigset_t *signals,
          int sync_fd, int result_fd)
{
  struct pollfd hangup = { .fd = sync_fd, .events = 0 };
  siginfo_t info;
  int exec_pipe[2];
  int command_status = 0;
  pid_t child;
  char go;
  ssize_t n;
  int err;
  const char *hostname = opts->hostname;
  char hostname_buf[HOST_NAME_MAX + 1];

  /* A SIGKILLed launcher takes the whole container down: PID 1 dying ends
   * every process in the namespace. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
    die_with_error ("prctl(PR_SET_PDEATHSIG)");

  /* Wait until the launcher has put us in our cgroups (nothing of ours may
   * run uncharged) and, in rootless mode, has written our uid and gid maps
   * (until then we are nobody, and every mount would fail). EOF means the
   * launcher is gone. */
  n = TEMP_FAILURE_RETRY (read (sync_fd, &go, 1));
  if (n != 1)
    _exit (EXIT_SETUP_FAILED);
  /* The launcher keeps its end open for its whole life: a hangup now means
   * it died before PR_SET_PDEATHSIG above could cover it. */
  if (TEMP_FAILURE_RETRY (poll (&hangup, 1, 0)) != 0)
    _exit (EXIT_SETUP_FAILED);
  close (sync_fd);

  install_noop_handlers ();

  /* Now that we are in the host's cgroups, make them our "/", so tests
   * cannot see or reach their siblings through /proc/self/cgroup. */
  if (unshare (CLONE_NEWCGROUP) != 0 && errno != EINVAL)
    die_with_error ("unshare(CLONE_NEWCGROUP)");

  setup_rootfs (opts->mount_ops, opts->n_mount_ops, opts->scratch_size, opts->layers,
                opts->userns);

  if (opts->go_fd >= 0)
    hostname = wait_for_go (opts->go_fd, hostname_buf, sizeof hostname_buf, hostname);

  if (sethostname (hostname, strlen (hostname)) != 0)
    die_with_error ("sethostname %s", hostname);

  /* In a fresh NET namespace lo is down: bind() to 127.0.0.1 works but
   * connect() fails with ENETUNREACH. */
  if (!opts->share_net)
    bring_up_loopback ();

  drop_capabilities ();

  if (chdir (cwd) != 0)
    die_with_error_hint ("the working directory must exist inside the container; pass --cwd",
                         "chdir %s", cwd);

  if (pipe2 (exec_pipe, O_CLOEXEC) != 0)
    die_with_error ("pipe2");

  child = fork ();
  if (child < 0)
    die_with_error ("fork the command");

  if (child == 0)
    {
      /* Only our own fds: everything else the host gave us (stdio, Node's
       * IPC channel on NODE_CHANNEL_FD) must reach the command as is. */
      close (exec_pipe[0]);
      close (result_fd);
      exec_command (opts->command, exec_pipe[1]);
    }

  close (exec_pipe[1]);
  n = TEMP_FAILURE_RETRY (read (exec_pipe[0], &err, sizeof err));
  if (n == 0)
    status_line ("ready");
  close (exec_pipe[0]);

  for (;;)
    {
      int sig = (int) TEMP_FAILURE_RETRY (sigwaitinfo (signals, &info));

      if (sig < 0)
        die_with_error ("sigwaitinfo");

      if (sig == SIGCHLD)
        {
          bool command_done = false;
          pid_t pid;
          int status;

          while ((pid = (pid_t) TEMP_FAILURE_RETRY (waitpid (-1, &status, WNOHANG))) > 0)
            if (pid == child)
              {
                command_status = status;
                command_done = true;
              }

          if (command_done)
            break;
          continue;
        }

      /* SI_KERNEL: the tty sent it to the whole foreground process group,
       * the command included. Forwarding would deliver it twice. */
      if (info.si_code != SI_KERNEL)
        kill (child, sig);
    }

  /* The container lives as long as the command: orphans and daemons it
   * left behind go now, not when someone remembers them. */
  kill (-1, SIGKILL);
  while (TEMP_FAILURE_RETRY (waitpid (-1, NULL, 0)) > 0)
    ;

  if (TEMP_FAILURE_RETRY (write (result_fd, &command_status, sizeof command_status)) < 0)
    { /* the launcher then reports our own status */ }
  _exit (0);
}

static void
move_to_cgroups (const launcher_options *opts, pid_t init_pid)
{
  char pid_str[32];
  size_t i;

  snprintf (pid_str, sizeof pid_str, "%d\n", (int) init_pid);

  for (i = 0; i < opts->n_cgroup_procs; i++)
    {
      const char *hint;
      int err;

      if (write_file (opts->cgroup_procs[i], pid_str) == 0)
        continue;

      err = errno;
      if (err == ENOSPC)
        hint = "a v1 cpuset cgroup needs cpuset.cpus and cpuset.mems set before tasks can join";
      else if (err == ENOENT)
        hint = "the host creates this cgroup before starting the launcher; was it removed?";
      else if (err == EBUSY || err == EOPNOTSUPP)
        hint = "a cgroup v2 group with controllers enabled for its children cannot hold processes";
      else
        hint = "the host prepares these cgroup.procs files; check the cgroup still exists";

      kill (init_pid, SIGKILL);
      TEMP_FAILURE_RETRY (waitpid (init_pid, NULL, 0));
      die_full (EXIT_SETUP_FAILED, err, hint, "write %s", opts->cgroup_procs[i]);
    }
}

/* Tasks leave a cgroup asynchronously after they are reaped, so rmdir()
 * may see EBUSY for a few milliseconds. */
static void
remove_cgroups (const launcher_options *opts)
{
  const struct timespec delay = { .tv_sec = 0, .tv_nsec = RMDIR_BUSY_DELAY_NS };
  size_t i;
  int tries;

  for (i = 0; i < opts->n_cgroup_procs; i++)
    {
      cleanup_free char *copy = xstrdup (opts->cgroup_procs[i]);
      const char *dir = dirname (copy);

      for (tries = 0; tries < RMDIR_BUSY_RETRIES; tries++)
        {
          if (rmdir (dir) == 0 || errno != EBUSY)
            break;
          nanosleep (&delay, NULL);
        }
      /* islet's parent goes with its last leaf, as the host does it; the
       * kernel refuses while another run's cgroup is inside, which is fine. */
      cleanup_free char *parent_copy = xstrdup (dir);
      (void) rmdir (dirname (parent_copy));
    }
}

int
main (int argc, char **argv)
{
  launcher_options opts;
  sigset_t signals;
  siginfo_t info;
  struct rusage init_usage;
  cleanup_free char *cwd = NULL;
  unsigned long clone_flags;
  pid_t parent_pid;
  pid_t init_pid;
  int sync_pipe[2];
  int result_pipe[2];
  int init_status = 0;
  int command_status;
  bool parent_died = false;
  id_map uid_map = { 0 };
  id_map gid_map = { 0 };
  ssize_t n;

  /* The host may be gone by the time we report: EPIPE beats dying. */
  signal (SIGPIPE, SIG_IGN);

  find_status_fd (argc, argv);
  parse_args (argc, argv, &opts);

  /* The host decides between root and rootless mode; guessing here would
   * turn a missing privilege into a different, surprising container. */
  if (geteuid () != 0 && !opts.userns)
    die_full (EXIT_SETUP_FAILED, 0, "run as root, or pass --userns for rootless mode",
              "islet-launcher needs root without --userns (euid is %d)", (int) geteuid ());
  if (opts.userns)
    {
      parse_id_map ("--uid-map", opts.uid_map, geteuid (), &uid_map);
      parse_id_map ("--gid-map", opts.gid_map, getegid (), &gid_map);
    }

  if (opts.cwd != NULL)
    cwd = xstrdup (opts.cwd);
  else if ((cwd = getcwd (NULL, 0)) == NULL)
    die_with_error_hint ("pass --cwd", "getcwd");

  /* If the host dies we must clean up its cgroups: ask to be told, then
   * check it did not die before we asked. */
  parent_pid = getppid ();
  if (prctl (PR_SET_PDEATHSIG, PARENT_DEATH_SIGNAL, 0, 0, 0) != 0)
    die_with_error ("prctl(PR_SET_PDEATHSIG)");
  /* A host that died before we asked (or before we even ran, when
   * getppid() already names the reaper) made cgroups nobody else removes. */
  if (getppid () != parent_pid || (opts.host_pid > 0 && parent_pid != opts.host_pid))
    {
      remove_cgroups (&opts);
      die ("the host process exited before the container started");
    }

  block_signals (&signals);

  if (pipe2 (sync_pipe, O_CLOEXEC) != 0 || pipe2 (result_pipe, O_CLOEXEC) != 0)
    die_with_error ("pipe2");

  /* With CLONE_NEWUSER in the same call, the user namespace owns the
   * others: init is root in all of them and nowhere else. It has to be this
   * single-threaded process that creates it (unshare(CLONE_NEWUSER) fails
   * with EINVAL in a multi-threaded one such as Node). */
  clone_flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
  if (!opts.share_net)
    clone_flags |= CLONE_NEWNET;
  if (opts.userns)
    clone_flags |= CLONE_NEWUSER;

  init_pid = raw_clone (clone_flags);
  if (init_pid < 0)
    /* The host recognises "clone (new user" and explains EPERM, EACCES and
     * ENOSPC from the sysctls that cause them (src/rootless/). */
    die_with_error_hint (errno == ENOSPC || errno == EUSERS
                         ? "a namespace limit was reached (see /proc/sys/user/max_*_namespaces)"
                         : NULL,
                         "clone (new %spid, mount, uts, ipc%s namespaces)",
                         opts.userns ? "user, " : "", opts.share_net ? "" : ", net");

  if (init_pid == 0)
    {
      close (sync_pipe[1]);
      close (result_pipe[0]);
      run_init (&opts, cwd, &signals, sync_pipe[0], result_pipe[1]);
    }

  close (sync_pipe[0]);
  close (result_pipe[1]);
  if (fcntl (result_pipe[0], F_SETFL, O_NONBLOCK) != 0)
    die_with_error ("fcntl O_NONBLOCK");

  status_line ("pid %d", (int) init_pid);

  move_to_cgroups (&opts, init_pid);

  if (opts.userns)
    write_id_maps (init_pid, &uid_map, &gid_map);

  /* sync_pipe[1] stays open until we exit: init watches it for hangup. */
  if (TEMP_FAILURE_RETRY (write (sync_pipe[1], "g", 1)) < 0)
    { /* init already died: SIGCHLD tells us how */ }

  for (;;)
    {
      int sig = (int) TEMP_FAILURE_RETRY (sigwaitinfo (&signals, &info));

      if (sig < 0)
        die_with_error ("sigwaitinfo");

      if (sig == SIGCHLD)
        {
          if (TEMP_FAILURE_RETRY (wait4 (init_pid, &init_status, WNOHANG, &init_usage)) == init_pid)
            break;
          continue;
        }

      if (sig == PARENT_DEATH_SIGNAL)
        {
          /* The host died: nobody will stop or clean up this container. */
          if (!parent_died && getppid () != parent_pid)
            {
              parent_died = true;
              kill (init_pid, SIGKILL);
            }
          continue;
        }

      /* SI_KERNEL: a tty signal that reached the whole foreground process
       * group, the container included. */
      if (info.si_code != SI_KERNEL)
        kill (init_pid, sig);
    }

  /* init waited for every process of the container, so its rusage covers
   * them all; ru_maxrss is the largest single process, in KiB. */
  status_line ("rusage %ld %lld %lld", init_usage.ru_maxrss,
               (long long) init_usage.ru_utime.tv_sec * 1000000 + init_usage.ru_utime.tv_usec,
               (long long) init_usage.ru_stime.tv_sec * 1000000 + init_usage.ru_stime.tv_usec);

  /* Init sends the command's status before it exits; without it (init was
   * killed, or setup failed), init's own status is the answer. */
  n = TEMP_FAILURE_RETRY (read (result_pipe[0], &command_status, sizeof command_status));
  bool command_ran = n == (ssize_t) sizeof command_status;
  if (!command_ran)
    command_status = init_status;

  /* A host that died while the container was ending cannot read the stats
   * or remove the cgroups either. Nor can one whose fds closed as it exited,
   * which is how a spare container (--go-fd) learns first: its command never
   * ran and its cgroups measured nothing, so they go in any case. */
  if (parent_died || getppid () != parent_pid || (opts.go_fd >= 0 && !command_ran))
    remove_cgroups (&opts);

  if (WIFSIGNALED (command_status))
    {
      status_line ("signal %d", WTERMSIG (command_status));
      return 128 + WTERMSIG (command_status);
    }

  status_line ("exit %d", WEXITSTATUS (command_status));
  return WEXITSTATUS (command_status);
}
