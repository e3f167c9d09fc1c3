// One environment of the generated app, as AWS would hold it, on hosts with real systemd: the
// repo generated and bundled, host 1's PostgreSQL 17 playing RDS (TLS, a password as hostile
// as RDS may rotate in), the AWS stand-in's state (SSM parameters, the release in S3, the
// secrets) and the user data's values. Scenarios start one, act on it, and stop it.
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../../core/paths.js";
import {
  buildBundle,
  launchTemplateMetadata,
  offlineUserData,
  precompileAssets,
  prepareApp,
  userData,
  SHARED,
  type PreparedApp,
  type StackValues,
} from "./app.js";
import { FIXTURES } from "../../test/helpers/ssh-hosts.js";
import { Resources } from "./cleanup.js";
import { Fleet, type Host } from "./fleet.js";
import { run } from "./process.js";
import { redisUrl, serveRedis } from "./redis.js";
import { ensureRoot } from "./rootfs.js";
import type { Timings } from "./timing.js";

/** A password with every character that YAML, a shell or an env file could take for syntax. */
export const HOSTILE_PASSWORD = `*&x !tag %y #{[|>,]} ~ 'q' "d" $HOME \`id\` \\ 007:`;

/** What a deploy writes to the current-release parameter (lib/capistrano/tasks/release.rake). */
export interface ReleasePointer {
  release: string;
  /** The artifact's key in the release bucket. */
  key: string;
  sha256: string;
  versionId: string;
}

export interface EnvironmentOptions {
  hosts: number;
  /** Generator flags beyond --defaults --domain example.com. */
  generatorArgs?: readonly string[];
  /** Files added to the release, relative to the repo: the scenarios' probes. */
  extraFiles?: Record<string, string>;
  tarball: string;
  timings: Timings;
  log: (line: string) => void;
}

export class Environment {
  private constructor(
    /** The shared folder. */
    private readonly resources: Resources,
    readonly fleet: Fleet,
    readonly app: PreparedApp,
    /** The folder shared into every host at SHARED. */
    readonly shared: string,
    readonly values: StackValues,
    /** The published release: its commit (REVISION) and its name (releases/<name>). */
    readonly revision: string,
    readonly releaseName: string,
  ) {}

  get hosts(): Host[] {
    return this.fleet.hosts;
  }

  /** Where the AWS stand-in keeps its state, on this machine. */
  get awsState(): string {
    return join(this.shared, "aws");
  }

  static async start(options: EnvironmentOptions): Promise<Environment> {
    const { timings, log } = options;
    const root = await timings.time("root file system", () => ensureRoot(log));
    const resources = new Resources();
    const shared = resources.tempFolder(
      join(tmpdir(), "rails-aws-e2e-shared-"),
      { keep: Boolean(process.env.E2E_KEEP) },
    );
    // The deploy user reads the gems and the app in it.
    chmodSync(shared, 0o755);
    let fleet: Fleet | undefined;
    try {
      const app = await timings.time("generate the repo, unpack the gems", () =>
        prepareApp(shared, options.tarball, options.generatorArgs ?? []),
      );
      for (const [path, content] of Object.entries(options.extraFiles ?? {})) {
        mkdirSync(join(app.dir, path, ".."), { recursive: true });
        writeFileSync(join(app.dir, path), content);
      }
      fleet = await timings.time(`boot ${options.hosts} hosts`, () =>
        Fleet.boot({
          root,
          count: options.hosts,
          binds: [{ source: shared, target: SHARED }],
          prepare: installStandIns,
          log,
        }),
      );
      const database = fleet.hosts[0]!;
      await timings.time("bundle: build Puma, lock", () =>
        buildBundle(database, shared, options.tarball),
      );
      await timings.time("PostgreSQL 17 on host 1 as RDS", () =>
        serveDatabase(database, fleet!.subnet),
      );
      const revision = randomBytes(20).toString("hex");
      // Named as Capistrano names a release: its UTC time stamp.
      const releaseName = new Date()
        .toISOString()
        .replace(/\D/g, "")
        .slice(0, 14);
      const values = stackValues(database);
      // The Redis variant's stack gives the instances an ElastiCache URL (CacheUrl).
      if (userData(app.dir, values).includes(values.CacheUrl!))
        await timings.time("Redis over TLS on host 1 as ElastiCache", () =>
          serveRedis(fleet!, database),
        );
      await timings.time("precompile the assets, as a deploy does", () =>
        precompileAssets(database, { REDIS_URL: values.CacheUrl! }),
      );
      await timings.time("publish the release", () =>
        publish(shared, app, revision, releaseName, values),
      );
      return new Environment(
        resources,
        fleet,
        app,
        shared,
        values,
        revision,
        releaseName,
      );
    } catch (error) {
      await fleet?.stop();
      resources.release();
      throw error;
    }
  }

