// The bastion variant checks the bastion's SSH host key: the generated lib/capistrano/ssh-proxy.sh,
// run with the real ssh against a real sshd standing for the bastion (on 127.0.0.0/8), and with
// test/fixtures/cloudformation/fake-aws.mjs for AWS, connects only when the bastion shows a key
// it published (the SSM parameter its boot writes), and refuses an impostor at its address.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { parseCloudFormationFile } from "../check/cloudformation/template.js";
import { RepoFile } from "../check/repo.js";
import {
  fakeAccount,
  runWithFakeAws,
  type FakeAwsState,
} from "./helpers/fake-aws.js";
import { generateRepo, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const BASTION_ID = "i-0b0000000000ba510";
const INSTANCE_ID = "i-0e0000000000000001";
/** A loopback address of this run's own, so that no other sshd on port 22 answers. */
const ADDRESS = `127.78.${process.pid % 250}.1`;
const PARAMETER = "/demo/production/bastion-host-keys";

function newKey(path: string): string {
  const made = spawnSync("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-f",
    path,
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  return readFileSync(`${path}.pub`, "utf8");
}

function listening(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("capistrano part: the bastion variant checks the bastion's host key", function () {
  this.timeout(120_000);
  let repo: string;
  let dir: string;
  let sshd: ChildProcess | undefined;
  let bastionKey: string;
  let impostorKey: string;

  before(async function () {
    requireTool(this, ["ssh", "sshd", "ssh-keygen", "bash"]);
    // sshd listens on port 22, as the proxy reaches a bastion.
    if (process.getuid?.() !== 0) {
      if (process.env.CI === "true") throw new Error("sshd needs root on CI");
      console.warn("\n    SKIPPED: sshd needs root to listen on port 22.\n");
      this.skip();
    }
    repo = await generateRepo(["--shell-access", "bastion"]);
    dir = tempDir("bastion-");
    mkdirSync(join(dir, "run"));
    bastionKey = newKey(join(dir, "host_key"));
    impostorKey = newKey(join(dir, "impostor_key"));
    // The deploy's key for this run, as aws_hosts.rb makes one: sshd accepts it for root.
    writeFileSync(
      join(dir, "authorized_keys"),
      newKey(join(dir, "run/id_ed25519")),
    );
    writeFileSync(
      join(dir, "sshd_config"),
      [
        `ListenAddress ${ADDRESS}:22`,
        `HostKey ${dir}/host_key`,
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        "PidFile none",
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "PermitRootLogin prohibit-password",
        "",
      ].join("\n"),
    );
    mkdirSync("/run/sshd", { recursive: true });
    sshd = spawn(
      "/usr/sbin/sshd",
      ["-D", "-e", "-f", join(dir, "sshd_config")],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    for (let tries = 0; !(await listening(ADDRESS, 22)); tries++) {
      assert.ok(tries < 100 && sshd.exitCode === null, "sshd did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(() => {
    if (sshd?.pid) process.kill(sshd.pid);
  });

  /** An account whose bastion and instance both answer at the sshd's address. */
  function account(hostKeys?: string): FakeAwsState {
    const tags = (role: string) =>
      [
        ["app", "demo"],
        ["environment", "production"],
        ["role", role],
      ].map(([Key, Value]) => ({ Key: Key!, Value: Value! }));
    return fakeAccount({
      parameters: hostKeys === undefined ? {} : { [PARAMETER]: hostKeys },
      instances: [
        {
          InstanceId: BASTION_ID,
          PrivateIpAddress: "10.0.0.5",
          PublicIpAddress: ADDRESS,
          State: { Name: "running" },
          Tags: tags("bastion"),
        },
        {
          InstanceId: INSTANCE_ID,
          PrivateIpAddress: ADDRESS,
          State: { Name: "running" },
          Tags: tags("web"),
        },
      ],
    });
  }

  /** The proxy, as cap runs it for the instance's sshd: through the bastion, to its port 22. */
  const proxy = (state: FakeAwsState) =>
    runWithFakeAws(state, "bash", [
      join(repo, "lib/capistrano/ssh-proxy.sh"),
      "us-east-1",
      "production",
      INSTANCE_ID,
      "22",
      "root",
      join(dir, "run/id_ed25519.pub"),
    ]);

  const pushedKeys = (state: FakeAwsState) =>
    state.calls.filter((call) => call.startsWith("ec2-instance-connect "));

  it("connects through a bastion that shows a host key it published", () => {
    // The parameter holds every key type the bastion has; it shows one of them.
    const run = proxy(account(`${impostorKey}${bastionKey}`));
    assert.match(run.stdout, /^SSH-2\.0-OpenSSH/, run.stderr);
    assert.equal(pushedKeys(run.state).length, 2);
  });

  it("refuses a host that answers at the bastion's address with another key", () => {
    const run = proxy(account(impostorKey));
    assert.equal(run.code, 255);
    assert.match(run.stderr, /Host key verification failed/);
    assert.equal(run.stdout, "");
  });

  it("refuses to connect before the bastion has published its keys, saying where they are read, and pushes no key", () => {
    const run = proxy(account());
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /cannot read the bastion's host keys from \/demo\/production\/bastion-host-keys, which the bastion writes when it boots[^]*ParameterNotFound/,
    );
    assert.deepEqual(pushedKeys(run.state), []);
    const empty = proxy(account("\n"));
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /holds no SSH host key/);
  });

  it("the bastion's boot publishes its host keys to that parameter, in a request signed with its role's credentials", () => {
    const network = parseCloudFormationFile(
      new RepoFile(repo, "infra/cloudformation/network.yml"),
    ).body as any;
    const [script, variables] =
      network.Resources.BastionLaunchTemplate.Properties.LaunchTemplateData
        .UserData["Fn::Base64"]["Fn::Sub"];
    assert.deepEqual(variables, {
      HostKeysParameter: {
        "Fn::Sub": "/demo/${Environment}/bastion-host-keys",
      },
    });
    const userData = (script as string)
      .replaceAll("${HostKeysParameter}", PARAMETER)
      .replaceAll("${AWS::Region}", "us-east-1");
    assert.doesNotMatch(
      userData,
      /\$\{[^}]*::/,
      "a CloudFormation variable left",
    );
    // Stand-ins: the metadata service and SSM behind curl, and an existing deploy user.
    const bin = join(dir, "boot-bin");
    const out = join(dir, "boot-out");
    const scratch = join(dir, "boot-tmp");
    for (const folder of [bin, out, scratch]) mkdirSync(folder);
    writeFileSync(join(bin, "id"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    writeFileSync(
      join(bin, "curl"),
      `#!/bin/bash
case "$*" in
  *api/token*) echo token-1 ;;
  *security-credentials/) echo demo-production-bastion ;;
  *security-credentials/demo-production-bastion) echo '{"AccessKeyId": "AKIA1", "SecretAccessKey": "secret/1+", "Token": "session-1"}' ;;
  *ssm.*) printf '%s\\n' "$@" >"${out}/args"; while [ "$1" != --config ]; do shift; done; cp "$2" "${out}/request" ;;
  *) exit 22 ;;
esac
`,
      { mode: 0o755 },
    );
    const boot = spawnSync("bash", ["-c", userData], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        TMPDIR: scratch,
      },
    });
    assert.equal(boot.status, 0, boot.stderr);
    const args = readFileSync(join(out, "args"), "utf8").split("\n");
    for (const expected of [
      "aws:amz:us-east-1:ssm",
      "X-Amz-Target: AmazonSSM.PutParameter",
      "https://ssm.us-east-1.amazonaws.com/",
    ])
      assert.ok(args.includes(expected), `${expected} in ${args.join(" ")}`);
    // curl's config: each value a quoted string with JSON's escapes.
    const config = Object.fromEntries(
      readFileSync(join(out, "request"), "utf8")
        .trim()
        .split("\n")
        .map((line) => {
          const [, name, value] = /^(\w+) = (".*")$/.exec(line)!;
          return [name!, JSON.parse(value!) as string];
        }),
    );
    assert.equal(config.user, "AKIA1:secret/1+");
    assert.equal(config.header, "X-Amz-Security-Token: session-1");
    // In the order bash expands the glob.
    const hostKeys = readdirSync("/etc/ssh")
      .filter((name) => /^ssh_host_.*_key\.pub$/.test(name))
      .sort()
      .map((name) => readFileSync(join("/etc/ssh", name), "utf8"))
      .join("");
    assert.deepEqual(JSON.parse(config.data!), {
      Name: PARAMETER,
      Value: hostKeys,
      Type: "String",
      Overwrite: true,
    });
    // The credentials and the request are not left behind.
    assert.deepEqual(readdirSync(scratch), []);
  });
});
