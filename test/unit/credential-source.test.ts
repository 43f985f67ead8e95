import { describe, expect, it } from "vitest";
import type { ChainLink } from "../../src/identity/model/botocore-chain";
import { attributeJsChain, attributeLink } from "../../src/identity/model/credential-source";

const temporary = { accessKeyId: "ASIAIOSFODNN7EXAMPLE", hasSessionToken: true };
const longTerm = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", hasSessionToken: false };

describe("attributeLink: botocore's link, named for a person", () => {
  it.each<[ChainLink, string, boolean]>([
    [{ method: "env", variable: "AWS_ACCESS_KEY_ID" }, "environment", true],
    [
      { method: "shared-credentials-file", profile: "default", path: "/h/.aws/credentials" },
      "shared-credentials-file",
      true,
    ],
    [{ method: "config-file", profile: "dev", path: "/h/.aws/config" }, "config-file", true],
    [{ method: "sso", profile: "sso", path: "/h/.aws/config" }, "sso", true],
    [{ method: "custom-process", profile: "p", path: "/h/.aws/config", command: "x" }, "process", true],
    [{ method: "boto-config", path: "/h/.boto" }, "boto-config", true],
    [{ method: "ec2-credentials-file", path: "/h/ec2" }, "ec2-credentials-file", true],
    [
      { method: "assume-role-with-web-identity", roleArn: "arn:aws:iam::1:role/W", tokenFile: "/t" },
      "web-identity",
      false,
    ],
    [{ method: "container-role" }, "container", false],
    [{ method: "iam-role" }, "instance-metadata", false],
  ])("%j → %s", (link, provider, local) => {
    expect(attributeLink(link, temporary)).toMatchObject({ provider, method: link.method, local });
  });

  it("names the role a profile assumes and the file that says so", () => {
    const link: ChainLink = {
      method: "assume-role",
      profile: "ml",
      roleArn: "arn:aws:iam::1:role/R",
      path: "/h/.aws/config",
      source: { method: "iam-role" },
    };
    expect(attributeLink(link, temporary)).toMatchObject({
      provider: "config-file",
      method: "assume-role",
      profile: "ml",
      path: "/h/.aws/config",
      roleArn: "arn:aws:iam::1:role/R",
    });
  });

  it("points web identity from the environment at the token file, and masks the key", () => {
    const link: ChainLink = {
      method: "assume-role-with-web-identity",
      roleArn: "arn:aws:iam::1:role/W",
      tokenFile: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
    };
    expect(attributeLink(link, longTerm)).toMatchObject({
      path: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
      accessKeyId: "AKIA…MPLE",
      longTerm: true,
    });
  });
});

describe("attributeJsChain: the SDK for JavaScript's pick, from its $source marks", () => {
  const opinion = (features: string[]) => ({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", features });

  // Named in botocore's words (method) as whoami's own answer is, and in the JSON contract's (provider).
  it.each([
    [["CREDENTIALS_ENV_VARS"], "env", "environment"],
    [["CREDENTIALS_PROFILE"], "shared-credentials-file", "shared-credentials-file"],
    [
      ["CREDENTIALS_PROFILE_SOURCE_PROFILE", "CREDENTIALS_STS_ASSUME_ROLE", "CREDENTIALS_PROFILE"],
      "assume-role",
      "config-file",
    ],
    [["CREDENTIALS_PROFILE_SSO"], "sso", "sso"],
    [["CREDENTIALS_PROFILE_PROCESS"], "custom-process", "process"],
    [
      ["CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN", "CREDENTIALS_STS_ASSUME_ROLE_WEB_ID"],
      "assume-role-with-web-identity",
      "web-identity",
    ],
    [["CREDENTIALS_HTTP"], "container-role", "container"],
    [[], "iam-role", "instance-metadata"],
  ])("%j → %s (%s)", (features, method, provider) => {
    expect(attributeJsChain(opinion(features), {})).toMatchObject({ method, provider });
  });

  it("reads AWS_PROFILE (never AWS_DEFAULT_PROFILE) for the profile it used", () => {
    const env = { AWS_PROFILE: "dev", AWS_DEFAULT_PROFILE: "other" };
    expect(attributeJsChain(opinion(["CREDENTIALS_PROFILE"]), env).profile).toBe("dev");
  });

  it("tells container credentials from IMDS when the SDK leaves no mark", () => {
    const env = { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x" };
    expect(attributeJsChain(opinion([]), env).provider).toBe("container");
  });
});
