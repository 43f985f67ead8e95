import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/context";
import {
  type ChainInput,
  type ChainLink,
  type ReadIni,
  resolveChain,
} from "../../src/identity/model/botocore-chain";
import { parseIni } from "../../src/identity/model/configparser";
import { type KeyPlace, type PlaceMethod, takeInventory } from "../../src/identity/model/key-inventory";

const HOME = "/home/ubuntu";
const CREDENTIALS = `${HOME}/.aws/credentials`;
const CONFIG = `${HOME}/.aws/config`;
const BOTO = `${HOME}/.boto`;
const KEY_ID = "AKIAIOSFODNN7EXAMPLE";

function ini(path: string, text: string | undefined): ReadIni {
  if (text === undefined) return { path, state: "absent" };
  const parsed = parseIni(text);
  return parsed.ok
    ? { path, state: "parsed", sections: parsed.sections, lines: parsed.lines }
    : { path, state: "broken", line: parsed.line, reason: parsed.reason };
}

function home(files: { credentials?: string; config?: string; boto?: string }, env: Env = {}): ChainInput {
  return {
    env,
    now: new Date(),
    credentials: ini(CREDENTIALS, files.credentials),
    config: ini(CONFIG, files.config),
    botoFiles: [ini("/etc/boto.cfg", undefined), ini(BOTO, files.boto)],
  };
}

describe("takeInventory: every place botocore takes keys from, and which of them win", () => {
  it("reads upper-case option names as botocore does: aws configure's keys, shouted, still win", () => {
    const inventory = takeInventory(
      home({ credentials: `[default]\nAWS_ACCESS_KEY_ID = ${KEY_ID}\nAWS_Secret_Access_Key = s\n` }),
    );
    expect(inventory.places).toEqual([
      {
        path: CREDENTIALS,
        section: "default",
        profile: "default",
        line: 2,
        method: "shared-credentials-file",
        accessKeyId: "AKIA…MPLE",
        usedBy: ["default"],
        wins: true,
      },
    ]);
    expect(inventory.winner).toBe(inventory.places[0]);
  });

  it("names an aws login session, the link botocore takes for login_session", () => {
    const inventory = takeInventory(
      home({ config: "[default]\nregion = us-west-2\nlogin_session = arn:x\n" }),
    );
    expect(inventory.winner).toMatchObject({ path: CONFIG, profile: "default", line: 3, method: "login" });
  });

  it("follows a role to the keys it assumes with: both win, the keys for both profiles", () => {
    const inventory = takeInventory(
      home(
        {
          credentials: `[dev]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = s\n`,
          config: "[profile ml]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = dev\n",
        },
        { AWS_PROFILE: "ml" },
      ),
    );
    expect(inventory.winner).toMatchObject({
      method: "assume-role",
      profile: "ml",
      roleArn: "arn:aws:iam::1:role/R",
    });
    expect(inventory.places.find((place) => place.profile === "dev")).toMatchObject({
      usedBy: ["dev", "ml"],
      wins: true,
    });
  });

  it("lists keys that lose too: the config file's, behind the credentials file's of the same profile", () => {
    const inventory = takeInventory(
      home({
        credentials: `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = s\n`,
        config: `[default]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = s\n`,
      }),
    );
    expect(inventory.places.map((place) => [place.method, place.usedBy, place.wins])).toEqual([
      ["shared-credentials-file", ["default"], true],
      ["config-file", [], false],
    ]);
  });

  it("leaves the files to the environment's keys, but says which profile still reads them", () => {
    const inventory = takeInventory(
      home(
        { credentials: `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = s\n` },
        { AWS_ACCESS_KEY_ID: "AKIAENVENVENVENVENV1", AWS_SECRET_ACCESS_KEY: "s" },
      ),
    );
    expect(inventory.winner).toBeUndefined();
    expect(inventory.places[0]).toMatchObject({ usedBy: ["default"], wins: false });
  });

  it("finds ~/.boto's keys, and the file a variable names", () => {
    const boto = `[Credentials]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = s\n`;
    expect(takeInventory(home({ boto })).winner).toMatchObject({
      path: BOTO,
      section: "Credentials",
      method: "boto-config",
      usedBy: ["default"],
    });
    const elsewhere = takeInventory({
      ...home({}, { AWS_SHARED_CREDENTIALS_FILE: "/srv/keys.ini" }),
      credentials: ini(
        "/srv/keys.ini",
        `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = s\n`,
      ),
    });
    expect(elsewhere.winner).toMatchObject({ path: "/srv/keys.ini", namedBy: "AWS_SHARED_CREDENTIALS_FILE" });
  });

  it("names a file botocore cannot parse instead of guessing what it holds", () => {
    const inventory = takeInventory(
      home({ credentials: `[default]\nregion = us-west-2\n[default]\naws_access_key_id = ${KEY_ID}\n` }),
    );
    expect(inventory.places).toEqual([]);
    expect(inventory.unparseable).toEqual([
      { path: CREDENTIALS, line: 3, reason: "duplicate section [default]" },
    ]);
    expect(inventory.chain.kind).toBe("broken");
  });
});

