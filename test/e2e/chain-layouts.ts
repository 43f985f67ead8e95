/**
 * Credential layouts for the differential test of botocore's chain: one line each, so anyone can add one.
 * Files are relative to the layout's own HOME. Placeholders: {bob} (an ini key pair), {bob.id}, {bob.secret},
 * {HOME}, {DEV_ROLE}, {WEB_ROLE}, {NODE} (this Node.js), {SCRIPT} (a credential_process printing bob's keys),
 * {BYTE_FF} (a byte that is not UTF-8), {SYSTEM_PATH} (this machine's PATH without the sandbox's stubbed
 * commands: its real user database, which Python's expanduser reads). The layouts after the first block are the long tail: each is a form the
 * AWS CLI reads its own way (parse errors, path expansion, validations before signing, shlex profile names,
 * empty variables, expiry, its exact messages).
 */
export interface Layout {
  name: string;
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** Given to both `hpiam whoami` and `aws sts get-caller-identity` (`--profile`). */
  args?: string[];
  /** Why Debian's AWS CLI v2 (the second oracle) is not compared on this layout, where it is not. */
  notV2?: string;
}

// v2.9 sends a role's AssumeRole to AWS itself: --endpoint-url reaches only the command's own client.
const STS_OUTSIDE = "the v2 CLI assumes the role at the real STS, which no test reaches";

/** A credential_process that prints TEXT (placeholders filled) and exits with CODE, writing ERR to stderr. */
const printing = (text: string, code = 0, err = "") => ({
  "p.js": `process.stdout.write(${JSON.stringify(text)}); process.stderr.write(${JSON.stringify(err)}); process.exitCode = ${code};`,
  ".aws/config": "[default]\ncredential_process = {NODE} {HOME}/p.js\n",
});
const bobJson = (extra = "") =>
  `{"Version": 1, "AccessKeyId": "{bob.id}", "SecretAccessKey": "{bob.secret}"${extra}}`;
const roleVia = (extra: string) =>
  `[default]\nrole_arn = {DEV_ROLE}\nsource_profile = keys\n${extra}[profile keys]\n{bob}`;
const PAST = "2000-01-01T00:00:00Z";
const FUTURE = "2099-01-01T00:00:00Z";

const envKeys = (user: string) => ({
  AWS_ACCESS_KEY_ID: `{${user}.id}`,
  AWS_SECRET_ACCESS_KEY: `{${user}.secret}`,
});

