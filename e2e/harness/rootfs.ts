// The Debian 13 root file system every host boots from, read-only under a per-host overlay.
// Built with debootstrap once and cached outside the clone, keyed by a hash of what goes into it,
// so a changed package list builds a new one; a missing cache only costs a rebuild.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Resources } from "./cleanup.js";
import { run } from "./process.js";

const SUITE = "trixie";
const MIRROR = "http://deb.debian.org/debian";

/** What a host runs: systemd, sshd, PostgreSQL 17, Ruby with what it needs to build gems. */
const SYSTEM = [
  "systemd",
  "systemd-sysv",
  "dbus",
  "libpam-systemd",
  "openssh-server",
  "sudo",
  "curl",
  "ca-certificates",
  "iproute2",
  "procps",
  "jq",
  // Ubuntu's images have it (cloud-init is Python): the bastion's user data signs its request
  // to SSM with it.
  "python3",
  // Ubuntu's images have it too: after an update, it restarts the services using what changed,
  // except those the user data leaves to the deploys.
  "needrestart",
  "git",
  "postgresql-17",
  // RDS only accepts TLS, and the generated database.yml asks for it: PostgreSQL's snakeoil
  // certificate lets the hosts' database do the same.
  "ssl-cert",
  "redis-server",
  "ruby",
  "ruby-dev",
  "build-essential",
  "libpq-dev",
  "libyaml-dev",
  "bundler",
  "rake",
];

/**
 * Debian's builds of the gems Rails 8.1 and the generated Gemfile need, from the gemspecs of the
 * vendored sources (rails-8.1-sources.tar.xz). Ruby 3.3's default gems cover base64's
 * neighbours (bigdecimal, drb, logger, securerandom, timeout, tsort, uri, irb).
 */
const GEMS = [
  "ruby-concurrent",
  "ruby-i18n",
  "ruby-tzinfo",
  "ruby-zeitwerk",
  "ruby-minitest",
  "ruby-connection-pool",
  "ruby-nio4r",
  "ruby-websocket-driver",
  "ruby-rack",
  "ruby-rack-session",
  "ruby-rack-test",
  "ruby-rackup",
  "ruby-rails-dom-testing",
  "ruby-rails-html-sanitizer",
  "ruby-erubi",
  "ruby-builder",
  "ruby-nokogiri",
  "ruby-mail",
  "ruby-marcel",
  "ruby-globalid",
  "ruby-thor",
  "ruby-useragent",
  "ruby-raabro",
  "ruby-base64",
  "ruby-json",
  "ruby-pg",
  "ruby-bootsnap",
  "ruby-msgpack",
  "ruby-aws-sdk-s3",
  "ruby-redis",
  "ruby-web-console",
  "ruby-bindex",
  "capistrano",
  "ruby-sshkit",
  "ruby-net-ssh",
];

export const rootPackages: readonly string[] = [...SYSTEM, ...GEMS];

export function cacheRoot(): string {
  return process.env.E2E_CACHE ?? "/var/cache/rails-aws-e2e";
}

/** Where the root for this package list lives: it changes whenever the list does. */
export function rootPath(): string {
  const key = createHash("sha256")
    .update(JSON.stringify([SUITE, MIRROR, rootPackages]))
    .digest("hex")
    .slice(0, 12);
  return join(cacheRoot(), `${SUITE}-${key}`);
}

/** No run lasts this long: a root unused for a week is not under any host. */
const UNUSED_ROOT_MS = 7 * 24 * 3600_000;

/**
 * Removes the cached roots (and unfinished builds) of this suite that no run has used for a
 * week, but `keep`: each change to the package list leaves one of over a gigabyte behind. A
 * root's last use is the modification time of its `.complete` mark, which ensureRoot touches.
 */
export function pruneUnusedRoots(
  keep: string,
  log: (line: string) => void,
  now = Date.now(),
): void {
  const pattern = new RegExp(`^${SUITE}-[0-9a-f]{12}(\\.build-\\d+)?$`);
  for (const name of readdirSync(cacheRoot())) {
    const path = join(cacheRoot(), name);
    if (!pattern.test(name) || path === keep) continue;
    const mark = join(path, ".complete");
    // Another run starting at the same time may be removing it already.
    const used = statSync(existsSync(mark) ? mark : path, {
      throwIfNoEntry: false,
    })?.mtimeMs;
    if (used === undefined || now - used < UNUSED_ROOT_MS) continue;
    log(`removing ${path}, a root no run has used for a week`);
    rmSync(path, { recursive: true, force: true });
  }
}

/** The cached root, built first if it is missing (about 2 minutes, 1.5 GB). */
export async function ensureRoot(log: (line: string) => void): Promise<string> {
  const root = rootPath();
  mkdirSync(cacheRoot(), { recursive: true });
  pruneUnusedRoots(root, log);
  const mark = join(root, ".complete");
  if (existsSync(mark)) {
    const now = new Date();
    utimesSync(mark, now, now);
    return root;
  }
  const building = `${root}.build-${process.pid}`;
  // debootstrap mounts /proc and /sys below it: a run that ends meanwhile unmounts them.
  const unfinished = new Resources();
  unfinished.folder(building);
  rmSync(building, { recursive: true, force: true });
  log(
    `building the ${SUITE} root with debootstrap into ${root} (not cached yet)`,
  );
  try {
    await run(
      "debootstrap",
      [
        "--variant=minbase",
        `--include=${rootPackages.join(",")}`,
        SUITE,
        building,
        MIRROR,
      ],
      { timeoutMs: 30 * 60_000 },
    );
    await run("chroot", [building, "apt-get", "clean"]);
    // Each host gets its own machine-id and hostname in its overlay.
    writeFileSync(join(building, "etc/machine-id"), "");
    writeFileSync(join(building, ".complete"), new Date().toISOString() + "\n");
    rmSync(root, { recursive: true, force: true });
    renameSync(building, root);
  } finally {
    unfinished.release();
  }
  return root;
}
