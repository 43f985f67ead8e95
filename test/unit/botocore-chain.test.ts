import { describe, expect, it } from "vitest";
import { type ChainInput, type ReadIni, resolveChain } from "../../src/identity/model/botocore-chain";
import { parseBotocoreIni } from "../../src/identity/model/configparser";

// The chain model on parsed files: each case is a form botocore reads its own way (the differential test runs
// the same forms through the real AWS CLI).
const NOW = new Date("2026-06-01T00:00:00Z");
const KEYS = "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n";
const ENV_KEYS = { AWS_ACCESS_KEY_ID: "AKIAENV", AWS_SECRET_ACCESS_KEY: "s" };

function ini(path: string, text: string | undefined): ReadIni {
  if (text === undefined) return { path, state: "absent" };
  const parsed = parseBotocoreIni(text);
  return parsed.ok
    ? { path, state: "parsed", sections: parsed.sections, lines: parsed.lines }
    : { path, state: "broken", line: parsed.line, reason: parsed.reason };
}

function chain(
  files: { config?: string; credentials?: string },
  env: Record<string, string> = {},
  profileFlag?: string,
) {
  const input: ChainInput = {
    env,
    ...(profileFlag !== undefined ? { profileFlag } : {}),
    config: ini("/h/.aws/config", files.config),
    credentials: ini("/h/.aws/credentials", files.credentials),
    botoFiles: [],
    now: NOW,
  };
  return resolveChain(input);
}

const brokenWith = (decision: ReturnType<typeof chain>) =>
  decision.kind === "broken" ? decision.error.message : `not broken: ${decision.kind}`;

describe("botocore's chain: the config it cannot parse", () => {
  it("stops on a value that starts on the next line and is not `key = value` lines", () => {
    const decision = chain({
      config: "[default]\nregion =\n    us-west-2\n",
      credentials: `[default]\n${KEYS}`,
    });
    expect(brokenWith(decision)).toBe("Unable to parse config file: /h/.aws/config");
    expect(decision.kind === "broken" && decision.error.fix).toMatch(/line 3/);
  });

  it("reads a nested block of settings, and a value continued after text on the key line", () => {
    expect(chain({ config: `[default]\n${KEYS}s3 =\n  addressing_style = path\n` })).toMatchObject({
      kind: "link",
      link: { method: "config-file" },
    });
    expect(chain({ credentials: `[default]\n${KEYS}note = a\n  b\n` }).kind).toBe("link");
  });

  it("cannot tell what a nested block does where the chain expects one value", () => {
    const decision = chain({ config: "[default]\nrole_arn =\n  a = b\nsource_profile = default\n" });
    expect(decision).toMatchObject({ kind: "undecided", undecided: { setting: "role_arn in [default]" } });
  });
});

describe("botocore's chain: profile names", () => {
  it.each([
    ['[profile "dev"]', "dev"],
    ["[profile 'ops team']", "ops team"],
    ["[profile  dev]", "dev"],
    ["[profile d\\ev]", "dev"],
    ["[profile dev#x]", "dev#x"],
  ])("%s names %s (shlex)", (header, name) => {
    expect(chain({ config: `${header}\n${KEYS}` }, { AWS_PROFILE: name })).toMatchObject({
      kind: "link",
      link: { method: "config-file", profile: name },
    });
  });

  it.each(["[profile\u00a0dev]", "[profile dev extra]", '[profile "dev]', "[PROFILE dev]"])(
    "%s is no profile dev",
    (header) => {
      expect(brokenWith(chain({ config: `${header}\n${KEYS}` }, { AWS_PROFILE: "dev" }))).toBe(
        "The config profile (dev) could not be found",
      );
    },
  );

  it('stops on AWS_PROFILE="" as the AWS CLI does, and ignores an empty --profile', () => {
    const files = { credentials: `[default]\n${KEYS}` };
    expect(brokenWith(chain(files, { AWS_PROFILE: "" }))).toBe("The config profile () could not be found");
    expect(chain(files, ENV_KEYS, "")).toMatchObject({ kind: "link", link: { method: "env" } });
  });
});

