// What the launch template's user data downloads at boot is installed only when the vendor's
// signature verifies with the vendor's key, named by its fingerprint (data/boot-downloads.json).
// The user data's own verify_signature runs here with real gpg, on keys made for the test
// (the vendors' keys and downloads are on the internet, which tests never reach).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { bootDownloads } from "../core/data.js";
import { userData } from "../e2e/harness/app.js";
import { answerSetRepo, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

/** EC2's limit on user data, before base64. */
const USER_DATA_LIMIT = 16 * 1024;

describe("boot downloads: pinned, and installed only with the vendor's signature", function () {
  this.timeout(60_000);
  let script: string;
  let home: string;

  before(async function () {
    requireTool(this, ["gpg", "gpgv"]);
    const repo = await answerSetRepo("defaults");
    script = readFileSync(join(repo, "infra/cloudformation/app.yml"), "utf8");
    home = tempDir("gnupg-");
  });

  const gpg = (...args: string[]) =>
    execFileAsync("gpg", ["--homedir", home, "--batch", ...args]);

  /** A new signing key: its fingerprint. */
  async function newKey(name: string): Promise<string> {
    await gpg(
      "--passphrase",
      "",
      "--quick-generate-key",
      `${name} <${name}@example.com>`,
      "ed25519",
      "sign",
      "never",
    );
    const { stdout } = await gpg("--with-colons", "--fingerprint", name);
    return /^fpr:+([0-9A-F]{40}):/m.exec(stdout)![1]!;
  }

  /**
   * The user data's fetch_signed, run on `file` (served at a file:// URL with its signature
   * beside it) with the fetched keyring `keyring`: its exit code, and where it left the download.
   */
  async function fetchSigned(
    file: string,
    fingerprint: string,
    keyring: string,
  ): Promise<number> {
    const lines = script.split("\n");
    const start = lines.findIndex((l) => l.trim() === "fetch_signed() {");
    const end = lines.findIndex((l, i) => i > start && l.trim() === "}");
    const fn = lines
      .slice(start, end + 1)
      .map((l) => l.trim())
      .join("\n");
    try {
      await execFileAsync(
        "bash",
        [
          "-c",
          `set -euo pipefail\nboot_keys=$1\n${fn}\nfetch_signed "file://$2" "$3" "$4"`,
          "boot",
          keyring,
          file,
          join(tempDir("fetched-"), "download"),
          fingerprint,
        ],
        { env: { ...process.env, GNUPGHOME: home } },
      );
      return 0;
    } catch (error) {
      return (error as { code: number }).code;
    }
  }

  it("pins the AWS CLI's version and both vendors' keys by full fingerprint", () => {
    const { awsCli, cloudwatchAgent } = bootDownloads;
    assert.ok(
      script.includes(`awscli-exe-linux-$(uname -m)-${awsCli.version}.zip"`),
    );
    for (const fingerprint of [
      awsCli.signingKeyFingerprint,
      cloudwatchAgent.signingKeyFingerprint,
    ]) {
      assert.match(fingerprint, /^[0-9A-F]{40}$/);
      assert.match(
        script,
        new RegExp(
          `fetch_signed "https://[^"]+" \\\\\\s+/tmp/\\S+ ${fingerprint}\\n`,
        ),
      );
    }
  });

  it("accepts a download signed by the pinned key, and refuses it tampered or signed by another key in the same keyring", async () => {
    const vendor = await newKey("vendor");
    const intruder = await newKey("intruder");
    const dir = tempDir("download-");
    const file = join(dir, "package.deb");
    writeFileSync(file, "the vendor's package\n");
    const keyring = join(dir, "vendor.kbx");
    // The fetched keyring holds both keys, as a key server's answer could.
    const { stdout: exported } = await gpg("--armor", "--export");
    writeFileSync(join(dir, "keys.asc"), exported);
    await execFileAsync("gpg", [
      "--batch",
      "--no-default-keyring",
      "--keyring",
      keyring,
      "--import",
      join(dir, "keys.asc"),
    ]);
    // A vendor's download with its detached signature beside it, as the vendors serve them.
    const sign = async (key: string) => {
      rmSync(`${file}.sig`, { force: true });
      await gpg(
        "--local-user",
        key,
        "--output",
        `${file}.sig`,
        "--detach-sign",
        file,
      );
    };

    await sign(vendor);
    assert.equal(await fetchSigned(file, vendor, keyring), 0);

    await sign(intruder);
    assert.notEqual(await fetchSigned(file, vendor, keyring), 0);

    await sign(vendor);
    writeFileSync(file, "the vendor's package, changed\n");
    assert.notEqual(await fetchSigned(file, vendor, keyring), 0);
  });

  it("keeps the user data within EC2's 16 KB with every stack value 64 characters long", async () => {
    for (const set of [
      "defaults",
      "NAT per AZ, bastion, read replicas, on-demand",
      "redis",
    ]) {
      const repo = await answerSetRepo(set);
      const text = userData(repo, new Proxy({}, { get: () => "v".repeat(64) }));
      const bytes = Buffer.byteLength(text);
      console.log(`      ${set}: user data ${bytes} bytes`);
      assert.ok(bytes <= USER_DATA_LIMIT, `${set}: ${bytes} bytes`);
    }
  });
});
