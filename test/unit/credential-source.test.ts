import { describe, expect, it } from "vitest";
import type { SharedFiles } from "../../src/context";
import { attributeSource } from "../../src/domain/credential-source";

const files: SharedFiles = {
  credentialsPath: "/home/ubuntu/.aws/credentials",
  configPath: "/home/ubuntu/.aws/config",
  credentials: { default: { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE" } },
  config: { dev: { aws_access_key_id: "AKIAIOSFODNN7EXAMPL2" }, ml: { role_arn: "arn:aws:iam::1:role/R" } },
};

function attribute(features: string[], env: Record<string, string> = {}, profile?: string) {
  return attributeSource({
    credentials: { accessKeyId: "ASIAIOSFODNN7EXAMPLE", features, hasSessionToken: true },
    env,
    files,
    profile,
  });
}

describe("attributeSource", () => {
  it.each([
    [["CREDENTIALS_ENV_VARS"], "environment", true],
    [["CREDENTIALS_PROFILE"], "shared-credentials-file", true],
    [
      ["CREDENTIALS_PROFILE_SOURCE_PROFILE", "CREDENTIALS_STS_ASSUME_ROLE", "CREDENTIALS_PROFILE"],
      "config-file",
      true,
    ],
    [["CREDENTIALS_PROFILE_NAMED_PROVIDER", "CREDENTIALS_STS_ASSUME_ROLE"], "config-file", true],
    [["CREDENTIALS_PROFILE_SSO"], "sso", true],
    [["CREDENTIALS_PROFILE_SSO_LEGACY"], "sso", true],
    [["CREDENTIALS_PROFILE_PROCESS"], "process", true],
    [["CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN", "CREDENTIALS_STS_ASSUME_ROLE_WEB_ID"], "web-identity", false],
    [["CREDENTIALS_HTTP"], "container", false],
    [[], "instance-metadata", false],
  ])("%j → %s", (features, provider, local) => {
    expect(attribute(features)).toMatchObject({ provider, local });
  });

  it("names the credentials file and profile for static keys", () => {
    expect(attribute(["CREDENTIALS_PROFILE"])).toMatchObject({
      provider: "shared-credentials-file",
      profile: "default",
      path: "/home/ubuntu/.aws/credentials",
      accessKeyId: "ASIA…MPLE",
    });
  });

  it("names the config file when the keys of the profile live there", () => {
    expect(attribute(["CREDENTIALS_PROFILE"], { AWS_PROFILE: "dev" })).toMatchObject({
      provider: "config-file",
      profile: "dev",
      path: "/home/ubuntu/.aws/config",
    });
  });

  it("prefers --profile over AWS_PROFILE", () => {
    expect(attribute(["CREDENTIALS_PROFILE_SOURCE_PROFILE"], { AWS_PROFILE: "dev" }, "ml").profile).toBe(
      "ml",
    );
  });

  it("tells container credentials from IMDS when the SDK leaves no mark", () => {
    expect(attribute([], { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x" }).provider).toBe(
      "container",
    );
  });

  it("points web identity from the environment at the token file", () => {
    const source = attribute(["CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN"], {
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
    });
    expect(source.path).toBe("/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
  });
});
