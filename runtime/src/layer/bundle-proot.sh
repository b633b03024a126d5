#!/usr/bin/env bash
# Copies Debian's proot and the libraries it loads (libtalloc, libc and the dynamic loader) into
# one directory, so that inside Lambda it runs as `ld-linux-x86-64.so.2 --library-path DIR DIR/proot`
# without anything from the host's /lib leaking in. Fails the build when proot is missing.
set -euo pipefail
out="$1"
proot="$(command -v proot || true)"
if [ -z "$proot" ]; then
  echo "bundle-proot: proot is not installed; the Lambda layer needs it: apt-get install proot" >&2
  exit 1
fi
proot="$(readlink -f "$proot")"
rm -rf "$out"
mkdir -p "$out"
cp "$proot" "$out/proot"
# ldd prints "name => /path (addr)" for libraries and "/path (addr)" for the loader.
libs="$(ldd "$proot" | awk '/=>/ { print $3; next } /^[[:space:]]*\// { print $1 }')"
for wanted in libtalloc.so.2 libc.so.6 ld-linux-x86-64.so.2; do
  path="$(printf '%s\n' "$libs" | grep "/$wanted\$" | head -1 || true)"
  if [ -z "$path" ] || [ ! -e "$path" ]; then
    echo "bundle-proot: $proot does not load $wanted (ldd found: $(echo $libs)); cannot build the proot bundle" >&2
    exit 1
  fi
  cp -L "$path" "$out/$wanted"
done
for lib in $libs; do
  name="$(basename "$lib")"
  if [ ! -e "$out/$name" ]; then
    echo "bundle-proot: proot also loads $lib, which the bundle does not carry; add it to bundle-proot.sh" >&2
    exit 1
  fi
done
# A static busybox, if the build machine has one, keeps PROOT_NO_SECCOMP out of the container
# when seccomp mode is off (its `env -u` starts the command); without it the variable shows.
busybox="$(command -v busybox || true)"
if [ -n "$busybox" ] && ! ldd "$(readlink -f "$busybox")" >/dev/null 2>&1; then
  cp -L "$busybox" "$out/busybox"
fi
chmod 0755 "$out"/*
echo "bundle-proot: $(ls "$out" | tr '\n' ' ')in $out"
