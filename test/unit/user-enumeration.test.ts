import { describe, expect, it } from "vitest";
import { partialEnumeration, passwdSources, sssdEnumerates } from "../../src/node/model/user-enumeration";

describe("whether getent passwd lists every user", () => {
  it("reads the passwd sources of nsswitch.conf, actions and comments aside", () => {
    expect(
      passwdSources("# passwd: ldap\ngroup: files\npasswd:  files [NOTFOUND=return] sss # AD\n"),
    ).toEqual(["files", "sss"]);
    expect(passwdSources("group: files\n")).toEqual(["files"]);
  });

  it("counts only enumerate = true in a domain section", () => {
    expect(sssdEnumerates(["[sssd]\nenumerate = true\n[domain/corp]\nid_provider = ad\n"])).toBe(false);
    expect(sssdEnumerates(["[domain/corp]\nid_provider = ad\n", "[domain/corp]\n enumerate = True\n"])).toBe(
      true,
    );
  });

  it("says why the list is partial with SSSD that does not enumerate, and nothing otherwise", () => {
    expect(partialEnumeration(["files", "sss"], [])).toMatch(/^SSSD does not enumerate/);
    expect(partialEnumeration(["files", "sss"], ["[domain/corp]\nenumerate = true\n"])).toBeUndefined();
    expect(partialEnumeration(["files", "systemd"], [])).toBeUndefined();
  });
});
