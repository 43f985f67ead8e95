import { isWatchedVariable } from "./shell-exports";
import { ShellState } from "./shell-state";

/** The shells hpiam reads: bash as a login, bash as a terminal that is not one, zsh as a login. */
export type Reading = "bash-login" | "bash-terminal" | "zsh-login";

/**
 * What a login may have put in the environment before PAM's files and the shell's: sshd and login (USER,
 * HOME, PATH, TERM, SSH_*, the LANG and LC_* a client sends), pam_systemd (XDG_SESSION_*, XDG_RUNTIME_DIR),
 * sudo -i (SUDO_*), the
 * terminal a login runs in (tmux, screen, VTE). Their values are unknown; any other name is unset at a login
 * until PAM or a file sets it.
 */
const LOGIN_ENVIRONMENT =
  /^(USER|LOGNAME|HOME|PATH|MAIL|SHELL|TERM|TZ|LANG|LANGUAGE|LC_\w+|SSH_\w+|XDG_(SESSION_\w+|RUNTIME_DIR|SEAT|VTNR|DATA_DIRS|CONFIG_DIRS)|DISPLAY|WAYLAND_DISPLAY|MOTD_SHOWN|DBUS_SESSION_BUS_ADDRESS|KRB5CCNAME|COLORTERM|TERM_\w+|SUDO_\w+|TMUX\w*|STY|WINDOW|WINDOWID|VTE_VERSION|KONSOLE_\w+|LC_TERMINAL\w*)$/;

/** What each shell sets itself at its start (their values are not read; they are not unset). */
const SHELL_VARIABLES = {
  bash: /^(BASH\w*|HOSTNAME|HOSTTYPE|OSTYPE|MACHTYPE|UID|EUID|PPID|PWD|OLDPWD|SHLVL|S?RANDOM|SECONDS|LINENO|IFS|OPT(IND|ERR|ARG)|PS[0-4]|HIST\w*|COLUMNS|LINES|GROUPS|DIRSTACK|FUNCNAME|PIPESTATUS|SHELLOPTS|COMP_\w+|COMPREPLY|MAILCHECK|EPOCH\w+|READLINE_\w+|TIMEFORMAT|TMOUT|TMPDIR|CDPATH|histchars|[?$!_@*#0-9-])$/,
  zsh: /^(ZSH_\w+|HOST|VENDOR|CPUTYPE|MACHTYPE|OSTYPE|TTY|TTYIDLE|USERNAME|E?[UG]ID|PPID|PWD|OLDPWD|SHLVL|RANDOM|SECONDS|EPOCH\w+|LINENO|IFS|OPT(IND|ARG)|PS[0-4]|R?PROMPT\w*|RPS[12]|SPROMPT|HIST\w*|SAVEHIST|COLUMNS|LINES|F?PATH|fpath|path|MANPATH|manpath|module_path|cd?path|CDPATH|WATCH\w*|watch|WORDCHARS|TMPPREFIX|KEYTIMEOUT|LISTMAX|MAIL(CHECK|PATH)|mailpath|NULLCMD|READNULLCMD|POSTEDIT|TIMEFMT|REPORT\w+|ERRNO|status|pipestatus|signals|terminfo|termcap|commands|[gs]?aliases|dis_\w+|functions\w*|builtins|options|parameters|job\w+|modules|nameddirs|userdirs|reswords|dirstack|DIRSTACKSIZE|func\w+|zsh_\w+|histchars|HISTCHARS|argv|ARGC|ARGV0|TRY_BLOCK_\w+|KEYBOARD_HACK|BAUD|LOGCHECK|PERIOD|STTY|TERMINFO\w*|ZBEEP|ZLE_\w+|widgets|keymaps|patchars|historywords|history|[?$!_@*#0-9-])$/,
} as const;

/** Names a new shell never inherits from its login: set only by a file. */
const NEVER_INHERITED = [
  "PROMPT_COMMAND",
  "ZDOTDIR",
  "BASH_ENV",
  "ENV",
  "precmd_functions",
  "preexec_functions",
];

/**
 * The shell's variables before it reads a file. At a login the environment is known in kind (above). A terminal
 * that is not a login (tmux's, an IDE's) starts from what a login had: those names, and what the login shell
 * exported (`inherited`).
 */
export function startState(
  home: string,
  reading: Reading,
  inherited: ReadonlySet<string> = new Set(),
): ShellState {
  const dialect = reading === "zsh-login" ? "zsh" : "bash";
  const known: Record<string, string> =
    dialect === "bash"
      ? {
          HOME: home,
          PS1: "\\s-\\v\\$ ",
          BASH: "/bin/bash",
          BASH_VERSION: "5",
          "-": "himBHs",
          "0": reading === "bash-login" ? "-bash" : "bash",
        }
      : { HOME: home, PS1: "%m%# ", ZSH_NAME: "zsh", ZSH_VERSION: "5", "-": "569JNRXZghiklms", "0": "-zsh" };
  const otherShell = dialect === "bash" ? /^ZSH_\w+$/ : /^BASH(_VERSION)?$/;
  const present = (name: string) =>
    inherited.has(name) || LOGIN_ENVIRONMENT.test(name) || SHELL_VARIABLES[dialect].test(name);
  const unset = (name: string) =>
    isWatchedVariable(name) || NEVER_INHERITED.includes(name) || otherShell.test(name) || !present(name);
  return new ShellState(known, unset);
}
