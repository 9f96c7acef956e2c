# Sourced (POSIX sh) by ./mvnw, ./edgeinfer and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME, then javac on PATH, then the usual install folders.
edgeinfer_java_major() {
  # every JDK since 9 names its version in a 'release' file: reading it costs no JVM start
  if [ -f "$1/release" ]; then
    edgeinfer_release=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$1/release" | head -n 1)
    if [ -n "$edgeinfer_release" ]; then printf '%s\n' "$edgeinfer_release"; return 0; fi
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
edgeinfer_try_jdk() {
  [ -n "$1" ] && [ -x "$1/bin/javac" ] || return 1
  edgeinfer_major=$(edgeinfer_java_major "$1")
  [ -n "$edgeinfer_major" ] && [ "$edgeinfer_major" -ge 21 ]
}
edgeinfer_find_jdk() {
  if edgeinfer_try_jdk "${JAVA_HOME:-}"; then printf '%s\n' "$JAVA_HOME"; return 0; fi
  if command -v javac >/dev/null 2>&1; then
    edgeinfer_dir=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if edgeinfer_try_jdk "$edgeinfer_dir"; then printf '%s\n' "$edgeinfer_dir"; return 0; fi
  fi
  for edgeinfer_dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    if edgeinfer_try_jdk "$edgeinfer_dir"; then printf '%s\n' "$edgeinfer_dir"; return 0; fi
  done
  return 1
}
if ! EDGEINFER_JDK=$(edgeinfer_find_jdk); then
  echo "edgeinfer: no JDK 21 or newer found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt/java, ~/.sdkman); install one (e.g. Temurin 21+) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$EDGEINFER_JDK"
# Maven's own libraries still use sun.misc.Unsafe; JDK 24+ warns about it on every build.
if [ "$(edgeinfer_java_major "$JAVA_HOME")" -ge 24 ]; then
  case "${MAVEN_OPTS:-}" in
    *sun-misc-unsafe-memory-access*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
  esac
fi
