# The JVM options and class-data archive of a one-shot scar process. Sourced by scripts/scar and
# by the benchmarks that measure what it runs (scripts/bench/cold-pull); not run on its own.

# scar_java_opts ROOT [SCAR_ARGS...]: sets the array java_opts for scar run with SCAR_ARGS.
# Start-up first: serial GC, and C1 (the quick compiler) only. Except for a command whose main
# work may be a pull (init, and a run that is not a batch): there C2 compiles the JDK's SHA-256
# (scar-jit.json), early (its thresholds scaled down), as it replaces its block loop by the
# CPU's SHA instructions. A pull hashes every byte twice (the blob's digest, then the
# uncompressed layer's diff id: ~240 MB for a Debian base), ~1.9 s of CPU in C1 code and ~0.15 s
# with the instructions; but having C2 at all costs a short command ~0.1 s of CPU (measured on
# a one-shot ls), and keeping C2 to SHA-256 leaves the rest in C1's profiling tier: a batch
# (run -es, a script, the interactive shell) ran 200 files at 50-70 files/s against 90-117 with
# C1 alone (same machine, in turn, load ~3.3). Those keep C1 alone.
# -DisplayVMOutput: the directives file's "2 compiler directives added" must not reach stdout.
scar_java_opts() {
  local root="$1"
  shift
  java_opts=(-XX:+UseSerialGC)
  if scar_may_pull "$@"; then
    java_opts+=(-XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput
                -XX:CompilerDirectivesFile="$root/scripts/scar-jit.json"
                -XX:CompileCommand=quiet "-XX:CompileCommand=CompileThresholdScaling,sun/security/provider/*.*,0.02")
  else
    java_opts+=(-XX:TieredStopAtLevel=1)
  fi
}

# scar_jvm_key: a short name for the JVM 'java' runs (its libjvm's path, size and time), cheap to
# compute on every start, unlike asking java itself (~40 ms)
scar_jvm_key() {
  local java libjvm
  java="$(readlink -f "$(command -v java)")"
  libjvm="$(dirname "$java")/../lib/server/libjvm.so"
  { echo "$java"; stat -L -c '%s %Y' "$libjvm" 2>/dev/null; } | cksum | cut -d' ' -f1
}

# true if scar run with these arguments is mostly a pull (a word is enough: a function named
# "run" only costs a listing of it the heavier compiler set-up)
scar_may_pull() {
  [ $# -eq 0 ] && return 1 # the interactive shell: batches
  local arg pull=1
  for arg in "$@"; do
    case "$arg" in
      -es | --event-source | --event-source=* | *.scar | @*) return 1 ;;
      run | init) pull=0 ;;
    esac
  done
  return $pull
}

