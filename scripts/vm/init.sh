#!/bin/busybox sh
# PID 1 of the cgroup-v2 test VM; its host-side twin is scripts/vm/run.sh.
# setup.sh copies this file to /init in the initramfs.
#
# Stage 1 (in the initramfs) builds the root: the host's / arrives read-only
# (9p under kvm, hostfs under uml) and gets a tmpfs overlay on top, so the
# guest sees the host's paths (node, the checkout, node_modules) and every
# write stays in guest memory.
# Stage 2 (after switch_root) runs the job and powers off.
#
# Protocol with run.sh (everything else is ordinary output):
#   kernel cmdline  islet.backend=kvm|uml  islet.job=<host path of a bash script>
#                   islet.cwd=<dir>  islet.modules=<dir>  islet.stdout_tty=0|1  islet.stderr_tty=0|1
#   job's stdout    kvm: hvc0 (virtio console)  uml: tty1 (con1)
#   job's stderr    kvm: hvc1                   uml: tty2 (con2)
#   /dev/console    kernel console (quiet), init's own errors, and the last
#                   line "ISLET_VM_EXIT=<n>" that carries the job's exit code

BB=/bin/busybox
STAGE2_DIR=/run/islet-vm

fail() {
    echo "islet-vm init: $*" >/dev/console
    echo "ISLET_VM_EXIT=125" >/dev/console
    $BB poweroff -f
}

# Reads $CMDLINE, not /proc/cmdline: stage 1 moves /proc away before it is done.
cmdline_value() {
    for word in $CMDLINE; do
        case $word in "$1="*) echo "${word#*=}"; return ;; esac
    done
}

stage1() {
    $BB mkdir -p /bin && $BB --install -s /bin
    export PATH=/bin
    mount -t proc proc /proc
    CMDLINE=$(cat /proc/cmdline)
    mount -t sysfs sysfs /sys
    mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev

    while read -r mod; do
        insmod "/lib/modules/$mod" || fail "insmod $mod failed"
    done </lib/modules/load-order

    mkdir -p /mnt/lower /mnt/rw /mnt/root
    if [ "$(cmdline_value islet.backend)" = uml ]; then
        # hostfs reads the host's files with the UML process's rights; ro is
        # the guest's promise only, the overlay above keeps it.
        mount -t hostfs -o ro,/ hostroot /mnt/lower ||
            fail 'mounting the host root (hostfs) failed'
    else
        # cache=loose: the host tree does not change under a test run, so the
        # guest may cache pages and dentries, which is what makes 9p bearable.
        # msize: fewer round trips for node_modules reads (virtio caps it at 512k).
        mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /mnt/lower ||
            fail 'mounting the host root (9p tag hostroot) failed'
    fi
    mount -t tmpfs -o mode=755,size=75% islet-rw /mnt/rw
    mkdir -p /mnt/rw/upper /mnt/rw/work
    # The guest root is an overlay (depth 1) over 9p; islet stacks its own
    # overlay on it (depth 2), which is the kernel's limit.
    mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work islet-root /mnt/root ||
        fail 'mounting the overlay root failed'

    R=/mnt/root
    for dir in proc sys dev; do
        mount --move "/$dir" "$R/$dir"
    done
    mount -t tmpfs -o mode=755 run "$R/run"
    # /tmp is a fresh tmpfs as on most hosts, but a checkout under the host's
    # /tmp (CI clones can live there) must stay visible: carry its top
    # directory, still backed by the root overlay, over the new mount.
    keep=
    cwd=$(cmdline_value islet.cwd)
    case $cwd in /tmp/?*)
        keep=${cwd#/tmp/} keep=${keep%%/*}
        mkdir -p /mnt/keep
        mount --bind "$R/tmp/$keep" /mnt/keep || keep=
        ;;
    esac
    mount -t tmpfs -o mode=1777 tmp "$R/tmp"
    if [ -n "$keep" ]; then
        mkdir -p "$R/tmp/$keep"
        mount --move /mnt/keep "$R/tmp/$keep"
    fi
    mkdir -p "$R/dev/pts" "$R/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,gid=5,mode=620 devpts "$R/dev/pts"
    mount -t tmpfs -o mode=1777 shm "$R/dev/shm"
    # Only cgroup2: cgroup_no_v1=all on the cmdline keeps v1 hierarchies from
    # being mountable at all. Options as systemd mounts it on v2-only hosts.
    mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 "$R/sys/fs/cgroup" ||
        fail 'mounting cgroup2 failed'

    # The kernel's modules live in the host cache, which the guest sees over
    # 9p; bind them where modprobe looks so e.g. veth loads on demand.
    modules=$(cmdline_value islet.modules)
    if [ -n "$modules" ] && [ -d "$R$modules" ]; then
        mkdir -p "$R/lib/modules/$(uname -r)"
        mount --bind "$R$modules" "$R/lib/modules/$(uname -r)"
    fi

    # The job file sits somewhere under the host's /tmp, which the guest's
    # tmpfs now hides: read it through the lower layer.
    job=$(cmdline_value islet.job)
    [ -f "/mnt/lower$job" ] || fail "job file $job not visible in the guest"
    mkdir -p "$R$STAGE2_DIR"
    cp "/mnt/lower$job" "$R$STAGE2_DIR/job.sh"
    cp "$BB" "$R$STAGE2_DIR/busybox"
    cp /init "$R$STAGE2_DIR/init"

    exec switch_root "$R" "$STAGE2_DIR/busybox" sh "$STAGE2_DIR/init" stage2
}

