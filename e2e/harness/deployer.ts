// The machine a deploy runs from (a laptop, the deploy workflow's runner), as one more host of the
// fleet: a clone of the generated repo with its Gemfile.lock committed, and `bundle exec cap` run
// in it with the repo's own bundle (Capistrano and its plugins at the versions the lock names).
// It reaches the instances as the generated deploy does: it finds them in the Auto Scaling group
// and connects by instance id over SSM, with a key EC2 Instance Connect pushes, all through the
// AWS stand-in, which bridges each session to the instance's real sshd on the fleet's bridge.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SHARED } from "./app.js";
import type { Environment } from "./environment.js";
import type { Host } from "./fleet.js";

/** Where the clone is, on the deployer. */
export const DEPLOYER_REPO = "/root/app";

export interface CapRun {
  code: number;
  output: string;
  seconds: number;
}

const ANY_EXIT = Array.from({ length: 256 }, (_, code) => code);
const GIT = "git -c user.name=e2e -c user.email=e2e@example.com";

export class Deployer {
  private constructor(
    readonly env: Environment,
    readonly host: Host,
    /** The hosts of the Auto Scaling group. */
    readonly instances: Host[],
  ) {}

  /**
   * Clones the generated repo onto `host` and commits what differs for the suite (the Gemfile's
   * gem sources) with the Gemfile.lock, and makes `instances` the group's InService instances.
   */
  static async setUp(
    env: Environment,
    host: Host,
    instances: Host[],
  ): Promise<Deployer> {
    await host.run(
      `cp -a ${SHARED}/app ${DEPLOYER_REPO} && cd ${DEPLOYER_REPO}
       # What the suite's publish added, not the repo's.
       rm -f REVISION
       git rev-parse --git-dir >/dev/null 2>&1 || git init -q
       git add --all
       ${GIT} commit -q -m "Gems from local paths, and their lock"`,
    );
    const deployer = new Deployer(env, host, instances);
    deployer.setGroup(instances);
    return deployer;
  }

  /**
   * The group's InService instances, and the environment's bastion when there is one, as the
   * AWS stand-in answers for them.
   */
  setGroup(instances: Host[], bastion?: Host): void {
    const { env } = this;
    writeFileSync(
      join(env.awsState, "instances.json"),
      JSON.stringify([
        ...instances.map((host) => ({
          id: env.instanceId(host),
          address: host.address,
          port: 22,
          state: "InService",
        })),
        ...(bastion
          ? [
              {
                id: env.instanceId(bastion),
                address: bastion.address,
                role: "bastion",
              },
            ]
          : []),
      ]),
    );
  }

  /**
   * Writes `files` (path in the repo → content; null removes the file) and commits them;
   * returns the commit.
   */
  async commit(
    files: Record<string, string | null>,
    message: string,
  ): Promise<string> {
    for (const [path, content] of Object.entries(files))
      if (content === null) rmSync(join(this.host.merged, DEPLOYER_REPO, path));
      else this.host.writeFile(join(DEPLOYER_REPO, path), content);
    const { stdout } = await this.host.run(
      `cd ${DEPLOYER_REPO} && git add --all && ${GIT} commit -q --allow-empty -m ${JSON.stringify(message)} && git rev-parse HEAD`,
    );
    return stdout.trim();
  }

  /**
   * `bundle exec cap <args>` in the clone, as a user runs it, with `variables` in its
   * environment; never throws on its exit code.
   */
  async cap(
    args: readonly string[],
    variables: Record<string, string> = {},
    timeoutMs = 10 * 60_000,
  ): Promise<CapRun> {
    const started = Date.now();
    const assignments = Object.entries(variables)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(" ");
    const result = await this.host.run(
      `cd ${DEPLOYER_REPO} && ${assignments} USER=ci GEM_PATH=${SHARED}/gem-home: bundle exec cap ${args.join(" ")} 2>&1`,
      { okCodes: ANY_EXIT, timeoutMs },
    );
    return {
      code: result.code,
      output: result.stdout,
      seconds: (Date.now() - started) / 1000,
    };
  }

  /** Capistrano's full log of every run so far (log/capistrano.log in the clone); "" before any. */
  capistranoLog(): string {
    const path = join(this.host.merged, DEPLOYER_REPO, "log/capistrano.log");
    return existsSync(path) ? readFileSync(path, "utf8") : "";
  }
}

/** SSH sessions the host's sshd accepted for the deploy user so far. */
export async function sshSessions(host: Host): Promise<number> {
  const { stdout } = await host.run(
    `journalctl -q -o cat | grep -c "Accepted publickey for deploy " || true`,
  );
  return Number(stdout.trim());
}