// The inventory lists places on its own reading of the files; the chain model walks the same files its own way.
// Whatever the layout, the place the inventory says wins must be the link the chain takes, at the line that
// sets it, for this run and for every profile a tool could select.
describe("the inventory's winner is the chain's link, for generated layouts", () => {
  const PROFILES = ["default", "dev", "ops"] as const;
  const cased = (name: string) =>
    fc.constantFrom(
      name,
      name.toUpperCase(),
      name.replace(/^./u, (c) => c.toUpperCase()),
    );
  const spaced = fc.constantFrom(" = ", "=", "  =\t", " : ");
  const option = (name: string, value: fc.Arbitrary<string>) =>
    fc.tuple(cased(name), spaced, value).map(([key, eq, v]) => `${key}${eq}${v}`);
  const profile = fc.constantFrom(...PROFILES);
  const keyId = option("aws_access_key_id", fc.constantFrom(KEY_ID, "AKIAOTHEROTHEROTHER1"));
  const secret = option("aws_secret_access_key", fc.constant("s3cr3t"));
  const setting = fc.oneof(
    // A whole key pair, as `aws configure` writes it, is the commonest setting of all.
    fc.tuple(keyId, secret).map((pair) => pair.join("\n")),
    fc.tuple(keyId, secret).map((pair) => pair.join("\n")),
    keyId,
    secret,
    option("role_arn", fc.constant("arn:aws:iam::123456789012:role/R")),
    option("source_profile", profile),
    option("credential_source", fc.constantFrom("Environment", "Ec2InstanceMetadata", "Bogus")),
    option("credential_process", fc.constant("/usr/bin/true")),
    option("sso_account_id", fc.constant("123456789012")),
    option("sso_role_name", fc.constant("Admin")),
    option("sso_start_url", fc.constant("https://example.awsapps.com/start")),
    option("sso_region", fc.constant("us-west-2")),
    option("login_session", fc.constant("arn:aws:iam::123456789012:user/alice")),
    option("web_identity_token_file", fc.constantFrom("/var/run/token", "")),
    option("region", fc.constant("us-west-2")),
  );
  const section = (header: fc.Arbitrary<string>) =>
    fc
      .tuple(
        header,
        fc.uniqueArray(setting, {
          maxLength: 4,
          selector: (line) => line.split(/[=:]/u)[0]?.trim().toLowerCase(),
        }),
      )
      .map(([name, lines]) => [`[${name}]`, ...lines].join("\n"));
  const file = (header: fc.Arbitrary<string>) =>
    fc.option(
      fc
        .uniqueArray(section(header), { maxLength: 3, selector: (text) => text.split("\n")[0] })
        .map((sections) => `${sections.join("\n")}\n`),
      { nil: undefined },
    );
  const layout = fc.record({
    credentials: file(fc.oneof(profile, fc.constant("DEFAULT"))),
    config: file(
      fc.oneof(
        fc.constantFrom("default", "DEFAULT", "sso-session corp"),
        profile.map((name) => `profile ${name}`),
      ),
    ),
    boto: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constant(`[Credentials]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = s\n`),
      },
    ),
    env: fc.oneof(
      { weight: 6, arbitrary: fc.constant({}) },
      { weight: 2, arbitrary: profile.map((name) => ({ AWS_PROFILE: name })) },
      {
        weight: 1,
        arbitrary: fc.constant({ AWS_ACCESS_KEY_ID: "AKIAENVENVENVENVENV1", AWS_SECRET_ACCESS_KEY: "s" }),
      },
    ),
  });

  type Where = { method: string; path: string; profile: string | undefined };
  /** The file links a link signs with: its own, and for an assumed role its source's too. */
  const filesOf = (link: ChainLink): Where[] => [
    ...("path" in link && link.path !== undefined
      ? [{ method: link.method, path: link.path, profile: "profile" in link ? link.profile : undefined }]
      : []),
    ...(link.method === "assume-role" ? filesOf(link.source) : []),
  ];
  const whereOf = ({ method, path, profile }: KeyPlace): Where => ({ method, path, profile });
  const optionAt = (text: string | undefined, line: number) =>
    (text ?? "").split("\n")[line - 1]?.split(/[=:]/u)[0]?.trim().toLowerCase();
  const SETTINGS: Record<PlaceMethod, string[]> = {
    "shared-credentials-file": ["aws_access_key_id", "aws_secret_access_key"],
    "config-file": ["aws_access_key_id", "aws_secret_access_key"],
    "boto-config": ["aws_access_key_id", "aws_secret_access_key"],
    "ec2-credentials-file": ["awsaccesskeyid", "awssecretkey"],
    "assume-role": ["role_arn"],
    "assume-role-with-web-identity": ["web_identity_token_file"],
    sso: ["sso_account_id", "sso_role_name"],
    login: ["login_session"],
    "custom-process": ["credential_process"],
  };

  it("for this run, and for each profile a tool could select", () => {
    fc.assert(
      fc.property(layout, ({ env, ...files }) => {
        const input = home(files, env);
        const inventory = takeInventory(input);
        const decision = resolveChain(input);
        // This run: the winner is where the chain's link is set, at the line of the setting that makes it.
        const [link] = decision.kind === "link" ? filesOf(decision.link) : [];
        expect(inventory.winner && whereOf(inventory.winner)).toEqual(link);
        for (const place of inventory.places) {
          const text = { [CREDENTIALS]: files.credentials, [CONFIG]: files.config, [BOTO]: files.boto }[
            place.path
          ];
          expect(SETTINGS[place.method]).toContain(optionAt(text, place.line));
          expect(place.wins).toBe(
            decision.kind === "link" && filesOf(decision.link).some((used) => equal(used, whereOf(place))),
          );
        }
        // Each profile a file defines: the places that say they serve it are the ones its chain signs with.
        for (const name of PROFILES) {
          const chosen = resolveChain({ ...input, profileFlag: name });
          if (chosen.kind === "broken" && chosen.error.kind === "profile-not-found") continue;
          const serving = inventory.places.filter((place) => place.usedBy.includes(name)).map(whereOf);
          expect(sorted(serving)).toEqual(sorted(chosen.kind === "link" ? filesOf(chosen.link) : []));
        }
      }),
      { numRuns: 1000, seed: 20261207 },
    );
  });
});

function equal(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sorted(places: object[]): string[] {
  return places.map((place) => JSON.stringify(place)).sort();
}
