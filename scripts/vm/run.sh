#!/bin/bash
# Usage: scripts/vm/run.sh [--] <command...>
#
# Runs <command> in a KVM guest whose only cgroup hierarchy is cgroup2, in the
# current directory, and exits with the command's exit code. The guest sees
# the host's / read-only with a tmpfs overlay on top (see init.sh, the guest
# side of this script), so the same node, checkout and node_modules are there
# and nothing the command writes reaches the host.
#
# Exit codes: the command's, or 77 when ISLET_VM_BACKEND=kvm but /dev/kvm is
# unusable, 124 when the hard timeout killed the VM, 125 when the guest failed
# before the command. Which machine boots the guest: see backend.sh.
#
# Environment:
#   ISLET_VM_CACHE       where setup.sh put kernel and initramfs (/var/cache/islet-vm)
#   ISLET_VM_TIMEOUT_S   hard limit for the whole VM, in seconds (2400)
#   ISLET_VM_MEMORY_MB   guest memory (4096)
#   ISLET_VM_CPUS        guest CPUs (2; uml always has one)
#   ISLET_VM_BACKEND     auto (default), kvm or uml; see backend.sh
#   ISLET_VM_ENV         extra variable names to pass into the guest
#   ISLET_VM_DEBUG=1     keep the kernel console verbose and print it
set -euo pipefail

readonly CACHE=${ISLET_VM_CACHE:-/var/cache/islet-vm}
readonly TIMEOUT_S=${ISLET_VM_TIMEOUT_S:-2400}
readonly MEMORY_MB=${ISLET_VM_MEMORY_MB:-4096}
readonly CPUS=${ISLET_VM_CPUS:-2}
# After the timeout's SIGTERM, qemu gets this long before SIGKILL.
readonly KILL_AFTER_S=10
readonly EXIT_SKIP=77 EXIT_TIMEOUT=124 EXIT_VM_FAILED=125

# Passed into the guest when set on the host, plus every ISLET_* variable.
# HOME and PATH are passed so the job finds the same node as on the host.
PASS_ENV=(HOME PATH CI TERM COLORTERM FORCE_COLOR NO_COLOR LANG LC_ALL TZ
    NODE_OPTIONS GITHUB_ACTIONS VITEST_MAX_WORKERS)

log() { printf 'islet-vm: %s\n' "$*" >&2; }

