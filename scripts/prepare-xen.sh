#!/bin/bash
# prepare-xen.sh: build/xen/src = pristine Debian tree + our patch queues +
# our new files. Only files whose content changed are rewritten, so the
# following make rebuilds only what changed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Patch queues, applied in this order. Each has a `series` file.
QUEUES=(xen/patches tools/xenstored-clone/patches)
# Overlays: "repo-dir:tree-dir". Files are copied over the tree as they are:
# new files of the Xen tree live there, in folders that mirror the tree.
OVERLAYS=(xen:xen xen/tools:tools tools/xenstored-clone/xen-tree:.)
# Paths inside the xen/ overlay that are ours only and never reach the tree
# (xen/tools is an overlay of its own), and backup files in any overlay.
XEN_OVERLAY_EXCLUDES=(--exclude=/patches --exclude=/tests --exclude=/README.md
                      --exclude=/xen.kconfig --exclude=/tools)
OVERLAY_EXCLUDES=(--exclude='*.orig' --exclude='*~')

[ -e "$XEN_PRISTINE/.unpacked-$XEN_DEB_VERSION" ] ||
    die "no pristine Xen tree; run 'make xen' (it fetches the source first)"

STAGE=$BUILD/xen/stage
rm -rf "$STAGE"
cp -a "$XEN_PRISTINE" "$STAGE"
rm -f "$STAGE"/.unpacked-*

for q in "${QUEUES[@]}"; do
    series=$TOP/$q/series
    [ -f "$series" ] || continue
    while read -r p _; do
        case $p in ''|'#'*) continue ;; esac
        [ -f "$TOP/$q/$p" ] || die "$q/series names $p, which does not exist"
        if ! patch -d "$STAGE" -p1 --batch --forward --no-backup-if-mismatch \
                -s <"$TOP/$q/$p" >"$BUILD/xen/patch.log" 2>&1; then
            cat "$BUILD/xen/patch.log" >&2
            die "patch $q/$p does not apply to xen $XEN_DEB_VERSION"
        fi
    done <"$series"
done

for o in "${OVERLAYS[@]}"; do
    src=$TOP/${o%%:*} dst=$STAGE/${o##*:}
    excl=("${OVERLAY_EXCLUDES[@]}")
    [ "${o%%:*}" != xen ] || excl+=("${XEN_OVERLAY_EXCLUDES[@]}")
    rsync -rlp "${excl[@]}" "$src/" "$dst/"
done

# Sync into the build tree only what changed in the staged tree since the
# last run (build/xen/applied keeps that copy). Files the build regenerates
# (configure, flex/bison output) are left alone, so nothing rebuilds needlessly.
APPLIED=$BUILD/xen/applied
mkdir -p "$XEN_SRC" "$APPLIED"
rsync -rlpc --delete --itemize-changes "$STAGE/" "$APPLIED/" >"$BUILD/xen/sync.list"
n=0
while read -r item path; do
    case $item in
    '*deleting') rm -f "$XEN_SRC/$path"; echo "removed $path" >&2 ;;
    '>f'*|'cL'*)
        mkdir -p "$XEN_SRC/$(dirname "$path")"
        cp -P --preserve=mode "$APPLIED/$path" "$XEN_SRC/$path.tmp.$$"
        mv -f "$XEN_SRC/$path.tmp.$$" "$XEN_SRC/$path"
        n=$((n + 1)); [ $n -le 10 ] && echo "updated $path" >&2 ;;
    esac
done <"$BUILD/xen/sync.list"
[ $n -le 10 ] || echo "... $n files updated in all" >&2
rm -rf "$STAGE"