  /** The pointer the current-release parameter holds: the published artifact instances install. */
  currentRelease(): ReleasePointer {
    return JSON.parse(
      readFileSync(
        join(
          this.awsState,
          parameterPath(this.values.CurrentReleaseParameterName!),
        ),
        "utf8",
      ),
    ) as ReleasePointer;
  }

  /** The EC2 instance id `host` has, in the metadata and to the AWS stand-in. */
  instanceId(host: Host): string {
    return instanceId(this.hosts.indexOf(host));
  }

  /**
   * Runs the launch template's user data on `host` as cloud-init does (as root, its output in
   * cloud-init-output.log), without its download steps; on failure, says what it printed.
   */
  async runUserData(host: Host): Promise<void> {
    const { script } = offlineUserData(userData(this.app.dir, this.values));
    await host
      .run(
        `cat >/root/user-data && bash /root/user-data >/var/log/cloud-init-output.log 2>&1`,
        { input: script, timeoutMs: 12 * 60_000 },
      )
      .catch(async (error: Error) => {
        const output = await host.run(
          "tail -n 60 /var/log/cloud-init-output.log",
        );
        throw new Error(
          `the user data failed on ${host.name}: ${error.message.split("\n")[0]}\n${output.stdout}\n--- journal of app-web.service:\n${await host.journal("app-web.service")}`,
        );
      });
  }

  async stop(): Promise<void> {
    await this.fleet.stop();
    this.resources.release();
  }
}

/** The instance id of the `index`th host (from 0), as EC2 would name it: `i-` and hex digits. */
export function instanceId(index: number): string {
  return `i-0e2e${String(index + 1).padStart(13, "0")}`;
}

/**
 * The stand-ins for what the user data downloads (the AWS CLI, Ruby in /usr/local) and for what
 * an EC2 instance has: its id in the metadata, and the sshd setting of the ec2-instance-connect
 * package, which accepts the keys pushed to this instance in the last 60 s.
 */
function installStandIns(merged: string, index: number): void {
  const install = (from: string, to: string) => {
    const target = join(merged, to);
    mkdirSync(join(target, ".."), { recursive: true });
    cpSync(from, target);
    chmodSync(target, 0o755);
  };
  const bin = join(packageRoot, "e2e/stand-ins/bin");
  for (const name of readdirSync(bin))
    install(join(bin, name), `usr/local/bin/${name}`);
  for (const name of ["aws", "pushed-keys"])
    install(join(FIXTURES, name), `${STAND_IN_LIB}/${name}`);
  const id = instanceId(index);
  writeFileSync(join(merged, "etc/rails-aws-e2e-instance-id"), `${id}\n`);
  // The AWS SDK in the app asks the instance metadata service for the instance role's credentials
  // at boot, which EC2 answers at once; here there is none to ask (curl's stand-in answers only
  // the boot's curl), so the services are told so, as the SDK documents.
  mkdirSync(join(merged, "etc/systemd/system.conf.d"), { recursive: true });
  writeFileSync(
    join(merged, "etc/systemd/system.conf.d/e2e-instance-metadata.conf"),
    "[Manager]\nDefaultEnvironment=AWS_EC2_METADATA_DISABLED=true\n",
  );
  writeFileSync(
    join(merged, "etc/ssh/sshd_config.d/ec2-instance-connect.conf"),
    `AuthorizedKeysCommand /${STAND_IN_LIB}/pushed-keys ${SHARED}/aws/keys/${id} %u\nAuthorizedKeysCommandUser root\n`,
  );
}

const STAND_IN_LIB = "usr/local/lib/rails-aws-e2e";