describe("botocore's chain: settings it checks before it signs", () => {
  it("stops every command on an instance metadata setting that is not an integer", () => {
    expect(brokenWith(chain({}, { ...ENV_KEYS, AWS_METADATA_SERVICE_NUM_ATTEMPTS: "abc" }))).toBe(
      "invalid literal for int() with base 10: 'abc'",
    );
    expect(brokenWith(chain({ config: "[default]\nmetadata_service_timeout = 1.5\n" }))).toBe(
      "invalid literal for int() with base 10: '1.5'",
    );
    expect(chain({}, { AWS_METADATA_SERVICE_TIMEOUT: " 2 " })).toMatchObject({ kind: "link" });
  });

  it("stops on a timeout of 0 only where the chain asks IMDS", () => {
    expect(brokenWith(chain({}, { AWS_METADATA_SERVICE_TIMEOUT: "0" }))).toMatch(
      /^An HTTP Client raised an unhandled exception: Attempted to set connect timeout to 0/,
    );
    expect(chain({}, { ...ENV_KEYS, AWS_METADATA_SERVICE_TIMEOUT: "0" })).toMatchObject({ kind: "link" });
    expect(chain({}, { AWS_METADATA_SERVICE_TIMEOUT: "0", AWS_EC2_METADATA_DISABLED: "true" }).kind).toBe(
      "link",
    );
  });

  it("asks IMDS nothing with metadata_service_num_attempts = 0", () => {
    expect(chain({ config: "[default]\nmetadata_service_num_attempts = 0\n" })).toMatchObject({
      kind: "link",
      link: { method: "iam-role", attempts: 0 },
    });
  });

  it("stops on an IMDS endpoint that is not a URL, and on an endpoint mode that does not exist", () => {
    expect(brokenWith(chain({}, { ...ENV_KEYS, AWS_EC2_METADATA_SERVICE_ENDPOINT: "localhost:1338" }))).toBe(
      "Invalid endpoint EC2 Instance Metadata endpoint: localhost:1338",
    );
    expect(chain({}, { AWS_EC2_METADATA_SERVICE_ENDPOINT: "" }).kind).toBe("link");
    expect(chain({}, { AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://169.254.169.254" }).kind).toBe("link");
    expect(brokenWith(chain({}, { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "ipv5" }))).toMatch(
      /^Invalid EC2 Instance Metadata endpoint mode: ipv5/,
    );
    expect(chain({}, { AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://[fd00:ec2::254]/" })).toMatchObject({
      kind: "undecided",
    });
  });

  it("stops on environment keys whose expiry has passed, and cannot tell on a time dateutil reads", () => {
    expect(brokenWith(chain({}, { ...ENV_KEYS, AWS_CREDENTIAL_EXPIRATION: "2000-01-01T00:00:00Z" }))).toBe(
      "Credentials were refreshed, but the refreshed credentials are still expired.",
    );
    expect(chain({}, { ...ENV_KEYS, AWS_CREDENTIAL_EXPIRATION: "2099-01-01T00:00:00+00:00" }).kind).toBe(
      "link",
    );
    expect(chain({}, { ...ENV_KEYS, AWS_CREDENTIAL_EXPIRATION: "" }).kind).toBe("link");
    expect(chain({}, { ...ENV_KEYS, AWS_CREDENTIAL_EXPIRATION: "soon" })).toMatchObject({
      kind: "undecided",
      undecided: { setting: "AWS_CREDENTIAL_EXPIRATION" },
    });
  });

  it("reads duration_seconds as Python's int() does, and drops one that is not an integer", () => {
    const role = (extra: string) =>
      chain({
        config: `[default]\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsource_profile = k\n${extra}[profile k]\n${KEYS}`,
      });
    expect(role("duration_seconds = 1_800\n")).toMatchObject({ link: { durationSeconds: 1800 } });
    expect(role("duration_seconds = 100abc\n")).toMatchObject({
      kind: "link",
      link: { method: "assume-role" },
    });
    expect(role("duration_seconds = 100abc\n")).not.toMatchObject({ link: { durationSeconds: 100 } });
  });
});

describe("botocore's chain: credential_source links", () => {
  const sourced = (source: string) =>
    `[default]\nrole_arn = arn:aws:iam::123456789012:role/Dev\ncredential_source = ${source}\n`;

  it("stops as botocore does on EcsContainer outside a container", () => {
    expect(brokenWith(chain({ config: sourced("EcsContainer") }))).toBe(
      "Error when retrieving credentials from EcsContainer: No credentials found in credential_source referenced in profile default",
    );
  });

  it("checks Environment's expiry, and Ec2InstanceMetadata's timeout", () => {
    expect(
      brokenWith(
        chain(
          { config: sourced("Environment") },
          { ...ENV_KEYS, AWS_CREDENTIAL_EXPIRATION: "2001-01-01T00:00:00Z" },
        ),
      ),
    ).toMatch(/still expired/);
    expect(
      brokenWith(chain({ config: sourced("Ec2InstanceMetadata") }, { AWS_METADATA_SERVICE_TIMEOUT: "0" })),
    ).toMatch(/connect timeout to 0/);
    expect(chain({ config: sourced("Ec2InstanceMetadata") })).toMatchObject({
      link: { credentialSource: "Ec2InstanceMetadata", source: { method: "iam-role" } },
    });
  });
});