export const LAYOUTS: Layout[] = [
  { name: "nothing local: the instance profile" },
  { name: "aws configure's keys", files: { ".aws/credentials": "[default]\n{bob}" } },
  { name: "environment keys", env: envKeys("bob") },
  {
    name: "environment keys over the credentials file",
    env: envKeys("bob"),
    files: { ".aws/credentials": "[default]\n{carol}" },
  },
  {
    name: "environment keys with AWS_PROFILE set",
    env: { ...envKeys("bob"), AWS_PROFILE: "dev" },
    files: { ".aws/credentials": "[dev]\n{carol}" },
  },
  { name: "a key id in the environment without its secret", env: { AWS_ACCESS_KEY_ID: "{bob.id}" } },
  { name: "a secret in the environment without a key id", env: { AWS_SECRET_ACCESS_KEY: "{bob.secret}" } },
  {
    name: "--profile over environment keys",
    env: envKeys("bob"),
    args: ["--profile", "dev"],
    files: { ".aws/credentials": "[dev]\n{carol}" },
  },
  {
    name: "AWS_PROFILE",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/credentials": "[default]\n{bob}\n[dev]\n{carol}" },
  },
  {
    name: "AWS_DEFAULT_PROFILE",
    env: { AWS_DEFAULT_PROFILE: "dev" },
    files: { ".aws/credentials": "[default]\n{bob}\n[dev]\n{carol}" },
  },
  {
    name: "AWS_DEFAULT_PROFILE over AWS_PROFILE",
    notV2: "the v2 CLI reads AWS_PROFILE first",
    env: { AWS_DEFAULT_PROFILE: "dev", AWS_PROFILE: "ops" },
    files: { ".aws/credentials": "[dev]\n{carol}\n[ops]\n{dave}" },
  },
  {
    name: "AWS_PROFILE naming no profile",
    env: { AWS_PROFILE: "missing" },
    files: { ".aws/credentials": "[default]\n{bob}" },
  },
  { name: "--profile naming no profile", args: ["--profile", "missing"] },
  { name: "AWS_PROFILE=default with no default profile anywhere", env: { AWS_PROFILE: "default" } },
  {
    name: "static keys in the config file's profile",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[profile dev]\n{carol}" },
  },
  {
    name: "the credentials file over the config file",
    files: { ".aws/config": "[default]\n{carol}", ".aws/credentials": "[default]\n{bob}" },
  },
  {
    name: "a key id in the credentials file without its secret",
    files: { ".aws/credentials": "[default]\naws_access_key_id = {bob.id}\n" },
  },
  {
    name: "a credentials file line that is not key = value",
    files: { ".aws/credentials": "[default]\n{bob}oops\n" },
  },
  {
    name: "a section twice in the credentials file",
    files: { ".aws/credentials": "[default]\n{bob}[default]\nregion = us-west-2\n" },
  },
  {
    name: "a key twice in one section",
    files: { ".aws/credentials": "[default]\n{bob}aws_access_key_id = {carol.id}\n" },
  },
  {
    name: "a config file with a key before any section",
    files: { ".aws/config": "region = us-west-2\n[default]\n" },
  },
  {
    name: "a credentials file that is not UTF-8",
    files: { ".aws/credentials": "[default]\n{bob}{BYTE_FF}-latin1" },
  },
  {
    name: "an inline comment stays part of the value",
    files: {
      ".aws/credentials":
        "[default]\naws_access_key_id = {bob.id} # alice's\naws_secret_access_key = {bob.secret}\n",
    },
  },
  {
    name: "[DEFAULT] keys reach every section, but make no profile",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/credentials": "[DEFAULT]\n{bob}[dev]\nregion = us-west-2\n" },
  },
  { name: "[DEFAULT] alone is no default profile", files: { ".aws/credentials": "[DEFAULT]\n{bob}" } },
  {
    name: "upper-case key names",
    files: {
      ".aws/credentials": "[default]\nAWS_ACCESS_KEY_ID = {bob.id}\nAWS_SECRET_ACCESS_KEY = {bob.secret}\n",
    },
  },
  {
    name: "`[profile dev]` in the credentials file is not dev",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/credentials": "[profile dev]\n{bob}" },
  },
  {
    name: "`[dev]` in the config file is not dev",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[dev]\n{bob}" },
  },
  { name: "a folder where the credentials file should be", files: { ".aws/credentials/x": "" } },
  {
    name: "AWS_SHARED_CREDENTIALS_FILE outside ~/.aws",
    env: { AWS_SHARED_CREDENTIALS_FILE: "{HOME}/keys.ini" },
    files: { "keys.ini": "[default]\n{bob}" },
  },
  {
    name: "AWS_CONFIG_FILE outside ~/.aws",
    env: { AWS_CONFIG_FILE: "{HOME}/cfg.ini", AWS_PROFILE: "dev" },
    files: { "cfg.ini": "[profile dev]\n{carol}" },
  },
  { name: "~/.boto", files: { ".boto": "[Credentials]\n{bob}" } },
  {
    name: "the file BOTO_CONFIG names",
    env: { BOTO_CONFIG: "{HOME}/boto.cfg" },
    files: { "boto.cfg": "[Credentials]\n{bob}" },
  },
  {
    name: "BOTO_CONFIG replaces ~/.boto",
    env: { BOTO_CONFIG: "{HOME}/none.cfg" },
    files: { ".boto": "[Credentials]\n{bob}" },
  },
  { name: "~/.boto without its secret", files: { ".boto": "[Credentials]\naws_access_key_id = {bob.id}\n" } },
  {
    name: "the credentials file over ~/.boto",
    files: { ".boto": "[Credentials]\n{bob}", ".aws/credentials": "[default]\n{carol}" },
  },
  {
    name: "AWS_CREDENTIAL_FILE",
    env: { AWS_CREDENTIAL_FILE: "{HOME}/ec2.txt" },
    files: { "ec2.txt": "AWSAccessKeyId={bob.id}\nAWSSecretKey={bob.secret}\n" },
  },
  { name: "AWS_CREDENTIAL_FILE naming no file", env: { AWS_CREDENTIAL_FILE: "{HOME}/none.txt" } },
  {
    name: "AWS_CREDENTIAL_FILE before ~/.boto",
    env: { AWS_CREDENTIAL_FILE: "{HOME}/ec2.txt" },
    files: {
      "ec2.txt": "AWSAccessKeyId={bob.id}\nAWSSecretKey={bob.secret}\n",
      ".boto": "[Credentials]\n{carol}",
    },
  },
  {
    name: "role_arn with a source_profile",
    notV2: STS_OUTSIDE,
    files: {
      ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = keys\n",
      ".aws/credentials": "[keys]\n{bob}",
    },
  },
  {
    name: "role_arn with credential_source Ec2InstanceMetadata",
    notV2: STS_OUTSIDE,
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\ncredential_source = Ec2InstanceMetadata\n" },
  },
  {
    name: "role_arn with credential_source Environment and no keys there",
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\ncredential_source = Environment\n" },
  },
  {
    name: "role_arn with an unknown credential_source",
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\ncredential_source = Laptop\n" },
  },
  {
    name: "role_arn with both source_profile and credential_source",
    files: {
      ".aws/config":
        "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = keys\ncredential_source = Environment\n",
      ".aws/credentials": "[keys]\n{bob}",
    },
  },
  { name: "role_arn with neither source", files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\n" } },
  {
    name: "a source_profile that does not exist",
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = gone\n" },
  },
  {
    name: "a source_profile loop",
    files: {
      ".aws/config":
        "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = a\n[profile a]\nrole_arn = {DEV_ROLE}\nsource_profile = default\n",
    },
  },
  {
    name: "a source_profile without credentials",
    files: {
      ".aws/config":
        "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = empty\n[profile empty]\nregion = us-west-2\n",
    },
  },
  {
    name: "web identity variables before the credentials file",
    notV2: STS_OUTSIDE,
    env: { AWS_ROLE_ARN: "{WEB_ROLE}", AWS_WEB_IDENTITY_TOKEN_FILE: "{HOME}/token" },
    files: { token: "eyJ0b2tlbiJ9", ".aws/credentials": "[default]\n{bob}" },
  },
  {
    name: "a web identity token file without a role",
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: "{HOME}/token" },
    files: { token: "eyJ0b2tlbiJ9" },
  },
  {
    name: "web identity in the profile",
    notV2: STS_OUTSIDE,
    files: {
      token: "eyJ0b2tlbiJ9",
      ".aws/config": "[default]\nrole_arn = {WEB_ROLE}\nweb_identity_token_file = {HOME}/token\n",
    },
  },
  {
    name: "credential_process",
    files: { ".aws/config": "[default]\ncredential_process = {NODE} {SCRIPT}\n" },
  },
  {
    name: "a failing credential_process",
    files: { ".aws/config": "[default]\ncredential_process = false\n" },
  },
  {
    name: "the credentials file before credential_process",
    files: {
      ".aws/config": "[default]\ncredential_process = false\n",
      ".aws/credentials": "[default]\n{bob}",
    },
  },
  {
    name: "an SSO profile missing its settings",
    files: { ".aws/config": "[default]\nsso_account_id = 123456789012\n" },
  },
  {
    name: "an SSO profile that never logged in",
    files: {
      ".aws/config":
        "[default]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-west-2\nsso_account_id = 123456789012\nsso_role_name = Admin\n",
    },
  },
  {
    name: "a container endpoint that refuses",
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds" },
  },
  { name: "the instance metadata service disabled", env: { AWS_EC2_METADATA_DISABLED: "true" } },
  // --- the long tail: config the AWS CLI cannot parse ---
  {
    name: "`region =` with its value on the next, indented line",
    files: { ".aws/config": "[default]\nregion =\n    us-west-2\n", ".aws/credentials": "[default]\n{bob}" },
  },
  {
    name: "a key id continued on an indented line without `=`",
    files: {
      ".aws/credentials":
        "[default]\naws_access_key_id =\n    {bob.id}\naws_secret_access_key = {bob.secret}\n",
    },
  },
  {
    name: "a nested block of `key = value` lines parses",
    files: { ".aws/config": "[default]\n{bob}s3 =\n  addressing_style = path\n" },
  },
  {
    name: "a value continued after text on the key line parses",
    files: { ".aws/credentials": "[default]\n{bob}note = first\n  second line\n" },
  },
  {
    name: "a broken config file stops environment keys too",
    env: envKeys("bob"),
    files: { ".aws/config": "[default]\nregion =\n  us-west-2\n" },
  },
  {
    name: "a byte-order mark before the first section",
    files: { ".aws/credentials": "\uFEFF[default]\n{bob}" },
  },
  {
    name: "an unparseable ~/.boto when the chain reaches it",
    files: { ".boto": "[Credentials]\naws_access_key_id =\n  {bob.id}\n" },
  },
  // --- paths botocore expands (or not) ---
  {
    name: "`~root/..` in AWS_SHARED_CREDENTIALS_FILE is expanded",
    env: { AWS_SHARED_CREDENTIALS_FILE: "~root/..{HOME}/keys.ini", PATH: "{SYSTEM_PATH}" },
    files: { "keys.ini": "[default]\n{bob}" },
  },
  {
    name: "`~root/..` in AWS_CONFIG_FILE is expanded",
    env: { AWS_CONFIG_FILE: "~root/..{HOME}/cfg.ini", PATH: "{SYSTEM_PATH}", AWS_PROFILE: "dev" },
    files: { "cfg.ini": "[profile dev]\n{carol}" },
  },
  {
    name: "`~root/..` in BOTO_CONFIG is expanded",
    env: { BOTO_CONFIG: "~root/..{HOME}/boto.cfg", PATH: "{SYSTEM_PATH}" },
    files: { "boto.cfg": "[Credentials]\n{bob}" },
  },
  {
    name: "`$HOME` in AWS_SHARED_CREDENTIALS_FILE is expanded",
    env: { AWS_SHARED_CREDENTIALS_FILE: "$HOME/keys.ini" },
    files: { "keys.ini": "[default]\n{bob}" },
  },
  {
    name: "`${HOME}` in BOTO_CONFIG is expanded",
    env: { BOTO_CONFIG: "${HOME}/boto.cfg" },
    files: { "boto.cfg": "[Credentials]\n{bob}" },
  },
  {
    name: "`$HOME` stays literal in AWS_CREDENTIAL_FILE",
    env: { AWS_CREDENTIAL_FILE: "$HOME/ec2.txt" },
    files: { "ec2.txt": "AWSAccessKeyId={bob.id}\nAWSSecretKey={bob.secret}\n" },
  },
  {
    name: "`~/` in AWS_CREDENTIAL_FILE is expanded",
    env: { AWS_CREDENTIAL_FILE: "~/ec2.txt" },
    files: { "ec2.txt": "AWSAccessKeyId={bob.id}\nAWSSecretKey={bob.secret}\n" },
  },
  {
    name: "`$HOME` stays literal in credential_process",
    files: { ".aws/config": "[default]\ncredential_process = $HOME/p.sh\n", "p.sh": "#!/bin/sh\nexit 0\n" },
  },
  {
    name: "an unknown `$VARIABLE` stays in AWS_SHARED_CREDENTIALS_FILE",
    env: { AWS_SHARED_CREDENTIALS_FILE: "{HOME}/$NO_SUCH_VARIABLE/keys.ini" },
    files: { ".aws/credentials": "[default]\n{bob}" },
  },
  // --- settings botocore validates before it signs ---
  {
    name: "AWS_METADATA_SERVICE_TIMEOUT=0 when the chain reaches IMDS",
    env: { AWS_METADATA_SERVICE_TIMEOUT: "0" },
  },
  {
    name: "AWS_METADATA_SERVICE_TIMEOUT=0 does not matter before IMDS",
    env: { ...envKeys("bob"), AWS_METADATA_SERVICE_TIMEOUT: "0" },
  },
  {
    name: "AWS_METADATA_SERVICE_NUM_ATTEMPTS=abc stops every command",
    env: { ...envKeys("bob"), AWS_METADATA_SERVICE_NUM_ATTEMPTS: "abc" },
  },
  { name: "AWS_METADATA_SERVICE_TIMEOUT=1.5 is no integer", env: { AWS_METADATA_SERVICE_TIMEOUT: "1.5" } },
  { name: "AWS_METADATA_SERVICE_TIMEOUT set but empty", env: { AWS_METADATA_SERVICE_TIMEOUT: "" } },
  { name: "AWS_METADATA_SERVICE_TIMEOUT with spaces around 2", env: { AWS_METADATA_SERVICE_TIMEOUT: " 2 " } },
  {
    name: "metadata_service_num_attempts = 0",
    files: { ".aws/config": "[default]\nmetadata_service_num_attempts = 0\n" },
  },
  {
    name: "metadata_service_num_attempts = 3",
    files: { ".aws/config": "[default]\nmetadata_service_num_attempts = 3\n" },
  },
  {
    name: "metadata_service_timeout = abc in the profile",
    files: {
      ".aws/config": "[default]\nmetadata_service_timeout = abc\n",
      ".aws/credentials": "[default]\n{bob}",
    },
  },
  {
    name: "an IMDS endpoint that is not a URL",
    env: { ...envKeys("bob"), AWS_EC2_METADATA_SERVICE_ENDPOINT: "localhost:1338" },
  },
  {
    name: "an empty IMDS endpoint is the default one",
    env: { ...envKeys("bob"), AWS_EC2_METADATA_SERVICE_ENDPOINT: "" },
  },
  {
    name: "an IMDS endpoint mode that does not exist",
    env: { ...envKeys("bob"), AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "ipv5" },
  },
  { name: "IMDS endpoint mode IPv4, any case", env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "IPv4" } },
  { name: "AWS_EC2_METADATA_DISABLED=TRUE in capitals", env: { AWS_EC2_METADATA_DISABLED: "TRUE" } },
  { name: "AWS_EC2_METADATA_DISABLED=1 is not true", env: { AWS_EC2_METADATA_DISABLED: "1" } },
  { name: "AWS_EC2_METADATA_V1_DISABLED with IMDSv2 there", env: { AWS_EC2_METADATA_V1_DISABLED: "true" } },
  {
    name: "a role_session_name of one character",
    files: { ".aws/config": roleVia("role_session_name = x\n") },
  },
  {
    name: "an empty role_session_name is generated",
    notV2: STS_OUTSIDE,
    files: { ".aws/config": roleVia("role_session_name =\n") },
  },
  { name: "an external_id of one character", files: { ".aws/config": roleVia("external_id = x\n") } },
  { name: "an empty external_id", files: { ".aws/config": roleVia("external_id =\n") } },
  {
    name: "an external_id of three characters",
    notV2: STS_OUTSIDE,
    files: { ".aws/config": roleVia("external_id = abc\n") },
  },
  { name: "duration_seconds = 100", files: { ".aws/config": roleVia("duration_seconds = 100\n") } },
  {
    name: "duration_seconds that is no integer is dropped",
    notV2: STS_OUTSIDE,
    files: { ".aws/config": roleVia("duration_seconds = 1h\n") },
  },
  {
    name: "duration_seconds = 3600",
    notV2: STS_OUTSIDE,
    files: { ".aws/config": roleVia("duration_seconds = 3600\n") },
  },
  {
    name: "a role_arn shorter than an ARN",
    files: {
      ".aws/config": "[default]\nrole_arn = arn:aws:iam::1:r\nsource_profile = keys\n[profile keys]\n{bob}",
    },
  },
  {
    name: "a web identity token of 3 bytes",
    env: { AWS_ROLE_ARN: "{WEB_ROLE}", AWS_WEB_IDENTITY_TOKEN_FILE: "{HOME}/token" },
    files: { token: "abc" },
  },
  {
    name: "a web identity token file that is not there",
    env: { AWS_ROLE_ARN: "{WEB_ROLE}", AWS_WEB_IDENTITY_TOKEN_FILE: "{HOME}/token" },
  },
  {
    name: "a web identity role_session_name of one character",
    env: {
      AWS_ROLE_ARN: "{WEB_ROLE}",
      AWS_WEB_IDENTITY_TOKEN_FILE: "{HOME}/token",
      AWS_ROLE_SESSION_NAME: "x",
    },
    files: { token: "eyJ0b2tlbiJ9" },
  },
  {
    name: "an empty AWS_WEB_IDENTITY_TOKEN_FILE is none",
    env: { AWS_ROLE_ARN: "{WEB_ROLE}", AWS_WEB_IDENTITY_TOKEN_FILE: "" },
    files: { ".aws/credentials": "[default]\n{bob}" },
  },
  {
    name: "AWS_CREDENTIAL_EXPIRATION in the past",
    env: { ...envKeys("bob"), AWS_CREDENTIAL_EXPIRATION: PAST },
  },
  {
    name: "AWS_CREDENTIAL_EXPIRATION in the future",
    env: { ...envKeys("bob"), AWS_CREDENTIAL_EXPIRATION: FUTURE },
  },
  {
    name: "AWS_CREDENTIAL_EXPIRATION set but empty",
    env: { ...envKeys("bob"), AWS_CREDENTIAL_EXPIRATION: "" },
  },
  {
    name: "AWS_CREDENTIAL_EXPIRATION that is no date",
    env: { ...envKeys("bob"), AWS_CREDENTIAL_EXPIRATION: "soon" },
  },
  { name: "a credential_process giving expired keys", files: printing(bobJson(`, "Expiration": "${PAST}"`)) },
  {
    name: "a credential_process giving keys that expire later",
    files: printing(bobJson(`, "Expiration": "${FUTURE}"`)),
  },
  // --- profile names as botocore reads them ---
  {
    name: '`[profile "dev"]` names dev',
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": '[profile "dev"]\n{carol}' },
  },
  {
    name: "`[profile 'ops team']` names ops team",
    env: { AWS_PROFILE: "ops team" },
    files: { ".aws/config": "[profile 'ops team']\n{carol}" },
  },
  {
    name: "a no-break space in `[profile dev]` makes no profile",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[profile\u00a0dev]\n{carol}" },
  },
  { name: 'AWS_PROFILE=""', env: { AWS_PROFILE: "" }, files: { ".aws/credentials": "[default]\n{bob}" } },
  {
    name: 'AWS_DEFAULT_PROFILE="" hides AWS_PROFILE',
    notV2: "the v2 CLI reads AWS_PROFILE first",
    env: { AWS_DEFAULT_PROFILE: "", AWS_PROFILE: "dev" },
    files: { ".aws/credentials": "[dev]\n{carol}" },
  },
  {
    name: "AWS_PROFILE with a trailing space",
    env: { AWS_PROFILE: "dev " },
    files: { ".aws/credentials": "[dev]\n{carol}" },
  },
  {
    name: "`[profile  dev]` with two spaces",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[profile  dev]\n{carol}" },
  },
  {
    name: "a tab in `[profile dev]`",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[profile\tdev]\n{carol}" },
  },
  {
    name: "`[profile dev extra]` is no profile",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[profile dev extra]\n{carol}" },
  },
  {
    name: 'an unclosed quote in `[profile "dev]`',
    env: { AWS_PROFILE: '"dev' },
    files: { ".aws/config": '[profile "dev]\n{carol}' },
  },
  {
    name: "a backslash in `[profile d\\ev]` escapes",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[profile d\\ev]\n{carol}" },
  },
  {
    name: "`#` inside a profile name is no comment",
    env: { AWS_PROFILE: "dev#x" },
    files: { ".aws/config": "[profile dev#x]\n{carol}" },
  },
  {
    name: "`[PROFILE dev]` is no profile",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[PROFILE dev]\n{carol}" },
  },
  {
    name: "`[profile default]` is the default profile",
    files: { ".aws/config": "[profile default]\n{carol}" },
  },
  {
    name: "`[profile default]` after `[default]` wins",
    files: { ".aws/config": "[default]\n{bob}[profile default]\n{carol}" },
  },
  { name: "`[Default]` is not the default profile", files: { ".aws/credentials": "[Default]\n{bob}" } },
  {
    name: "`[ default ]` with spaces is not the default profile",
    files: { ".aws/credentials": "[ default ]\n{bob}" },
  },
  {
    name: "AWS_PROFILE naming no profile stops environment keys too",
    env: { ...envKeys("bob"), AWS_PROFILE: "missing" },
  },
  {
    name: "--profile over AWS_PROFILE naming no profile",
    env: { AWS_PROFILE: "missing" },
    args: ["--profile", "dev"],
    files: { ".aws/credentials": "[dev]\n{carol}" },
  },
  // --- environment variables ---
  {
    name: "an empty AWS_ACCESS_KEY_ID is none",
    env: { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "{bob.secret}" },
    files: { ".aws/credentials": "[default]\n{carol}" },
  },
  {
    name: "an empty AWS_SECRET_ACCESS_KEY beside a key id",
    env: { AWS_ACCESS_KEY_ID: "{bob.id}", AWS_SECRET_ACCESS_KEY: "" },
  },
  {
    name: "empty AWS_SESSION_TOKEN and AWS_SECURITY_TOKEN",
    env: { ...envKeys("bob"), AWS_SESSION_TOKEN: "", AWS_SECURITY_TOKEN: "" },
  },
  {
    name: "AWS_PROFILE and AWS_DEFAULT_PROFILE naming the same profile",
    env: { AWS_PROFILE: "dev", AWS_DEFAULT_PROFILE: "dev" },
    files: { ".aws/credentials": "[dev]\n{carol}" },
  },
  {
    name: "an empty AWS_SHARED_CREDENTIALS_FILE reads no credentials file",
    env: { AWS_SHARED_CREDENTIALS_FILE: "" },
    files: { ".aws/credentials": "[default]\n{bob}" },
  },
  // --- comments, sections, [DEFAULT] ---
  { name: "`;` comment lines", files: { ".aws/credentials": "; keys\n[default]\n; id\n{bob}; end\n" } },
  {
    name: "an indented `#` comment inside a section",
    files: {
      ".aws/credentials":
        "[default]\naws_access_key_id = {bob.id}\n    # note\naws_secret_access_key = {bob.secret}\n",
    },
  },
  {
    name: "an inline `;` comment stays part of the key id",
    files: {
      ".aws/credentials":
        "[default]\naws_access_key_id = {bob.id} ; bob\naws_secret_access_key = {bob.secret}\n",
    },
  },
  { name: "a comment after the section header", files: { ".aws/credentials": "[default] ; bob's\n{bob}" } },
  {
    name: "`:` as the separator, no spaces",
    files: {
      ".aws/credentials": "[default]\naws_access_key_id:{bob.id}\naws_secret_access_key:{bob.secret}\n",
    },
  },
  {
    name: "a tab-indented first key",
    files: {
      ".aws/credentials": "[default]\n\taws_access_key_id = {bob.id}\naws_secret_access_key = {bob.secret}\n",
    },
  },
  {
    name: "an indented second key is part of the first",
    files: {
      ".aws/credentials": "[default]\naws_access_key_id = {bob.id}\n  aws_secret_access_key = {bob.secret}\n",
    },
  },
  {
    name: "CRLF line ends",
    files: {
      ".aws/credentials":
        "[default]\r\naws_access_key_id = {bob.id}\r\naws_secret_access_key = {bob.secret}\r\n",
    },
  },
  {
    name: "[DEFAULT] gives the secret, [default] the key id",
    files: {
      ".aws/credentials":
        "[DEFAULT]\naws_secret_access_key = {bob.secret}\n[default]\naws_access_key_id = {bob.id}\n",
    },
  },
  {
    name: "[DEFAULT] keys reach a config profile",
    env: { AWS_PROFILE: "dev" },
    files: { ".aws/config": "[DEFAULT]\n{carol}[profile dev]\nregion = us-west-2\n" },
  },
  { name: "an empty [default] section", files: { ".aws/credentials": "[default]\n" } },
  { name: "a credentials file of comments only", files: { ".aws/credentials": "# nothing\n; here\n" } },
  // --- role chains ---
  {
    name: "a role whose source profile assumes a role",
    notV2: STS_OUTSIDE,
    files: {
      ".aws/config":
        "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = mid\n[profile mid]\nrole_arn = {DEV_ROLE}\nsource_profile = keys\n[profile keys]\n{bob}",
    },
  },
  {
    name: "a role profile that is its own source, with keys",
    notV2: STS_OUTSIDE,
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = default\n{bob}" },
  },
  {
    name: "a role whose source profile runs a credential_process",
    notV2: STS_OUTSIDE,
    files: {
      ".aws/config":
        "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = proc\n[profile proc]\ncredential_process = {NODE} {SCRIPT}\n",
    },
  },
  {
    name: "role_arn with credential_source Environment and keys there",
    notV2: STS_OUTSIDE,
    env: envKeys("bob"),
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\ncredential_source = Environment\n" },
  },
  {
    name: "credential_source EcsContainer outside a container",
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\ncredential_source = EcsContainer\n" },
  },
  {
    name: "credential_source Ec2InstanceMetadata with IMDS disabled",
    env: { AWS_EC2_METADATA_DISABLED: "true" },
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\ncredential_source = Ec2InstanceMetadata\n" },
  },
  {
    name: "credential_source in another case is not valid",
    files: { ".aws/config": "[default]\nrole_arn = {DEV_ROLE}\ncredential_source = environment\n" },
  },
  {
    name: "role_arn and source_profile in the credentials file",
    notV2: STS_OUTSIDE,
    files: { ".aws/credentials": "[default]\nrole_arn = {DEV_ROLE}\nsource_profile = keys\n[keys]\n{bob}" },
  },
  {
    name: "a role with mfa_serial asks for a code",
    files: { ".aws/config": roleVia("mfa_serial = arn:aws:iam::123456789012:mfa/bob\n") },
  },
  {
    name: "web identity in the profile wins over its role_arn's source_profile",
    notV2: STS_OUTSIDE,
    files: {
      token: "eyJ0b2tlbiJ9",
      ".aws/config": roleVia("web_identity_token_file = {HOME}/token\n").replace("{DEV_ROLE}", "{WEB_ROLE}"),
    },
  },
  // --- credential_process ---
  {
    name: "credential_process with double-quoted words",
    files: { ".aws/config": '[default]\ncredential_process = "{NODE}" "{SCRIPT}"\n' },
  },
  {
    name: "credential_process with single-quoted words",
    files: { ".aws/config": "[default]\ncredential_process = '{NODE}' '{SCRIPT}'\n" },
  },
  { name: "credential_process exiting 3 with a message", files: printing("", 3, "token expired, run login") },
  { name: "credential_process printing no JSON", files: printing("not json") },
  { name: "credential_process printing nothing", files: printing("") },
  { name: "credential_process printing a JSON list", files: printing("[1, 2]") },
  {
    name: "credential_process printing Version 2",
    files: printing(bobJson().replace('"Version": 1', '"Version": 2')),
  },
  {
    name: "credential_process printing no Version",
    files: printing(bobJson().replace('"Version": 1, ', "")),
  },
  {
    name: 'credential_process printing Version "1"',
    files: printing(bobJson().replace('"Version": 1', '"Version": "1"')),
  },
  {
    name: "credential_process printing no secret",
    files: printing('{"Version": 1, "AccessKeyId": "{bob.id}"}'),
  },
  {
    name: "credential_process writing to stderr and succeeding",
    files: printing(bobJson(), 0, "warming up"),
  },
  { name: "credential_process with JSON after blank lines", files: printing(`\n\n  ${bobJson()}\n`) },
  {
    name: "a credential_process command that is not there",
    files: { ".aws/config": "[default]\ncredential_process = hpiam-no-such-helper --json\n" },
  },
  {
    name: "a credential_process with an unclosed quote",
    files: { ".aws/config": '[default]\ncredential_process = "{NODE} {SCRIPT}\n' },
  },
  { name: "an empty credential_process", files: { ".aws/config": "[default]\ncredential_process =\n" } },
  {
    name: "credential_process in the credentials file",
    files: { ".aws/credentials": "[default]\ncredential_process = {NODE} {SCRIPT}\n" },
  },
  // --- SSO sessions ---
  {
    name: "sso_session naming no [sso-session]",
    files: {
      ".aws/config": "[default]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n",
    },
  },
  {
    name: "an sso-session that never logged in",
    files: {
      ".aws/config":
        "[default]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-west-2\n",
    },
  },
  // --- boto config, AWS_CREDENTIAL_FILE ---
  {
    name: "an empty BOTO_CONFIG reads no boto file",
    env: { BOTO_CONFIG: "" },
    files: { ".boto": "[Credentials]\n{bob}" },
  },
  { name: "`[credentials]` in lower case is not boto's", files: { ".boto": "[credentials]\n{bob}" } },
  {
    name: "AWS_CREDENTIAL_FILE naming no file stops before ~/.boto",
    env: { AWS_CREDENTIAL_FILE: "{HOME}/none.txt" },
    files: { ".boto": "[Credentials]\n{bob}" },
  },
  { name: "an empty AWS_CREDENTIAL_FILE", env: { AWS_CREDENTIAL_FILE: "" } },
  {
    name: "AWS_CREDENTIAL_FILE with spaces, comments and CRLF",
    env: { AWS_CREDENTIAL_FILE: "{HOME}/ec2.txt" },
    files: {
      "ec2.txt": "# keys\r\nAWSAccessKeyId = {bob.id}\r\njunk line\r\nAWSSecretKey = {bob.secret}\r\n",
    },
  },
  {
    name: "AWS_CREDENTIAL_FILE without a secret",
    env: { AWS_CREDENTIAL_FILE: "{HOME}/ec2.txt" },
    files: { "ec2.txt": "AWSAccessKeyId={bob.id}\n" },
  },
  {
    name: "AWS_CREDENTIAL_FILE without a key id falls through",
    env: { AWS_CREDENTIAL_FILE: "{HOME}/ec2.txt" },
    files: { "ec2.txt": "AWSSecretKey={bob.secret}\n", ".boto": "[Credentials]\n{carol}" },
  },
  { name: "AWS_CREDENTIAL_FILE naming a folder", env: { AWS_CREDENTIAL_FILE: "{HOME}" } },
  // --- container endpoints ---
  {
    name: "a container endpoint on a host botocore refuses",
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://example.com/creds" },
  },
  { name: "an empty AWS_CONTAINER_CREDENTIALS_FULL_URI", env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "" } },
  {
    name: "a container authorization token file that is not there",
    env: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds",
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "{HOME}/no-token",
    },
  },
  {
    name: "environment keys before a container endpoint",
    env: { ...envKeys("bob"), AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://example.com/creds" },
  },
];