/** The database listens on the bridge with TLS, and the app's role may create its databases. */
async function serveDatabase(host: Host, subnet: string): Promise<void> {
  await host.run(
    `IFS= read -r password
     conf=/etc/postgresql/17/main
     echo "listen_addresses = '*'" >"$conf/conf.d/e2e.conf"
     echo "hostssl all all ${subnet}.0/24 scram-sha-256" >>"$conf/pg_hba.conf"
     systemctl restart postgresql@17-main
     runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -v password="$password" <<'SQL'
     CREATE ROLE app LOGIN CREATEDB PASSWORD :'password';
     SQL`.replace(/^ {5}/gm, ""),
    { input: `${HOSTILE_PASSWORD}\n` },
  );
}

/** Where the AWS stand-in keeps a secret, relative to its state folder. */
export function secretPath(arn: string): string {
  return `secrets/${arn.replace(/[^A-Za-z0-9._-]/g, "_")}`;
}

/** Where the AWS stand-in keeps an SSM parameter, relative to its state folder. */
export function parameterPath(name: string): string {
  return `parameters/${name.slice(1).replaceAll("/", "%")}`;
}

/** The database's secret (RDS's managed credentials), as the stack names it. */
export const DATABASE_SECRET =
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-production-db";
const SECRET_KEY_BASE =
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-production-skb";

function stackValues(database: Host): StackValues {
  return {
    "AWS::Region": "us-east-1",
    "AWS::StackName": "app-production-app",
    SystemLogGroup: "/app/production/system",
    BootstrapLogGroup: "/app/production/bootstrap",
    AppHost: "example.com",
    MailFrom: "no-reply@example.com",
    UploadsBucket: "app-production-uploads",
    AssetUrl: "",
    DatabaseAddress: database.address,
    DatabasePort: "5432",
    DatabaseSecretArn: DATABASE_SECRET,
    SecretKeyBaseArn: SECRET_KEY_BASE,
    CurrentReleaseParameterName: "/app/production/current-release",
    AutoScalingGroupName: "app-production-web",
    CacheUrl: redisUrl(database),
    ReleaseBucketParameterName: "/app/production/release-bucket",
  };
}

/**
 * What a deploy leaves in AWS (and the app stack's launch template): the release artifact in S3 under its own key, with its version
 * and SHA-256 beside it as the stand-in keeps them (s3-meta/), the pointer to it in SSM; and
 * the secrets. The artifact is the app's folder, packed here as cap packs a commit.
 */
async function publish(
  shared: string,
  app: PreparedApp,
  revision: string,
  releaseName: string,
  values: StackValues,
): Promise<void> {
  const state = join(shared, "aws");
  const put = (path: string, content: string | Buffer) => {
    mkdirSync(join(state, path, ".."), { recursive: true });
    writeFileSync(join(state, path), content, { mode: 0o600 });
  };
  // Any process of an instance calls AWS with its role (the app reads the database secret as
  // the deploy user), and the stand-in logs each call: its logs are writable by all.
  for (const log of ["calls.log", "metrics"]) {
    put(log, "");
    chmodSync(join(state, log), 0o666);
  }
  put(
    secretPath(DATABASE_SECRET),
    JSON.stringify({ username: "app", password: HOSTILE_PASSWORD }),
  );
  put(secretPath(SECRET_KEY_BASE), randomBytes(64).toString("hex"));
  writeFileSync(join(app.dir, "REVISION"), `${revision}\n`);
  const packed = join(shared, "release.tar.gz");
  await run("tar", ["-czf", packed, "-C", app.dir, "."]);
  const artifact = readFileSync(packed);
  rmSync(packed);
  const digest = createHash("sha256").update(artifact);
  const sha256 = digest.copy().digest("hex");
  const key = `releases/${revision}-${sha256.slice(0, 16)}.tar.gz`;
  const versionId = randomBytes(12).toString("hex");
  put(`s3/${RELEASE_BUCKET}/${key}`, artifact);
  put(
    `s3-meta/${RELEASE_BUCKET}/${key}`,
    JSON.stringify({
      VersionId: versionId,
      ChecksumSHA256: digest.digest("base64"),
    }),
  );
  // What the app stack holds for the boot: the files of its launch template's Metadata.
  put("stack-resources/LaunchTemplate.json", launchTemplateMetadata(app.dir));
  put(parameterPath(values.ReleaseBucketParameterName!), RELEASE_BUCKET);
  put(
    parameterPath(values.CurrentReleaseParameterName!),
    JSON.stringify({ release: releaseName, key, sha256, versionId }),
  );
}

/** The bucket the release artifacts are in. */
export const RELEASE_BUCKET = "app-production-releases";
