# xsclone-lib.sh: helpers for the XS_CLONE nested tests and benchmarks
# (busybox sh). Installed in Dom0 as /usr/lib/xen-clone/xsclone-lib.sh.

XSC_STUB=/usr/lib/xen-clone/xsclone-stub.elf
XSC_RAW=/usr/lib/xen-clone/bin/xsclone-raw

# stub_domain NAME: create a paused PV domain from the stub kernel (a real
# domain with the XenStore home and console xl gives it); print its domid.
stub_domain() {
    cat >"/tmp/$1.cfg" <<EOC
name="$1"
type="pv"
kernel="$XSC_STUB"
memory=16
vcpus=1
on_poweroff="destroy"
EOC
    if ! xl create -p "/tmp/$1.cfg" >"/tmp/$1.create.log" 2>&1; then
        sed 's/^/# /' "/tmp/$1.create.log" >&2
        return 1
    fi
    xl domid "$1"
}

# fake_device DOMID TYPE DEVID: a device's frontend and backend (in Dom0)
# laid out and permitted as libxl writes them, for kinds (vif, 9pfs) whose
# backend drivers this Dom0 does not have.
fake_device() {
    _d=$1 _t=$2 _i=$3
    _fe=/local/domain/$_d/device/$_t/$_i
    _be=/local/domain/0/backend/$_t/$_d/$_i
    xenstore-write "$_fe/backend" "$_be" "$_fe/backend-id" 0 \
        "$_fe/state" 1 "$_fe/handle" "$_i" &&
    xenstore-write "$_be/frontend" "$_fe" "$_be/frontend-id" "$_d" \
        "$_be/state" 1 "$_be/online" 1 "$_be/handle" "$_i" || return 1
    case $_t in
    vif) xenstore-write "$_fe/mac" "00:16:3e:00:00:0$_i" \
            "$_be/mac" "00:16:3e:00:00:0$_i" "$_be/bridge" xenbr0 \
            "$_be/script" /etc/xen/scripts/vif-bridge "$_be/type" vif ;;
    9pfs) xenstore-write "$_fe/tag" share "$_be/path" /srv/share \
            "$_be/security_model" none "$_be/max-files" 0 ;;
    esac || return 1
    # Frontend: the guest owns it, the backend reads it; the other way
    # round for the backend.
    xenstore-chmod "/local/domain/$_d/device" "n$_d" r0 &&
    xenstore-chmod "/local/domain/$_d/device/$_t" "n$_d" r0 &&
    xenstore-chmod -r "$_fe" "n$_d" r0 &&
    xenstore-chmod "/local/domain/0/backend/$_t/$_d" n0 "r$_d" &&
    xenstore-chmod -r "$_be" n0 "r$_d"
}

# xs_perms PATH: the node's permissions, one line ("n1 r0").
xs_perms() { $XSC_RAW get_perms "$1" | tr '\n' ' ' | sed 's/ $//'; }

# xs_count PATH: number of nodes in the subtree at PATH (0 if none).
xs_count() {
    xenstore-exists "$1" 2>/dev/null || { echo 0; return; }
    echo $(( $(xenstore-ls "$1" 2>/dev/null | wc -l) + 1 ))
}

# xs_dump PATH: "relative-path = value (perms)" for every node below PATH,
# sorted, so that two subtrees compare with cmp.
xs_dump() {
    xenstore-ls -f -p "$1" 2>/dev/null | sed "s#^$1/##" | sort
}

# rewrite_dump PARENT CHILD: a dump of the parent's subtree with perms
# naming PARENT naming CHILD instead (what a clone must show).
rewrite_dump() {
    sed -e "s/\([(,][nrwb]\)$1\([,)]\)/\1$2\2/g" \
        -e "s/\([(,][nrwb]\)$1\([,)]\)/\1$2\2/g"
}

# rewrite_perms PARENT CHILD: the same for xs_perms's form ("n1 r0").
rewrite_perms() {
    sed -E -e "s/(^| )([nrwb])$1( |\$)/\\1\\2$2\\3/g" \
        -e "s/(^| )([nrwb])$1( |\$)/\\1\\2$2\\3/g"
}
