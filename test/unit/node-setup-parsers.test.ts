import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyImdsSetup, parseImdsRedirects } from "../../src/node/model/imds-redirect";
import { isSharedFilesystem, mountContaining, parseMounts } from "../../src/node/model/mounts";

describe("parseMounts and mountContaining", () => {
  const mounts = parseMounts(
    [
      "/dev/root / ext4 rw,relatime 0 0",
      "fs-1.fsx.us-west-2.amazonaws.com@tcp:/abcd /fsx lustre rw,flock 0 0",
      "10.1.0.5:/fsx /fsx/my\\040home nfs4 rw 0 0",
      "garbage",
      "",
    ].join("\n"),
  );

  it("reads source, mount point and type, decoding octal escapes", () => {
    expect(mounts).toHaveLength(3);
    expect(mounts[2]).toEqual({ source: "10.1.0.5:/fsx", mountPoint: "/fsx/my home", fsType: "nfs4" });
  });

  it("finds the deepest mount holding a path, never a mere name prefix", () => {
    expect(mountContaining(mounts, "/fsx/ubuntu")?.fsType).toBe("lustre");
    expect(mountContaining(mounts, "/fsx/my home/alice")?.fsType).toBe("nfs4");
    expect(mountContaining(mounts, "/fsxa/ubuntu")?.fsType).toBe("ext4");
  });

  it("always answers with a mount point that contains the path", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,3}$/), { maxLength: 4 }), (parts) => {
        const path = `/${parts.join("/")}`;
        const found = mountContaining(mounts, path);
        expect(found).toBeDefined();
        expect(
          found?.mountPoint === "/" || path === found?.mountPoint || path.startsWith(`${found?.mountPoint}/`),
        ).toBe(true);
      }),
    );
  });

  it.each([
    ["lustre", true],
    ["nfs4", true],
    ["zfs", true],
    ["fuse.s3fs", true],
    ["ext4", false],
    ["xfs", false],
    ["tmpfs", false],
  ])("%s is shared: %s", (fsType, shared) => {
    expect(isSharedFilesystem(fsType)).toBe(shared);
  });
});

describe("parseImdsRedirects", () => {
  it("recognises stock HyperPod in `iptables -t nat -S OUTPUT` form", () => {
    const found = parseImdsRedirects(
      "-P OUTPUT ACCEPT\n-A OUTPUT -d 169.254.169.254/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 169.254.0.2:9081\n",
    );
    expect(found).toMatchObject({ root: "169.254.0.2:9081", nonRoot: "169.254.0.2:9081" });
    expect(classifyImdsSetup(found)).toBe("stock");
  });

  it("recognises a downgraded-role IMDS proxy, first matching rule first, and the block on the role agent", () => {
    const found = parseImdsRedirects(
      [
        "*nat",
        "-A OUTPUT -d 169.254.169.254/32 -p tcp -m owner ! --uid-owner 0 -m tcp --dport 80 -j REDIRECT --to-ports 8080",
        "-A OUTPUT -d 169.254.169.254/32 -p tcp -m owner --uid-owner 0 -m tcp --dport 80 -j DNAT --to-destination 169.254.0.2:9081",
        "-A OUTPUT -d 169.254.169.254/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 169.254.0.2:9081",
        "COMMIT",
        "*filter",
        "-A OUTPUT -d 169.254.0.2/32 -p tcp -m owner ! --uid-owner 0 -m tcp --dport 9081 -j DROP",
        "COMMIT",
      ].join("\n"),
    );
    expect(found).toMatchObject({
      root: "169.254.0.2:9081",
      nonRoot: "127.0.0.1:8080",
      directAccessBlocked: true,
    });
    expect(found.rules).toHaveLength(4);
    expect(classifyImdsSetup(found)).toBe("proxy");
  });

  it("calls a redirect it does not know `other`, and no rule `none`", () => {
    const odd = parseImdsRedirects(
      "*nat\n-A OUTPUT -d 169.254.169.254 -p tcp --dport 80 -j DNAT --to-destination 10.0.0.9:80\n",
    );
    expect(classifyImdsSetup(odd)).toBe("other");
    expect(classifyImdsSetup(parseImdsRedirects(""))).toBe("none");
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => parseImdsRedirects(`*nat\n-A OUTPUT ${text}`)).not.toThrow();
      }),
    );
  });
});
