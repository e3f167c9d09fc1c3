// The runbook's restore from the AWS Backup copy names what the stacks create: the vaults (the
// data stack's and the backup-vault stack's, which the data stack's plan copies to), the deploy stack's backup role, each in the region
// its stack is deployed to; and its commands are valid bash. (AWS cannot be reached here.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { answerSetRepo } from "./helpers/repo.js";

describe("docs part: the runbook's restore from the backup copy", function () {
  this.timeout(120_000);
  let repo: string;
  const read = (path: string) => readFileSync(join(repo, path), "utf8");

  before(async () => {
    repo = await answerSetRepo("backup copy to another region");
  });

  for (const env of ["production", "staging"]) {
    it(`${env}: names the vaults and the backup role the stacks create, in their stacks' regions`, () => {
      const runbook = read("docs/RUNBOOK.md");
      const section = runbook.slice(
        runbook.indexOf(`### ${env}: from the daily AWS Backup copy`),
      );
      const code = [
        ...section
          .slice(0, section.indexOf("\n#", 1))
          .matchAll(/```sh\n([^]*?)```/g),
      ]
        .map((block) => block[1]!.replace(/^ {3}/gm, ""))
        .join("\n");
      assert.ok(code.includes("aws backup start-restore-job"), section);
      execFileSync("bash", ["-n"], { input: code });

      const data = JSON.parse(read(`infra/parameters/${env}/data.json`)) as {
        StackPrefix: string;
        BackupCopyRegion: string;
      };
      const home = /^\s+region=(\S+)$/m.exec(
        read("bin/infra").slice(read("bin/infra").indexOf(`  ${env})`)),
      )![1]!;
      // Names as the templates make them from the stack prefix.
      const named = (template: string, property: string) =>
        [
          ...read(`infra/cloudformation/${template}.yml`).matchAll(
            new RegExp(`${property}: !Sub \\$\\{StackPrefix\\}(-[a-z]+)`, "g"),
          ),
        ].map((match) => `${data.StackPrefix}${match[1]}`);
      const [homeVault] = named("data", "BackupVaultName");
      const [copyVault] = named("backup-vault", "BackupVaultName");
      assert.ok(homeVault && copyVault);
      // The data stack's plan copies to the vault the backup-vault stack makes.
      assert.ok(
        read("infra/cloudformation/data.yml").includes(
          `\${BackupCopyRegion}:\${AWS::AccountId}:backup-vault:\${StackPrefix}${copyVault.slice(data.StackPrefix.length)}\n`,
        ),
        "the backup plan's copy goes to the backup-vault stack's vault",
      );
      assert.ok(
        named("deploy", "RoleName").includes(
          /role\/([-a-z0-9]+)"/.exec(code)![1]!,
        ),
        "the backup role is the deploy stack's",
      );

      // Every command on a vault runs in the region of the stack that made it.
      const commands = code
        .split(/\n(?! )/)
        .join("\n")
        .split(/\n(?=\S)/);
      const uses = commands.flatMap((command) => {
        const vault = /--(?:source-)?backup-vault-name (\S+)/.exec(command);
        const region = /--region (\S+)/.exec(command);
        return vault && region ? [[vault[1], region[1]]] : [];
      });
      assert.deepEqual(
        [...new Set(uses.map((use) => use.join(" ")))].sort(),
        [
          `${copyVault} ${data.BackupCopyRegion}`,
          `${homeVault} ${home}`,
        ].sort(),
      );
      assert.match(
        code,
        new RegExp(
          `--destination-backup-vault-arn "arn:aws:backup:${home}:\\$account:backup-vault:${homeVault}"`,
        ),
      );
    });
  }
});
