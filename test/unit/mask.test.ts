import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskKeyId } from "../../src/domain/mask";
import { scrubSecrets } from "../../src/domain/scrub";

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
});
