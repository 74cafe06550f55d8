# Sourced by setup.sh and run.sh: which machine boots the cgroup-v2 guest.
#
#   kvm  qemu + KVM + a Debian kernel: real SMP guest, fastest, the default
#        wherever /dev/kvm is a hardware-virtualization KVM.
#   uml  User-Mode Linux (Debian's user-mode-linux package): the guest kernel
#        is an ordinary host process, no /dev/kvm needed. One CPU only and
#        syscall-heavy work is slower, but it is a real kernel with cgroup2,
#        namespaces and overlayfs, which is what the lane needs.
#
# ISLET_VM_BACKEND=kvm|uml forces one; the default (auto) picks kvm only when
# /dev/kvm is usable and not kvm_pvm. kvm_pvm is the "PVM" KVM module of
# nested cloud sandboxes (our dev and CI machines): it opens fine, but runs an
# unmodified guest kernel by emulation; a Debian kernel needed over a minute
# to reach its first driver there, so auto treats it like no KVM at all.

# Sets VM_BACKEND (kvm or uml) and VM_BACKEND_REASON (for the log).
select_vm_backend() {
    case ${ISLET_VM_BACKEND:-auto} in
    kvm | uml)
        VM_BACKEND=$ISLET_VM_BACKEND
        VM_BACKEND_REASON="ISLET_VM_BACKEND=$ISLET_VM_BACKEND"
        ;;
    auto)
        if [ ! -c /dev/kvm ]; then
            VM_BACKEND=uml
            VM_BACKEND_REASON='/dev/kvm does not exist'
        elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
            VM_BACKEND=uml
            VM_BACKEND_REASON="/dev/kvm is not read-writable by $(id -un)"
        elif [ -d /sys/module/kvm_pvm ]; then
            VM_BACKEND=uml
            VM_BACKEND_REASON='/dev/kvm is kvm_pvm (emulates unmodified guests, far too slow)'
        else
            VM_BACKEND=kvm
            VM_BACKEND_REASON='/dev/kvm is usable'
        fi
        ;;
    *)
        echo "islet-vm: ISLET_VM_BACKEND must be auto, kvm or uml, not '$ISLET_VM_BACKEND'" >&2
        return 1
        ;;
    esac
}