# scar_train_archive APP_DIR JSA: writes an AppCDS archive of the classes one-shot commands load,
# from a training run of the extracted jar in APP_DIR (java_opts must be set), in a throwaway
# config folder: a local listing; an image loaded from a file (a gzipped layer unpacked, as a
# pull does); a run and a bucket batch of that image; a pull from a closed port (the registry
# client and TLS set-up, offline); an aws listing against a closed port (it fails, offline, after
# loading the AWS SDK classes).
scar_train_archive() {
  local app="$1" jsa="$2" training layer arch
  training="$(mktemp -d)"
  printf '[scar]\nendpoint_url = http://127.0.0.1:9\nlambda_region = us-east-1\n' >"$training/scar.cfg"
  # a 'docker save' tarball with one gzipped layer holding one file
  mkdir -p "$training/rootfs/bin" "$training/image"
  echo training >"$training/rootfs/bin/hello"
  tar --owner=0 --group=0 --numeric-owner -C "$training/rootfs" -czf "$training/image/layer.tar" .
  layer="$(gzip -dc "$training/image/layer.tar" | sha256sum | cut -d' ' -f1)"
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/bin/hello"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$layer" >"$training/image/config.json"
  printf '[{"Config":"config.json","RepoTags":["training:1"],"Layers":["layer.tar"]}]' >"$training/image/manifest.json"
  tar -C "$training/image" -cf "$training/image.tar" manifest.json config.json layer.tar
  # a function to list: reading it loads the JSON classes, which are loaded only when needed
  mkdir -p "$training/local/functions"
  printf '{"name":"train","image":"train:1","imageId":"sha256:0","memoryMb":128,"timeoutSeconds":300,"timeoutThresholdSeconds":10,"description":"","environment":{},"initScript":null}\n' \
    >"$training/local/functions/train.json"
  # runs (a plain one, and a bucket batch of two inputs): the runtime's classes, and the batch's
  # that one-shot 'run -es' loads; the container fails to start (no shell in this image), which
  # costs nothing and loads the same classes
  printf 'ls\ninit -n loaded -if %s -es training-bkt\nrun loaded\nrun -es training-bkt\n' "$training/image.tar" >"$training/train.scar"
  printf 'init -n pulled -i 127.0.0.1:9/training:1\n--target aws ls\n' >>"$training/train.scar"
  mkdir -p "$training/local/buckets/training-bkt/input"
  echo one >"$training/local/buckets/training-bkt/input/one.txt"
  echo two >"$training/local/buckets/training-bkt/input/two.txt"
  # The classes the training loads, listed, then archived by a static dump: unlike an archive
  # written at the training's exit (dynamic), it also holds classes compiled for Java 5
  # (picocli's, ini4j's) and the JDK's own, and the method handles of the lambdas seen; one-shot
  # ls 0.49 -> 0.41 s, run 0.59 -> 0.51 s. The archive records the jar's path as given here
  # (APP_DIR must be absolute), and scar must start it by that same path for the archive to count.
  env -u AWS_PROFILE -u AWS_ENDPOINT_URL SCAR_CONFIG_FOLDER="$training" AWS_ACCESS_KEY_ID=training \
    AWS_SECRET_ACCESS_KEY=training AWS_MAX_ATTEMPTS=1 AWS_EC2_METADATA_DISABLED=true \
    java "${java_opts[@]}" -XX:DumpLoadedClassList="$training/classes.list" -Xlog:disable \
    -jar "$app/scar-shell.jar" "$training/train.scar" --continue-on-error >/dev/null 2>&1 || true
  if [ -s "$training/classes.list" ]; then
    java -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$training/classes.list" \
      -XX:SharedArchiveFile="$jsa.$$" -Xlog:disable -jar "$app/scar-shell.jar" >/dev/null 2>&1 || true
  fi
  [ -s "$jsa.$$" ] && mv -f "$jsa.$$" "$jsa"
  rm -rf "$training" "$jsa.$$"
}

# true if scar run with these arguments should have a JVM of its own rather than the background
# process: 'init', whose main work is a pull (or the load of an image file), which the background
# process's C1 alone would hash ~1.9 s slower for a Debian base. A single 'run' goes to the
# background process: its image was pulled by 'init' and is normally cached (an evicted one is
# pulled again there, correctly, only slower to hash).
scar_wants_own_jvm() {
  local arg
  for arg in "$@"; do
    [ "$arg" = init ] && return 0
  done
  return 1
}

# true unless SCAR_DAEMON turns scar's background process off (as scar.daemon.DaemonClient reads it)
scar_daemon_enabled() {
  local value="${SCAR_DAEMON:-on}"
  value="${value,,}"
  case "${value//[[:space:]]/}" in
    off | 0 | false | no) return 1 ;;
  esac
  return 0
}

# scar_train_client_archive APP_DIR JSA DAEMON_JSA: an AppCDS archive of the classes of the client
# that hands a one-shot command to the background process, from a training run that starts a
# background process of its own (in a throwaway folder; it ends by itself a second later) and
# asks it for scar's version.
scar_train_client_archive() {
  local app="$1" jsa="$2" daemon_jsa="$3" training
  training="$(mktemp -d)"
  mkdir -m 700 "$training/run"
  env XDG_RUNTIME_DIR="$training/run" SCAR_CONFIG_FOLDER="$training" SCAR_DAEMON=on SCAR_DAEMON_IDLE_SECONDS=1 \
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dscar.daemon.archive="$daemon_jsa" -Xlog:disable \
    -XX:DumpLoadedClassList="$training/classes.list" -cp "$app/scar-shell.jar" scar.daemon.DaemonClient --version \
    >/dev/null 2>&1 || true
  if [ -s "$training/classes.list" ]; then
    java -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$training/classes.list" \
      -XX:SharedArchiveFile="$jsa.$$" -Xlog:disable -cp "$app/scar-shell.jar" >/dev/null 2>&1 || true
  fi
  [ -s "$jsa.$$" ] && mv -f "$jsa.$$" "$jsa"
  rm -rf "$training" "$jsa.$$"
}
