/**
 * Credential layouts for the differential test of botocore's chain: one line each, so anyone can add one.
 * Files are relative to the layout's own HOME. Placeholders: {bob} (an ini key pair), {bob.id}, {bob.secret},
 * {HOME}, {DEV_ROLE}, {WEB_ROLE}, {NODE} (this Node.js), {SCRIPT} (a credential_process printing bob's keys),
 * {BYTE_FF} (a byte that is not UTF-8).
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
];
