#!/usr/bin/env bash
# Builds the runtime root every leadpipe image starts from (the images' base is `scratch` plus this folder):
#   /opt/java/openjdk   a Java runtime jlink'd from the JDK running the build (>= 21), debug symbols stripped
#   /lib, /lib64, /usr/lib  the host's shared libraries that runtime and the services' native libraries need
#                       (glibc and its loader, libstdc++/libgcc_s for RocksDB), found with ldd
#   /etc                passwd/group with the non-root user leadpipe (uid/gid 10001), nsswitch.conf, hosts
#   /tmp, /var/lib/leadpipe  writable scratch and working directories (mode set by the image's permissions)
# Usage: build-rootfs.sh JAVA_HOME OUTPUT_DIR
# Rebuilds only when the JDK or this script changed (a stamp file records both), so a second build costs nothing.
# Needs a Linux host with glibc and ldd (Debian, Ubuntu, RHEL...); the images it feeds are linux/amd64 or arm64 as the host.
set -euo pipefail
java_home=$1
out=$2
script_sum=$(sha256sum "$0" | cut -d' ' -f1)
stamp="$java_home $(cat "$java_home/release" | sha256sum | cut -d' ' -f1) $script_sum"
if [ -f "$out.stamp" ] && [ "$(cat "$out.stamp")" = "$stamp" ] && [ -x "$out/opt/java/openjdk/bin/java" ]; then
  exit 0
fi
advice="build without images (-Djib.skip=true) or from a registry image (-Dimage.base=eclipse-temurin:21-jre)"
if [ "$(uname -s)" != Linux ] || ! command -v ldd > /dev/null || ! command -v ldconfig > /dev/null; then
  echo "build-rootfs: the images' runtime root is built on Linux with ldd and ldconfig; $advice" >&2
  exit 1
fi
rm -rf "$out" "$out.stamp"
mkdir -p "$out/opt/java" "$out/etc" "$out/tmp" "$out/var/lib/leadpipe"

# The modules the services use (jdeps over their runtime classpaths), plus what operators reach for: JFR, jcmd,
# JMX agent, DNS naming. java.desktop stays in: Jackson and the Azure SDK touch java.beans.
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi
modules+=,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl
modules+=,java.sql,java.transaction.xa,java.xml,java.xml.crypto,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.httpserver
modules+=,jdk.jcmd,jdk.jfr,jdk.localedata,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.naming.dns
modules+=,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs
available=$("$java_home/bin/java" --list-modules | sed 's/@.*//' | tr '\n' ' ')
wanted=()
for m in ${modules//,/ }; do
  case " $available " in *" $m "*) wanted+=("$m") ;; esac # jdk.crypto.ec folded into java.base in JDK 22+
done
# A JDK 21 needs its jmods/ folder for this (Debian: package openjdk-21-jmods); JDK 24+ links from itself.
"$java_home/bin/jlink" --add-modules "$(IFS=,; echo "${wanted[*]}")" --include-locales=en,de,fr \
  --strip-debug --no-man-pages --no-header-files --output "$out/opt/java/openjdk" || {
  echo "build-rootfs: jlink failed with the JDK at $java_home (a JDK 21 needs its jmods); $advice" >&2
  exit 1
}

# A server runtime: no X11 toolkit, splash screen or sound (they would pull in X11 and ALSA libraries).
rm -f "$out/opt/java/openjdk/lib/"{libawt_xawt.so,libsplashscreen.so,libjsound.so}

# Shared libraries: what every ELF file of the runtime needs, and the C++ runtime RocksDB's JNI library needs.
copy_lib() {
  local lib=$1
  [ -e "$out$lib" ] && return 0
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
}
libs=$( (find "$out/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
    | xargs -0 ldd 2>/dev/null || true) \
  | awk -v own="$out/" '$2 == "=>" && $3 ~ /^\// && index($3, own) != 1 {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' \
  | sort -u)
for lib in $libs; do copy_lib "$lib"; done
for name in libstdc++.so.6 libgcc_s.so.1 libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
  path=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64|AArch64/ && !found {print $NF; found = 1}')
  [ -n "$path" ] && copy_lib "$path"
done
[ -n "$(find "$out" -name 'ld-linux*' -print -quit)" ] || { echo "build-rootfs: no dynamic loader found" >&2; exit 1; }

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
leadpipe:x:10001:10001:leadpipe:/var/lib/leadpipe:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
leadpipe:x:10001:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$out/etc/hosts"
echo "$stamp" > "$out.stamp"