# Leaves the job a plain pipe, as on a CI host, unless the host side was a
# terminal; tty output post-processing (\n -> \r\n) is switched off for pipes.
connect_stream() { # <fd> <device> <tty 0|1>
    if [ "$3" = 1 ]; then
        eval "exec $1>$2"
    else
        stty -F "$2" -opost 2>/dev/null
        mkfifo "$STAGE2_DIR/fd$1"
        cat "$STAGE2_DIR/fd$1" >"$2" &
        eval "exec $1>$STAGE2_DIR/fd$1"
    fi
}

stage2() {
    BB=$STAGE2_DIR/busybox
    CMDLINE=$(cat /proc/cmdline)
    mkdir -p "$STAGE2_DIR/bin"
    "$STAGE2_DIR/busybox" --install -s "$STAGE2_DIR/bin"
    export PATH=$STAGE2_DIR/bin

    hostname islet-vm
    ip link set lo up

    # Enable every listed controller this kernel offers, one by one, so a
    # missing one does not stop the others.
    for c in cpu cpuset io memory pids; do
        grep -qw "$c" /sys/fs/cgroup/cgroup.controllers &&
            echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control
    done

    if [ "$(cmdline_value islet.backend)" = uml ]; then
        out=/dev/tty1 err=/dev/tty2
    else
        out=/dev/hvc0 err=/dev/hvc1
    fi
    # hvc ports appear once virtio_console has probed; give them a moment.
    i=0
    while [ ! -e $err ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -e $err ] || fail "output ports $out and $err did not appear"

    (
        exec </dev/null
        connect_stream 1 $out "$(cmdline_value islet.stdout_tty)"
        connect_stream 2 $err "$(cmdline_value islet.stderr_tty)"
        # The host's bash runs the job: run.sh quoted it with printf %q.
        /bin/bash "$STAGE2_DIR/job.sh"
        rc=$?
        exec 1>&- 2>&-
        wait
        exit $rc
    )
    rc=$?
    sync
    echo "ISLET_VM_EXIT=$rc" >/dev/console
    poweroff -f
}

if [ "$1" = stage2 ]; then
    stage2
else
    stage1
fi
# Unreachable unless poweroff failed; panic=-1 and qemu's -no-reboot then
# still end the VM.
exit 1