[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [--] <command...>" >&2; exit 2; }

# shellcheck source=backend.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/backend.sh"
select_vm_backend || exit 2
if [ "$VM_BACKEND" = kvm ] && { [ ! -c /dev/kvm ] || [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; }; then
    log "skip: ISLET_VM_BACKEND=kvm but /dev/kvm is missing or not read-writable by $(id -un)"
    exit $EXIT_SKIP
fi
env_file=$CACHE/current-$VM_BACKEND.env
[ -f "$env_file" ] || { log "error: $env_file missing; run scripts/vm/setup.sh first"; exit $EXIT_VM_FAILED; }
# shellcheck source=/dev/null
. "$env_file"
[ "${ISLET_VM_DEBUG:-0}" = 1 ] && log "backend $VM_BACKEND: $VM_BACKEND_REASON"

work=$(mktemp -d "${TMPDIR:-/tmp}/islet-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The job: cd, environment, command, each quoted for bash by printf %q.
# The guest reads it over the read-only share, so it must be a real file.
{
    echo 'set -e'
    printf 'cd -- %q\n' "$PWD"
    for name in "${PASS_ENV[@]}" ${ISLET_VM_ENV:-} $(compgen -v ISLET_ || true); do
        if [ -n "${!name+set}" ]; then printf 'export %s=%q\n' "$name" "${!name}"; fi
    done
    echo 'set +e'
    printf 'exec'
    printf ' %q' "$@"
    echo
} >"$work/job.sh"

tty_flag() { [ -t "$1" ] && echo 1 || echo 0; }

cmdline=(
    # Nothing from the kernel on the console unless debugging.
    $([ "${ISLET_VM_DEBUG:-0}" = 1 ] && echo loglevel=7 || echo quiet loglevel=0)
    panic=-1
    # cgroup v2 only, as on systemd hosts with the unified hierarchy.
    cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1
    islet.backend="$VM_BACKEND"
    islet.job="$work/job.sh"
    # Words are split on spaces; a cwd with one only misses init's /tmp rescue.
    islet.cwd="${PWD// /_}"
    islet.modules="$ISLET_VM_MODULES"
    islet.stdout_tty=$(tty_flag 1)
    islet.stderr_tty=$(tty_flag 2)
)

if [ "$VM_BACKEND" = uml ]; then
    # con0 is the console (to a file), con1/con2 are the job's stdout/stderr,
    # written straight to ours; no input anywhere. The guest's memory is a
    # file UML maps from $TMPDIR (it prefers /dev/shm).
    vm=(
        "$ISLET_VM_KERNEL"
        mem="${MEMORY_MB}M"
        initrd="$ISLET_VM_INITRD"
        con=null ssl=null con0=null,fd:3 con1=null,fd:1 con2=null,fd:2
        "${cmdline[@]}"
    )
    exec 3>"$work/console.log"
else
    cmdline+=(
        console=ttyS0
        # One UART probed, no legacy keyboard/mouse poking: shaves boot time.
        8250.nr_uarts=1 i8042.noaux i8042.nokbd
    )
    # stdio carries hvc0 (stdout) and the file chardev hvc1 (stderr). qemu
    # reads stdin for a stdio chardev and would put a terminal in raw mode, so
    # stdin is /dev/null. /proc/self/fd/2 reopens whatever stderr is.
    vm=(
        qemu-system-x86_64
        -enable-kvm -cpu host -smp "$CPUS" -m "$MEMORY_MB"
        -nodefaults -no-user-config -display none -vga none
        -no-reboot
        -kernel "$ISLET_VM_KERNEL" -initrd "$ISLET_VM_INITRD"
        -append "${cmdline[*]}"
        -nic none
        -rtc base=utc,clock=host
        -chardev "file,id=console,path=$work/console.log"
        -serial chardev:console
        -device virtio-serial-pci
        -chardev stdio,id=stdout,signal=on
        -device virtconsole,chardev=stdout,name=stdout
        -chardev "file,id=stderr,path=/proc/self/fd/2,append=on"
        -device virtconsole,chardev=stderr,name=stderr
        # The host root, read-only. multidevs=remap keeps inode numbers unique
        # across the host's mounts, which the guest sees as one filesystem.
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
    )
fi

set +e
timeout --kill-after=$KILL_AFTER_S "$TIMEOUT_S" "${vm[@]}" </dev/null
vm_exit=$?
set -e
exec 3>&-

# The console may carry \r and kernel lines; the marker is a line of its own.
vm_rc=$(tr -d '\r' <"$work/console.log" | sed -n 's/^ISLET_VM_EXIT=\([0-9]*\)$/\1/p' | tail -n1)
if [ "${ISLET_VM_DEBUG:-0}" = 1 ]; then
    log 'guest console:'
    cat "$work/console.log" >&2
fi
if [ $vm_exit = 124 ] || [ $vm_exit = 137 ]; then
    log "error: killed the VM after the hard timeout of ${TIMEOUT_S}s (ISLET_VM_TIMEOUT_S)"
    exit $EXIT_TIMEOUT
fi
if [ -z "$vm_rc" ]; then
    log "error: the VM ended without reporting an exit code ($VM_BACKEND exit $vm_exit); guest console:"
    tail -n 50 "$work/console.log" >&2
    exit $EXIT_VM_FAILED
fi
if [ "$vm_rc" = $EXIT_VM_FAILED ] && grep -q '^islet-vm init:' "$work/console.log"; then
    grep '^islet-vm init:' "$work/console.log" >&2
fi
exit "$vm_rc"
