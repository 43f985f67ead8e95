import { describe, expect, it } from "vitest";
import { pamEnvFiles, pamSettings } from "../../src/shell/model/pam-environment";
import { zshForBashGrammar } from "../../src/shell/model/zsh-syntax";

describe("pam_env's files, read as Linux-PAM 1.5 reads them", () => {
  it("finds the files each pam_env line names, the user's only with user_readenv=1", () => {
    const su = [
      "session required pam_env.so readenv=1",
      "session required pam_env.so readenv=1 envfile=/etc/default/locale",
      "# session required pam_env.so user_readenv=1",
    ].join("\n");
    expect(pamEnvFiles([su])).toEqual({
      conf: ["/etc/security/pam_env.conf"],
      env: ["/etc/environment", "/etc/default/locale"],
      user: [],
    });
    const sshd = "session required pam_env.so user_readenv=1 user_envfile=.env readenv=0";
    expect(pamEnvFiles([sshd])).toMatchObject({ env: [], user: [".env"] });
    expect(pamEnvFiles(undefined)).toMatchObject({ env: ["/etc/environment"], user: [] });
  });

  it("reads pam_env.conf's syntax: DEFAULT and OVERRIDE, NAME=value as a whole word, comments, continuations", () => {
    const text = [
      "AWS_PROFILE DEFAULT=dev # a comment",
      "AWS_CONFIG_FILE=/tmp/config",
      "AWS_DEFAULT_PROFILE DEFAULT=",
      "AWS_SHARED_CREDENTIALS_FILE DEFAULT=${HOME}/creds",
      "export AWS_ACCESS_KEY_ID=AKIAX",
      "AWS_SESSION_TOKEN \\",
      "  OVERRIDE=token",
    ].join("\n");
    expect(pamSettings(text, "conf")).toEqual([
      { name: "AWS_PROFILE", value: "dev", line: 1, to: 1 },
      { name: "AWS_CONFIG_FILE", value: "/tmp/config", line: 2, to: 2 },
      { name: "AWS_SHARED_CREDENTIALS_FILE", value: undefined, line: 4, to: 4 },
      { name: "AWS_SESSION_TOKEN", value: "token", line: 6, to: 7 },
    ]);
  });

  it("reads /etc/environment's syntax: NAME=value, `export ` allowed, quotes dropped", () => {
    expect(pamSettings('export AWS_PROFILE="dev"\n# AWS_X=1\nAWS_CONFIG_FILE\n', "env")).toEqual([
      { name: "AWS_PROFILE", value: "dev", line: 1, to: 1 },
    ]);
  });
});

describe("zsh's text for bash's grammar", () => {
  it("keeps every byte where it was, and blanks out what only zsh reads", () => {
    const text = [
      "if (( ${+commands[aws]} )) && [[ -n ${(j:,:)path} ]]; then :; fi",
      "for f in ~/.zshrc.d/*.zsh(N); do source $f; done",
      "() { export AWS_PROFILE=dev }",
      "echo '${(f)x} }' \"$+y\"",
    ].join("\n");
    const masked = zshForBashGrammar(text);
    expect(masked).toHaveLength(text.length);
    expect(masked.split("\n")).toEqual([
      "if (( ${______________} )) && [[ -n ${__________} ]]; then :; fi",
      "for f in ~/.zshrc.d/*.zsh   ; do source $f; done",
      "   { export AWS_PROFILE=dev;}",
      "echo '${(f)x} }' \"$_y\"",
    ]);
  });
});
