# The JVM options and class-data archive of a one-shot scar process. Sourced by scripts/scar and
# by the benchmarks that measure what it runs (scripts/bench/cold-pull); not run on its own.

# scar_java_opts ROOT: sets the array java_opts.
# Start-up first: serial GC, and C1 (the quick compiler) for all code but the JDK's SHA-256,
# which C2 compiles (scar-jit.json), early (its thresholds scaled down): C2 replaces its block
# loop by the CPU's SHA instructions. A pull hashes every byte twice (the blob's digest, then the
# uncompressed layer's diff id: ~240 MB for a Debian base), which costs ~1.9 s of CPU in C1 code
# (-XX:TieredStopAtLevel=1, the former options) and ~0.15 s with the instructions.
# -DisplayVMOutput: the directives file's "2 compiler directives added" must not reach stdout.
scar_java_opts() {
  java_opts=(-XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput
             -XX:CompilerDirectivesFile="$1/scripts/scar-jit.json"
             -XX:CompileCommand=quiet "-XX:CompileCommand=CompileThresholdScaling,sun/security/provider/*.*,0.02")
}

# scar_train_archive APP_DIR JSA: writes an AppCDS archive of the classes one-shot commands load,
# from a training run of the extracted jar in APP_DIR (java_opts must be set), in a throwaway
# config folder: a local listing; an image loaded from a file (a gzipped layer unpacked, as a
# pull does); a pull from a closed port (the registry client and TLS set-up, offline); an aws
# listing against a closed port (it fails, offline, after loading the AWS SDK classes).
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
  printf 'ls\ninit -n loaded -if %s\ninit -n pulled -i 127.0.0.1:9/training:1\n--target aws ls\n' \
    "$training/image.tar" >"$training/train.scar"
  env -u AWS_PROFILE -u AWS_ENDPOINT_URL SCAR_CONFIG_FOLDER="$training" AWS_ACCESS_KEY_ID=training \
    AWS_SECRET_ACCESS_KEY=training AWS_MAX_ATTEMPTS=1 AWS_EC2_METADATA_DISABLED=true \
    java "${java_opts[@]}" -XX:ArchiveClassesAtExit="$jsa.$$" -Xlog:disable \
    -jar "$app/scar-shell.jar" "$training/train.scar" --continue-on-error >/dev/null 2>&1 || true
  [ -s "$jsa.$$" ] && mv -f "$jsa.$$" "$jsa"
  rm -rf "$training" "$jsa.$$"
}
