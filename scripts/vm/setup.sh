#!/bin/bash
# Prepares everything scripts/vm/run.sh needs to boot the cgroup-v2 test VM
# for the backend backend.sh selects: host packages, a Debian kernel unpacked
# into a cache (never installed: not into /boot, not into dpkg's database) and
# a small initramfs built around scripts/vm/init.sh.
#   kvm: linux-image-<abi>-amd64 (what linux-image-amd64 depends on) + qemu
#   uml: user-mode-linux (the kernel is the program /usr/bin/linux.uml)
#
# Idempotent and cheap on the second run: every step checks a stamp before it
# does anything slow, and apt is only asked when something is missing.
# Set ISLET_VM_REFRESH=1 to re-resolve the newest Debian kernel.
#
# Output: ${ISLET_VM_CACHE:-/var/cache/islet-vm}/current-<backend>.env, sourced by run.sh.
set -euo pipefail

readonly CACHE=${ISLET_VM_CACHE:-/var/cache/islet-vm}
readonly HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly INIT_SCRIPT=$HERE/init.sh
# shellcheck source=backend.sh
. "$HERE/backend.sh"

# Modules the initramfs must load before the root filesystem exists.
# Why 9p and not virtiofs: 9p is served by qemu itself (no virtiofsd daemon, no
# shared-memory backend, one process to kill), qemu enforces read-only with
# readonly=on, and overlayfs accepts a 9p lower layer. Reads are slower than
# virtiofs, but the guest page cache (cache=loose) hides most of that for a
# test run that reads node_modules a few times.
# virtio_console: the command's stdout/stderr leave the guest on hvc0/hvc1 so
# they never mix with the kernel's console on ttyS0.
readonly KVM_BOOT_MODULES=(virtio_pci 9pnet_virtio 9p overlay virtio_console)
# UML has hostfs and its consoles built in; only overlayfs is a module.
readonly UML_BOOT_MODULES=(overlay)

