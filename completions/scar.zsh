#compdef scar
# scar completion for zsh: bash's completion, through zsh's bashcompinit.
# Install: copy this file as _scar into a directory of $fpath (before compinit runs), or source it
# from ~/.zshrc after compinit.
autoload -U +X bashcompinit && bashcompinit
# GENERATED from scar's command definitions by scar.completion.CompletionScripts; do not edit.
# Function names, images and buckets come from $SCAR_CONFIG_FOLDER/completion, which scar keeps up to date.

_scar_names() {
  local dir="${SCAR_CONFIG_FOLDER:-$HOME/.scar}/completion" key=local line
  [ -r "$dir/default" ] && read -r key < "$dir/default"
  case "$key" in ''|*[!A-Za-z0-9_.-]*) key=local ;; esac
  [ -r "$dir/$1.$key.txt" ] || return 0
  while IFS= read -r line; do
    case "$line" in ''|*[!A-Za-z0-9._/:@-]*) ;; *) printf '%s\n' "$line" ;; esac
  done < "$dir/$1.$key.txt"
}

_scar_profiles() {
  local file line
  for file in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
    [ -r "$file" ] || continue
    while IFS= read -r line; do
      line="${line#"${line%%[![:space:]]*}"}"; line="${line%"${line##*[![:space:]]}"}"
      case "$line" in '['*']') line="${line#[}"; line="${line%]}"; line="${line#profile }"; printf '%s\n' "$line" ;; esac
    done < "$file"
  done
}

# -b BUCKET[/PATH]: bucket names with a '/', then (local target only: on aws a listing
# needs a JVM and the network) the folders and keys one level down, read from the
# bucket's folder directly. Hostile input ('..', links, odd characters) offers nothing.
_scar_bucket_paths() {
  local dir="${SCAR_CONFIG_FOLDER:-$HOME/.scar}" key=local entry name root path rest
  if [[ "$cur" != */* ]]; then
    COMPREPLY=( $(compgen -W "$(_scar_names buckets)" -S / -- "$cur") )
    compopt -o nospace 2>/dev/null
    return 0
  fi
  [ -r "$dir/completion/default" ] && read -r key < "$dir/completion/default"
  [ "$key" = local ] || return 0
  case "${cur%%/*}" in ''|*[!a-z0-9.-]*) return 0 ;; esac
  case "/$cur" in */../*|*/./*|*//*|*/.|*/..) return 0 ;; esac
  root="$dir/local/buckets" path="$dir/local/buckets" rest="${cur%/*}"
  while :; do
    path="$path/${rest%%/*}"
    [ -d "$path" ] && [ ! -L "$path" ] || return 0
    [[ "$rest" == */* ]] || break
    rest="${rest#*/}"
  done
  for entry in "$root/$cur"*; do
    [ -e "$entry" ] && [ ! -L "$entry" ] || continue
    name="${entry#"$root/"}"
    case "${entry##*/}" in .scar-tmp-*) continue ;; esac
    if [ -d "$entry" ]; then COMPREPLY+=( "$name/" ); else COMPREPLY+=( "$name" ); fi
  done
  compopt -o nospace 2>/dev/null
}

_scar_values() {
  local IFS=$'\n'
  case "$1" in
    functions|images|buckets) COMPREPLY=( $(compgen -W "$(_scar_names "$1")" -- "$cur") ) ;;
    bucket-paths) _scar_bucket_paths ;;
    profiles) COMPREPLY=( $(compgen -W "$(_scar_profiles)" -- "$cur") ) ;;
    path) compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ) ;;
    none) COMPREPLY=() ;;
    *) IFS=' '; COMPREPLY=( $(compgen -W "$1" -- "$cur") ) ;;
  esac
  # image references contain ':', which bash splits words at (zsh does not; its declare -F means float)
  if [ -n "${BASH_VERSION-}" ] && declare -F __ltrim_colon_completions >/dev/null; then
    __ltrim_colon_completions "$cur"
  fi
}

