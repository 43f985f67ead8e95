import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskKeyId } from "../../src/identity/model/mask";
import { scrubSecrets } from "../../src/output/scrub";

describe("maskKeyId", () => {
  it("keeps the first and last four characters of a key id", () => {
    expect(maskKeyId("AKIAIOSFODNN7EXAMPLE")).toBe("AKIA…MPLE");
  });

  it("never reveals more than 4 + 4 characters, nor most of a short value", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (id) => {
        const shown = maskKeyId(id).replace("…", "");
        expect(shown.length).toBeLessThanOrEqual(8);
        expect(shown.length).toBeLessThanOrEqual(Math.floor(id.trim().length / 2));
      }),
    );
  });
});

describe("scrubSecrets", () => {
  it("hides secret keys and session tokens in free text", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ" + "A".repeat(200);
    const text = `secret=${secret} token=${token} key=AKIAIOSFODNN7EXAMPLE`;
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).not.toContain(token.slice(0, 40));
    expect(scrubbed).toContain("AKIA…MPLE");
  });

  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
  // Key pairs as AWS makes them: an id of 16 capitals and digits after AKIA/ASIA, random bytes for the rest.
  const keyId = fc
    .tuple(
      fc.constantFrom("AKIA", "ASIA"),
      fc.string({
        unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        minLength: 16,
        maxLength: 16,
      }),
    )
    .map(([prefix, rest]) => prefix + rest);
  const secretKey = fc.uint8Array({ minLength: 30, maxLength: 30 }).map(base64);
  const sessionToken = fc.uint8Array({ minLength: 150, maxLength: 800 }).map(base64);
  // Whatever ends a word around a key: a space, a quote, `=`, a newline, JSON's escapes...
  const edge = fc.string({
    unit: fc.constantFrom(..." \t\n\"'=:;,()[]{}<>|&@#!?*%$~^-_.\\`"),
    minLength: 1,
    maxLength: 3,
  });
  const text = fc.string({ maxLength: 60 });

  it("never lets a key pair through, whatever text surrounds it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, edge, fc.oneof(keyId, secretKey, sessionToken), edge), {
          minLength: 1,
          maxLength: 6,
        }),
        text,
        (pieces, tail) => {
          const input = pieces.map((piece) => piece.join("")).join("") + tail;
          const scrubbed = scrubSecrets(input);
          for (const [, , secret] of pieces) expect(scrubbed).not.toContain(secret);
        },
      ),
    );
  });

  it("never lets a secret through a JSON document either", () => {
    fc.assert(
      fc.property(text, secretKey, keyId, (words, secret, id) => {
        const document = JSON.stringify({ detail: `${words}\n${id}\n${secret}\t${words}` }, null, 2);
        const scrubbed = scrubSecrets(document);
        expect(scrubbed).not.toContain(secret);
        expect(scrubbed).not.toContain(id);
        expect(() => JSON.parse(scrubbed) as unknown).not.toThrow();
      }),
    );
  });

  it.each([
    "arn:aws:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSOAdministratorAccessForTheOrg",
    "attach AmazonSageMakerClusterInstanceRolePolicy to HyperPodClusterExecutionRoleForTheTeamA",
    "arn:aws:sts::123456789012:assumed-role/AmazonSageMakerHyperPodExecutionRoleForML/SageMaker",
    "account 123456789012, user AIDAEXAMPLEUSERID1234, role AROAEXAMPLEROLEID1234:SageMaker",
    "AKIA…WXYZ (long-term) and [redacted]",
    "sed -i '/^export AWS_SECRET_ACCESS_KEY=/d' /home/ubuntu/.bashrc",
    "/usr/share/doc/bash/examples/startup-files and /home/ubuntu/projects/training/checkpoints/latest",
    "no /var/lib/amazon/ssm/runtimeconfig/identity_config.json: the agent is not installed",
    "/opt/ml/config/resource_config.json and /fsx/users/ml/ubuntu/sagemaker/hyperpod/checkpoints",
    "i-0123456789abcdef0 at 10.1.2.3, sagemaker-cluster:abcdef123456_worker-group-1-i-0123456789abcdef0",
  ])("leaves what is not a secret as it is: %s", (line) => {
    expect(scrubSecrets(line)).toBe(line);
  });

  it("is idempotent: the masked forms stay masked", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), keyId, secretKey, (words, id, secret) => {
        const once = scrubSecrets(`${words} ${id} ${secret} ${words}`);
        expect(scrubSecrets(once)).toBe(once);
      }),
    );
  });
});
