import { longName, takesValue, type CommandDef, type OptionDef, type Run } from "./define";
import { COMMANDS } from "./defs";

/** Single-quoted for the shell: the only character to escape is the quote itself. */
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const flagsOf = (o: OptionDef) => o.flags.split(/[ ,]+/).filter((f) => f.startsWith("-"));
const STACK_OPTIONS = new Set(["stack", "from-stack"]);

/**
 * Bash: commands, then each command's options; the values of -s/--stack and --from-stack from the stack
 * files of the current directory's stacks/, of choices from the definition; files otherwise (-o default).
 */
export const bashCompletion = (defs: readonly CommandDef[]): string => {
  const names = [...defs.map((d) => d.name), "help"].join(" ");
  const perCommand = defs.map((d) => {
    const flags = [...(d.options ?? []).flatMap(flagsOf), "--help"].join(" ");
    const choices = d.args?.find((a) => a.choices)?.choices;
    const positional = choices ? ` choices=${q(choices.join(" "))};` : "";
    return `    ${d.name}) opts=${q(flags)};${positional} ;;`;
  });
  const valued = defs.flatMap((d) => (d.options ?? []).filter((o) => o.choices));
  const choiceCases = [...new Map(valued.map((o) => [longName(o.flags), o.choices!])).entries()].map(
    ([name, c]) => `    --${name}) COMPREPLY=($(compgen -W ${q(c.join(" "))} -- "$cur")); return ;;`,
  );
  return `# recette completion for bash: source <(recette completion bash)
_recette_stacks() {
  local f
  for f in stacks/Pulumi.*.yaml; do
    [ -e "$f" ] || continue
    f="\${f#stacks/Pulumi.}"
    printf '%s\\n' "\${f%.yaml}"
  done
}
_recette() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" opts="" choices=""
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${q(`${names} --help --version`)} -- "$cur"))
    return
  fi
  case "$prev" in
    -s|--stack|--from-stack) COMPREPLY=($(compgen -W "$(_recette_stacks)" -- "$cur")); return ;;
${choiceCases.join("\n")}
  esac
  case "\${COMP_WORDS[1]}" in
${perCommand.join("\n")}
    help) COMPREPLY=($(compgen -W ${q(defs.map((d) => d.name).join(" "))} -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ -n "$choices" ]; then
    COMPREPLY=($(compgen -W "$choices" -- "$cur"))
  fi
}
complete -o default -F _recette recette
`;
};

/** One `_arguments` spec per flag: `--stack[the stack]:name:_recette_stacks`. */
const zshSpecs = (o: OptionDef): string[] => {
  const desc = o.description.replace(/[[\]:'\\]/g, " ");
  const name = longName(o.flags);
  const action = !takesValue(o.flags)
    ? ""
    : STACK_OPTIONS.has(name)
      ? `:${name}:_recette_stacks`
      : o.choices
        ? `:${name}:(${o.choices.join(" ")})`
        : `:${name}:_files`;
  return flagsOf(o).map((f) => q(`${o.multiple ? "*" : ""}${f}[${desc}]${action}`));
};

export const zshCompletion = (defs: readonly CommandDef[]): string => {
  const described = defs.map((d) => q(`${d.name}:${d.summary.replace(/[:'\\]/g, " ")}`)).join(" ");
  const cases = defs.map((d) => {
    const args = (d.args ?? []).map((a) =>
      q(`${a.required ? ":" : "::"}${a.name}:${a.choices ? `(${a.choices.join(" ")})` : "_files"}`),
    );
    return `    ${d.name}) _arguments ${[...(d.options ?? []).flatMap(zshSpecs), ...args].join(" ")} ;;`;
  });
  return `#compdef recette
# recette completion for zsh: recette completion zsh > "\${fpath[1]}/_recette", or source <(recette completion zsh)
_recette_stacks() {
  local -a stacks
  stacks=(stacks/Pulumi.*.yaml(N))
  stacks=(\${\${stacks#stacks/Pulumi.}%.yaml})
  compadd -a stacks
}
_recette() {
  local -a commands
  commands=(${described})
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  words=(\${words[2,-1]})
  (( CURRENT-- ))
  case \${words[1]} in
${cases.join("\n")}
    help) _describe 'command' commands ;;
  esac
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _recette "$@"
else
  compdef _recette recette
fi
`;
};

/** Exit 0 with the script on stdout (the shell is one of the choices, checked before this runs). */
export const completionRun: Run = ({ args }, io) => {
  io.out((args[0] === "zsh" ? zshCompletion(COMMANDS) : bashCompletion(COMMANDS)).replace(/\n$/, ""));
  return 0;
};