# $1: options that take a value; sets pos (positional words before the cursor) and named (a -n was given)
_scar_position() {
  local i w
  pos=0; named=0
  for ((i = 2; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    if [[ " $1 " == *" $w "* ]]; then
      [[ "$w" == -n || "$w" == --name ]] && named=1
      ((i++))
    elif [[ "$w" != -* ]]; then
      ((pos++))
    fi
  done
}

_scar() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" pos named
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "--target --profile --region -h --help -V --version" -- "$cur") ); return 0; fi
    COMPREPLY=( $(compgen -W "init run ls rm log use target profile region config script put get daemon" -- "$cur") $(compgen -f -X '!*.scar' -- "$cur") )
    return 0
  fi
  case "${COMP_WORDS[1]}" in
    init)
      case "$prev" in
        -n|--name) _scar_values 'none'; return 0 ;;
        -m|--memory) _scar_values 'none'; return 0 ;;
        -t|--time) _scar_values 'none'; return 0 ;;
        -tt|--timeout-threshold) _scar_values 'none'; return 0 ;;
        -d|--description) _scar_values 'none'; return 0 ;;
        -e|--env) _scar_values 'none'; return 0 ;;
        -s|--init-script) _scar_values 'path'; return 0 ;;
        -i|--image) _scar_values 'images'; return 0 ;;
        -if|--image-file) _scar_values 'path'; return 0 ;;
        -es|--event-source) _scar_values 'buckets'; return 0 ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-n --name -m --memory -t --time -tt --timeout-threshold -d --description -e --env -s --init-script -i --image -if --image-file -es --event-source -p --preheat --json -v --verbose -h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position '-n --name -m --memory -t --time -tt --timeout-threshold -d --description -e --env -s --init-script -i --image -if --image-file -es --event-source'
      case "$pos" in
        0) _scar_values 'images' ;;
      esac
      ;;
    run)
      case "$prev" in
        -n|--name) _scar_values 'functions'; return 0 ;;
        -s|--script) _scar_values 'path'; return 0 ;;
        -e|--env) _scar_values 'none'; return 0 ;;
        -es|--event-source) _scar_values 'buckets'; return 0 ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-n --name -s --script -e --env --json -v --verbose -es --event-source --retry-failed -a --async -f --follow -h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position '-n --name -s --script -e --env -es --event-source'
      case "$pos" in
        0) [ "$named" = 0 ] && _scar_values 'functions' ;;
      esac
      ;;
    ls)
      case "$prev" in
        -b|--bucket) _scar_values 'bucket-paths'; return 0 ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "--json -v --verbose -b --bucket -h --help -V --version" -- "$cur") ); return 0; fi
      ;;
    rm)
      case "$prev" in
        -n|--name) _scar_values 'functions'; return 0 ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-n --name -a --all --json -h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position '-n --name'
      case "$pos" in
        0) [ "$named" = 0 ] && _scar_values 'functions' ;;
      esac
      ;;
    log)
      case "$prev" in
        -n|--name) _scar_values 'functions'; return 0 ;;
        -ls|--log-stream-name) _scar_values 'none'; return 0 ;;
        -ri|--request-id) _scar_values 'none'; return 0 ;;
        --since) _scar_values 'none'; return 0 ;;
        --filter) _scar_values 'none'; return 0 ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-n --name -ls --log-stream-name -ri --request-id --since --filter -f --follow --json -h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position '-n --name -ls --log-stream-name -ri --request-id --since --filter'
      case "$pos" in
        0) [ "$named" = 0 ] && _scar_values 'functions' ;;
      esac
      ;;
    use)
      case "$prev" in
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "--clear --json -h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position ''
      case "$pos" in
        0) [ "$named" = 0 ] && _scar_values 'functions' ;;
      esac
      ;;
    target)
      case "$prev" in
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position ''
      case "$pos" in
        0) _scar_values 'local aws' ;;
      esac
      ;;
    profile)
      case "$prev" in
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position ''
      case "$pos" in
        0) _scar_values 'profiles' ;;
      esac
      ;;
    region)
      case "$prev" in
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position ''
      case "$pos" in
        0) _scar_values 'af-south-1 ap-east-1 ap-northeast-1 ap-northeast-2 ap-northeast-3 ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 ca-central-1 ca-west-1 eu-central-1 eu-central-2 eu-north-1 eu-south-1 eu-south-2 eu-west-1 eu-west-2 eu-west-3 il-central-1 me-central-1 me-south-1 sa-east-1 us-east-1 us-east-2 us-west-1 us-west-2' ;;
      esac
      ;;
    config)
      case "$prev" in
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "--json -h --help -V --version" -- "$cur") ); return 0; fi
      ;;
    script)
      case "$prev" in
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-x --continue-on-error -h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position ''
      case "$pos" in
        0) _scar_values 'path' ;;
      esac
      ;;
    put)
      case "$prev" in
        -b|--bucket) _scar_values 'bucket-paths'; return 0 ;;
        -p|--path) _scar_values 'path'; return 0 ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-b --bucket -p --path --json -h --help -V --version" -- "$cur") ); return 0; fi
      ;;
    get)
      case "$prev" in
        -b|--bucket) _scar_values 'bucket-paths'; return 0 ;;
        -p|--path) _scar_values 'path'; return 0 ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-b --bucket -p --path -h --help -V --version" -- "$cur") ); return 0; fi
      ;;
    daemon)
      case "$prev" in
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "-h --help -V --version" -- "$cur") ); return 0; fi
      _scar_position ''
      case "$pos" in
        0) _scar_values 'status stop' ;;
      esac
      ;;
  esac
}

complete -F _scar scar
# Autoloaded from $fpath, this file is the completion function itself and runs at the first TAB:
# it has just replaced itself with the definitions above, so it completes that TAB through them.
if (( $+compstate )); then _bash_complete -F _scar; fi
