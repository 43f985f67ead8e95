/**
 * Startup-file forms for the differential test against bash: a name, the file (`~/…` in the home, `/etc/…` in
 * the sandbox's /etc; a leading `+` appends to the file Ubuntu ships), what it holds, and other files it changes.
 * Ubuntu's ~/.bashrc sources ~/.bash_aliases, so most forms live there. Values are made up; none is a real key.
 */
export type StartupCase = readonly [
  name: string,
  file: string,
  content: string,
  others?: Record<string, string>,
];

const KEY = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// One form a line, so that a new form is one more line.
// prettier-ignore
export const STARTUP_CASES: readonly StartupCase[] = [
  ["a plain export", "~/.bash_aliases", `export AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["several names in one export", "~/.bash_aliases", `export AWS_DEFAULT_REGION=us-west-2 AWS_ACCESS_KEY_ID=${KEY} AWS_SECRET_ACCESS_KEY=${SECRET}\n`],
  ["an && list that holds", "~/.bash_aliases", `[ -n "$HOME" ] && export AWS_SESSION_TOKEN=token\n`],
  ["an && list that does not", "~/.bash_aliases", `[ -z "$HOME" ] && export AWS_SESSION_TOKEN=token\n`],
  ["an || list", "~/.bash_aliases", `[ -f ~/.missing ] || export AWS_PROFILE=dev\n`],
  ["if true", "~/.bash_aliases", `if true; then export AWS_PROFILE=dev; fi\n`],
  ["if false, else", "~/.bash_aliases", `if false; then\n  export AWS_PROFILE=dev\nelse\n  export AWS_CONFIG_FILE=/tmp/config\nfi\n`],
  ["declare -gx", "~/.bash_aliases", `declare -gx AWS_SECRET_ACCESS_KEY=${SECRET}\n`],
  ["typeset -x", "~/.bash_aliases", `typeset -x AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["declare without -x", "~/.bash_aliases", `declare AWS_PROFILE=dev\n`],
  ["assigned, then exported by name", "~/.bash_aliases", `AWS_PROFILE=dev\nexport AWS_PROFILE\n`],
  ["exported by name, never set", "~/.bash_aliases", `export AWS_PROFILE\n`],
  ["export -n after export", "~/.bash_aliases", `export AWS_ACCESS_KEY_ID=${KEY}\nexport -n AWS_ACCESS_KEY_ID\n`],
  ["unset after export", "~/.bash_aliases", `export AWS_ACCESS_KEY_ID=${KEY}\nunset AWS_ACCESS_KEY_ID\n`],
  ["return before the export", "~/.bash_aliases", `return\nexport AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["return after the export", "~/.bash_aliases", `export AWS_ACCESS_KEY_ID=${KEY}\nreturn\n`],
  ["a heredoc's body is not code", "~/.bash_aliases", `cat > /dev/null <<'EOF'\nexport AWS_ACCESS_KEY_ID=${KEY}\nEOF\n`],
  ["a quoted #", "~/.bash_aliases", `export AWS_SECRET_ACCESS_KEY="abc#def" # not a comment before the #\n`],
  ["a comment", "~/.bash_aliases", `# export AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["a line continuation", "~/.bash_aliases", `export AWS_DEFAULT_REGION=us-west-2 \\\n  AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["a function never called", "~/.bash_aliases", `aws_keys() { export AWS_ACCESS_KEY_ID=${KEY}; }\n`],
  ["a function called", "~/.bash_aliases", `aws_keys() {\n  export AWS_ACCESS_KEY_ID=${KEY}\n}\naws_keys\n`],
  ["declare -x in a function is local", "~/.bash_aliases", `f() { declare -x AWS_PROFILE=dev; }\nf\n`],
  ["a subshell", "~/.bash_aliases", `( export AWS_ACCESS_KEY_ID=${KEY} )\n`],
  ["a pipeline", "~/.bash_aliases", `echo | export AWS_PROFILE=dev\n`],
  ["in the background", "~/.bash_aliases", `export AWS_PROFILE=dev &\n`],
  ["a case that matches", "~/.bash_aliases", `case $- in *i*) export AWS_PROFILE=dev;; esac\n`],
  ["a case that does not", "~/.bash_aliases", `case "$HOME" in /nowhere) export AWS_PROFILE=dev;; esac\n`],
  ["set -a", "~/.bash_aliases", `set -a\nAWS_SESSION_TOKEN=token\nset +a\n`],
  ["export with a quoted word", "~/.bash_aliases", `export "AWS_PROFILE=dev"\n`],
  ["a while loop that never runs", "~/.bash_aliases", `while false; do export AWS_PROFILE=dev; done\n`],
  ["readonly is not export", "~/.bash_aliases", `readonly AWS_PROFILE=dev\n`],
  ["a value decides", "~/.bash_aliases", `export AWS_PROFILE=dev\n[ "$AWS_PROFILE" = dev ] && export AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["a file sourced from the home", "~/.bash_aliases", `. ~/.aws-env\n`],
  ["at the end of ~/.bashrc", "+~/.bashrc", `export AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["~/.bashrc.d/*", "+~/.bashrc", `for f in ~/.bashrc.d/*.sh; do . "$f"; done\n`],
  ["in ~/.profile after .bashrc", "+~/.profile", `export AWS_SECRET_ACCESS_KEY=${SECRET}\n`],
  ["~/.bash_profile hides ~/.profile", "~/.bash_profile", `export AWS_PROFILE=dev\n`, { "+~/.profile": `export AWS_ACCESS_KEY_ID=${KEY}\n` }],
  ["~/.bashrc that only terminals read", "~/.bash_profile", `export PATH\n`, { "+~/.bashrc": `export AWS_PROFILE=dev\n` }],
  ["~/.bash_login when no ~/.bash_profile", "~/.bash_login", `export AWS_PROFILE=dev\n`],
  ["/etc/profile.d/*.sh", "/etc/profile.d/aws.sh", `export AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["/etc/profile.d/ without .sh", "/etc/profile.d/aws.conf", `export AWS_ACCESS_KEY_ID=${KEY}\n`],
  ["/etc/bash.bashrc, from /etc/profile", "+/etc/bash.bashrc", `export AWS_PROFILE=dev\n`],
  ["/etc/profile itself", "+/etc/profile", `export AWS_SESSION_TOKEN=token\n`],
  ["/etc/environment (PAM)", "+/etc/environment", `AWS_ACCESS_KEY_ID=${KEY}\n`],
];

/** Files some forms need besides their own: what they source. */
export const SOURCED_FILES: Readonly<Record<string, string>> = {
  "~/.aws-env": `export AWS_SESSION_TOKEN=token\n`,
  "~/.bashrc.d/aws.sh": `export AWS_CONFIG_FILE=/tmp/config\n`,
};
