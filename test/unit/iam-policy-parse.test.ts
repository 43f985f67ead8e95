import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/iam/model/document";

describe("parsePolicy", () => {
  const doc = {
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
  };

  it("reads JSON text, URL-encoded JSON as IAM returns it, and objects alike", () => {
    const expected = {
      ok: true,
      policy: { source: "x", statements: [{ effect: "Allow", action: ["s3:GetObject"], resource: ["*"] }] },
    };
    expect(parsePolicy(JSON.stringify(doc), "x")).toEqual(expected);
    expect(parsePolicy(encodeURIComponent(JSON.stringify(doc)), "x")).toEqual(expected);
    expect(parsePolicy(doc, "x")).toEqual(expected);
  });

  it("keeps Sid, NotAction, NotResource, Principal and Condition", () => {
    const parsed = parsePolicy(
      {
        Statement: [
          {
            Sid: "Trust",
            Effect: "Deny",
            NotAction: ["iam:*"],
            NotResource: "arn:aws:s3:::b",
            Principal: "*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      },
      "x",
    );
    expect(parsed).toMatchObject({
      ok: true,
      policy: {
        statements: [
          {
            sid: "Trust",
            effect: "Deny",
            notAction: ["iam:*"],
            notResource: ["arn:aws:s3:::b"],
            principal: { "*": ["*"] },
            condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      },
    });
  });

  it.each([
    ["not json {", /not JSON/],
    [[1, 2], /not a JSON object/],
    [{ Statement: [{ Effect: "Maybe", Action: "*", Resource: "*" }] }, /Statement 0: Effect/],
    [{ Statement: { Effect: "Allow", Action: 3, Resource: "*" } }, /Action must be a string/],
    [{ Statement: { Effect: "Allow", Action: "*", NotAction: "*", Resource: "*" } }, /both Action/],
    [{ Statement: { Effect: "Allow", Resource: "*" } }, /neither Action/],
    [{ Statement: { Effect: "Allow", Action: "*", Principal: 7 } }, /Principal must be/],
  ])("refuses %j with a reason", (input, reason) => {
    const parsed = parsePolicy(input, "x");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(reason);
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        expect(typeof parsePolicy(text, "x").ok).toBe("boolean");
      }),
    );
  });
});