log() { printf 'islet-vm setup: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

have_host_tools() {
    { [ "$VM_BACKEND" = uml ] || command -v qemu-system-x86_64 >/dev/null; } &&
        command -v depmod >/dev/null &&
        command -v modprobe >/dev/null &&
        command -v cpio >/dev/null &&
        command -v timeout >/dev/null &&
        # busybox-static, not the dynamic busybox: the initramfs has no libc.
        [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1
}

apt_updated=0
apt_update_once() {
    if [ "$apt_updated" = 0 ]; then
        log 'apt-get update'
        apt-get update -qq >&2
        apt_updated=1
    fi
}

install_host_tools() {
    have_host_tools && return 0
    local pkgs=(busybox-static kmod cpio coreutils)
    [ "$VM_BACKEND" = uml ] || pkgs+=(qemu-system-x86)
    [ "$(id -u)" = 0 ] || die "some of ${pkgs[*]} are missing; run this script as root once to install them"
    apt_update_once
    log "installing ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2
    have_host_tools || die 'host tools still missing after apt-get install'
}

# kvm: the package linux-image-amd64 depends on, e.g. linux-image-6.1.0-56-amd64.
# uml: user-mode-linux, which has no ABI-named twin.
resolve_kernel_package() {
    if [ "$VM_BACKEND" = uml ]; then
        echo user-mode-linux
        return 0
    fi
    local pkg
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    if [ -z "$pkg" ]; then
        apt_update_once
        pkg=$(apt-cache depends linux-image-amd64 |
            awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    fi
    [ -n "$pkg" ] || die 'cannot resolve the kernel package linux-image-amd64 depends on'
    printf '%s\n' "$pkg"
}

# Unpacks the kernel package into $CACHE/kernel/<pkg>; prints that directory.
fetch_kernel() {
    local pkg=$1 dir=$CACHE/kernel/$1 tmp
    if [ -f "$dir/.complete" ]; then
        printf '%s\n' "$dir"
        return 0
    fi
    log "downloading $pkg (not installed: unpacked into $dir)"
    tmp=$(mktemp -d "$CACHE/download.XXXXXX")
    # apt-get download drops privileges to _apt and warns when it cannot
    # write to the target directory; let it.
    chown _apt "$tmp" 2>/dev/null || true
    # Stale package lists name a version the mirror no longer has: update and retry.
    (cd "$tmp" && apt-get download -qq "$pkg" >&2 2>/dev/null) ||
        { apt_update_once; (cd "$tmp" && apt-get download -qq "$pkg" >&2); }
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg-deb -x "$tmp"/"$pkg"_*.deb "$dir"
    rm -rf "$tmp"
    # UML keeps its modules in usr/lib/uml/modules; give them the standard
    # layout so everything below treats both kernels alike.
    if [ -d "$dir/usr/lib/uml/modules" ]; then
        mkdir -p "$dir/lib"
        ln -s ../usr/lib/uml/modules "$dir/lib/modules"
    fi
    # modules.dep is normally made by the package's postinst; make it here so
    # modprobe works both below and inside the guest (which sees this cache).
    depmod -b "$dir" "$(kernel_version "$dir")"
    touch "$dir/.complete"
    printf '%s\n' "$dir"
}

kernel_version() { ls "$1/lib/modules/"; }

kernel_image() { # <dir> <version>
    if [ "$VM_BACKEND" = uml ]; then
        echo "$1/usr/bin/linux.uml"
    else
        echo "$1/boot/vmlinuz-$2"
    fi
}

# Builds an uncompressed initramfs (unpacking is faster than decompressing a
# ~3 MB archive) whose name carries a hash of every input, so a changed
# init.sh, kernel or busybox produces a new file and an unchanged one is reused.
build_initramfs() {
    local kdir=$1 kver=$2 key out stage mod modules
    if [ "$VM_BACKEND" = uml ]; then
        modules=("${UML_BOOT_MODULES[@]}")
    else
        modules=("${KVM_BOOT_MODULES[@]}")
    fi
    key=$(cat "$INIT_SCRIPT" "${BASH_SOURCE[0]}" /bin/busybox <(printf '%s\n' "$kver" "${modules[@]}") |
        sha256sum | cut -c1-16)
    out=$CACHE/initramfs-$VM_BACKEND-$kver-$key.cpio
    if [ -f "$out" ]; then
        printf '%s\n' "$out"
        return 0
    fi
    log "building $out"
    stage=$(mktemp -d "$CACHE/initramfs.XXXXXX")
    mkdir -p "$stage"/{bin,dev,proc,sys,mnt,lib/modules}
    cp /bin/busybox "$stage/bin/busybox"
    cp "$INIT_SCRIPT" "$stage/init"
    chmod 755 "$stage/init"
    # The kernel opens /dev/console for init's stdio before init can mount devtmpfs.
    mknod -m 600 "$stage/dev/console" c 5 1
    # Load order from modprobe; duplicates dropped, builtins skipped.
    for mod in "${modules[@]}"; do
        modprobe -d "$kdir" -S "$kver" --show-depends "$mod"
    done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r mod; do
        cp "$mod" "$stage/lib/modules/"
        printf '%s\n' "${mod##*/}" >>"$stage/lib/modules/load-order"
    done
    (cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) >"$out.tmp"
    mv "$out.tmp" "$out"
    rm -rf "$stage"
    # Older initramfs images are dead weight once a new one exists.
    find "$CACHE" -maxdepth 1 -name "initramfs-$VM_BACKEND-*.cpio" ! -path "$out" -delete
    printf '%s\n' "$out"
}

main() {
    select_vm_backend
    log "backend $VM_BACKEND: $VM_BACKEND_REASON"
    mkdir -p "$CACHE"
    install_host_tools

    local pkg kdir kver initrd env_file=$CACHE/current-$VM_BACKEND.env
    # Reuse the kernel we already have unless asked to look for a newer one:
    # a second run must not depend on apt being reachable.
    pkg=
    if [ "${ISLET_VM_REFRESH:-0}" != 1 ] && [ -f "$env_file" ]; then
        pkg=$(sed -n 's/^ISLET_VM_KERNEL_PKG=//p' "$env_file")
    fi
    [ -n "$pkg" ] || pkg=$(resolve_kernel_package)
    kdir=$(fetch_kernel "$pkg")
    kver=$(kernel_version "$kdir")
    initrd=$(build_initramfs "$kdir" "$kver")

    cat >"$env_file.tmp" <<EOF
ISLET_VM_KERNEL_PKG=$pkg
ISLET_VM_KERNEL_VERSION=$kver
ISLET_VM_KERNEL=$(kernel_image "$kdir" "$kver")
ISLET_VM_MODULES=$kdir/lib/modules/$kver
ISLET_VM_INITRD=$initrd
EOF
    mv "$env_file.tmp" "$env_file"
    log "ready: $VM_BACKEND kernel $kver, $initrd"
}

main "$@"
