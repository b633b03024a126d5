package scar.completion;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import scar.commands.CommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Generates the bash and zsh completion scripts of {@code completions/} from scar's picocli
 * grammar, so the command/option tree cannot drift from the commands (a test compares the
 * checked-in files with this output). Function names and images are not in the scripts: they
 * read the plain files that {@link CompletionCache} keeps under {@code $SCAR_CONFIG_FOLDER/completion},
 * so a TAB in bash starts no JVM.
 */
public final class CompletionScripts {
    private CompletionScripts() {
    }

    /** Writes scar.bash and scar.zsh into the given directory (default: completions). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "completions");
        Files.createDirectories(dir);
        CommandSpec root = CommandRunner.grammar().getCommandSpec();
        Files.writeString(dir.resolve("scar.bash"), bash(root));
        Files.writeString(dir.resolve("scar.zsh"), zsh(root));
    }

    public static String zsh(CommandSpec root) {
        return "#compdef scar\n"
                + "# scar completion for zsh: bash's completion, through zsh's bashcompinit.\n"
                + "# Install: copy this file as _scar into a directory of $fpath (before compinit runs), or source it\n"
                + "# from ~/.zshrc after compinit.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + body(root)
                + "# Autoloaded from $fpath, this file is the completion function itself and runs at the first TAB:\n"
                + "# it has just replaced itself with the definitions above, so it completes that TAB through them.\n"
                + "if (( $+compstate )); then _bash_complete -F _scar; fi\n";
    }

    public static String bash(CommandSpec root) {
        return "# scar completion for bash.\n"
                + "# Install: source this file from ~/.bashrc, or copy it to ~/.local/share/bash-completion/completions/scar\n"
                + body(root);
    }

    private static String body(CommandSpec root) {
        StringBuilder s = new StringBuilder();
        s.append("# GENERATED from scar's command definitions by scar.completion.CompletionScripts; do not edit.\n");
        s.append("# Function names, images and buckets come from $SCAR_CONFIG_FOLDER/completion, which scar keeps up to date.\n\n");
        s.append("""
                _scar_names() {
                  local dir="${SCAR_CONFIG_FOLDER:-$HOME/.scar}/completion" key=local line
                  [ -r "$dir/default" ] && read -r key < "$dir/default"
                  case "$key" in ''|*[!A-Za-z0-9_.-]*) key=local ;; esac
                  [ -r "$dir/$1.$key.txt" ] || return 0
                  while IFS= read -r line; do
                    case "$line" in ''|*[!A-Za-z0-9._/:@-]*) ;; *) printf '%s\\n' "$line" ;; esac
                  done < "$dir/$1.$key.txt"
                }

                _scar_profiles() {
                  local file line
                  for file in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
                    [ -r "$file" ] || continue
                    while IFS= read -r line; do
                      line="${line#"${line%%[![:space:]]*}"}"; line="${line%"${line##*[![:space:]]}"}"
                      case "$line" in '['*']') line="${line#[}"; line="${line%]}"; line="${line#profile }"; printf '%s\\n' "$line" ;; esac
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
                  local IFS=$'\\n'
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

                """);
        List<String> commands = new ArrayList<>(root.subcommands().keySet());
        s.append("_scar() {\n");
        s.append("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" pos named\n");
        s.append("  COMPREPLY=()\n");
        s.append("  if [ \"$COMP_CWORD\" -eq 1 ]; then\n");
        s.append("    if [[ \"$cur\" == -* ]]; then COMPREPLY=( $(compgen -W \"").append(optionNames(root)).append("\" -- \"$cur\") ); return 0; fi\n");
        s.append("    COMPREPLY=( $(compgen -W \"").append(String.join(" ", commands)).append("\" -- \"$cur\") $(compgen -f -X '!*.scar' -- \"$cur\") )\n");
        s.append("    return 0\n");
        s.append("  fi\n");
        s.append("  case \"${COMP_WORDS[1]}\" in\n");
        for (Map.Entry<String, CommandLine> entry : root.subcommands().entrySet()) {
            appendCommand(s, entry.getKey(), entry.getValue().getCommandSpec());
        }
        s.append("  esac\n");
        s.append("}\n\n");
        s.append("complete -F _scar scar\n");
        return s.toString();
    }

    private static void appendCommand(StringBuilder s, String name, CommandSpec spec) {
        List<String> valueOptions = new ArrayList<>();
        s.append("    ").append(name).append(")\n");
        s.append("      case \"$prev\" in\n");
        for (OptionSpec option : spec.options()) {
            if (option.arity().max() > 0) {
                valueOptions.addAll(List.of(option.names()));
                s.append("        ").append(String.join("|", option.names())).append(") _scar_values '")
                        .append(kind(option)).append("'; return 0 ;;\n");
            }
        }
        s.append("      esac\n");
        s.append("      if [[ \"$cur\" == -* ]]; then COMPREPLY=( $(compgen -W \"").append(optionNames(spec))
                .append("\" -- \"$cur\") ); return 0; fi\n");
        List<PositionalParamSpec> positionals = spec.positionalParameters();
        if (!positionals.isEmpty()) {
            s.append("      _scar_position '").append(String.join(" ", valueOptions)).append("'\n");
            s.append("      case \"$pos\" in\n");
            for (PositionalParamSpec positional : positionals) {
                String kind = kind(positional);
                boolean functionList = positional.completionCandidates() instanceof Candidates.Functions;
                int min = positional.index().min();
                // a list such as run's NAME ARGS: only its first word is a name, and not after -n
                String guard = positional.completionCandidates() instanceof Candidates.Functions
                        ? " [ \"$named\" = 0 ] &&" : "";
                String pattern = functionList || positional.index().max() == min ? String.valueOf(min) : "*";
                s.append("        ").append(pattern).append(")").append(guard).append(" _scar_values '")
                        .append(kind).append("' ;;\n");
            }
            s.append("      esac\n");
        }
        s.append("      ;;\n");
    }

    private static String optionNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            names.addAll(List.of(option.names()));
        }
        return String.join(" ", names);
    }

    /** What bash offers for a value: a word list, or one of functions, images, profiles, path, none. */
    private static String kind(ArgSpec arg) {
        Iterable<String> candidates = arg.completionCandidates();
        if (candidates instanceof Candidates.Functions) {
            return "functions";
        }
        if (candidates instanceof Candidates.Images) {
            return "images";
        }
        if (candidates instanceof Candidates.Profiles) {
            return "profiles";
        }
        if (candidates instanceof Candidates.Buckets) {
            return "buckets";
        }
        if (candidates instanceof Candidates.BucketPaths) {
            return "bucket-paths";
        }
        if (Path.class.isAssignableFrom(arg.type()) || java.io.File.class.isAssignableFrom(arg.type())) {
            return "path";
        }
        if (candidates != null) {
            List<String> words = new ArrayList<>();
            candidates.forEach(words::add);
            return words.isEmpty() ? "none" : String.join(" ", words);
        }
        return "none";
    }
}
