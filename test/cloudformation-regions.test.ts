// The regions the settings offer are those where every resource type the stacks create exists:
// data/cloudformation-resource-types.json records both, and this test checks it against the
// stacks generated for every answer set and against the per-region CloudFormation schemas of the
// installed cfn-lint (its own offline copy of each region's CloudFormation registry).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { offeredRegions, regions, resourceTypeSupport } from "../core/data.js";
import { settings } from "../core/settings.js";
import { answerSets } from "./helpers/answer-sets.js";
import { answerSetRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

/** Resource types of the Resources section of a generated (prettier-formatted) template. */
function resourceTypes(template: string): string[] {
  const resources = /^Resources:\n([\s\S]*?)(?=^\S)/m.exec(template)?.[1];
  assert.ok(resources, "a template without Resources");
  // A custom resource is served by the stack's own function, whose type is counted.
  return [...resources.matchAll(/^ {4}Type: (\S+)$/gm)]
    .map((match) => match[1]!)
    .filter((type) => !type.startsWith("Custom::"));
}

/** Region code → every resource type cfn-lint's schemas have there, read in one Python process. */
async function cfnLintResourceTypes(
  codes: string[],
): Promise<Record<string, string[]>> {
  const script = [
    "import importlib, json, sys",
    "print(json.dumps({code: sorted(importlib.import_module('cfnlint.data.schemas.providers.' + code.replace('-', '_')).types) for code in sys.argv[1:]}))",
  ].join("\n");
  const { stdout } = await execFileAsync("python3", ["-c", script, ...codes], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, string[]>;
}

describe("regions: only those where every resource type of the stacks exists", function () {
  this.timeout(120_000);
  const used = new Set<string>();

  before(async () => {
    for (const name of Object.keys(answerSets)) {
      const dir = join(await answerSetRepo(name), "infra/cloudformation");
      for (const file of readdirSync(dir))
        for (const type of resourceTypes(readFileSync(join(dir, file), "utf8")))
          used.add(type);
    }
  });

  it("data/cloudformation-resource-types.json names every resource type the stacks create, over all answer sets", () => {
    assert.deepEqual(
      [...used].sort(),
      [...resourceTypeSupport.resourceTypes].sort(),
    );
  });

  it("records, for each region of data/aws-regions.json, exactly the types cfn-lint's schemas lack there", async function () {
    requireTool(this, ["cfn-lint", "python3"]);
    const available = await cfnLintResourceTypes(regions.map((r) => r.code));
    const missing = Object.fromEntries(
      regions
        .map((region) => [
          region.code,
          resourceTypeSupport.resourceTypes.filter(
            (type) => !available[region.code]!.includes(type),
          ),
        ])
        .filter(([, types]) => types.length > 0),
    );
    assert.deepEqual(missing, resourceTypeSupport.missing);
  });

  it("offers, for both environments, every region that has them all and none that lacks one", () => {
    const expected = regions
      .map((region) => region.code)
      .filter((code) => !(code in resourceTypeSupport.missing));
    assert.deepEqual(
      offeredRegions.map((region) => region.code),
      expected,
    );
    for (const setting of [settings.productionRegion, settings.stagingRegion]) {
      assert.deepEqual(setting.choices, expected);
      // The regions the issue found SES's identity missing in.
      for (const code of ["mx-central-1", "ap-east-1", "eu-south-2"])
        assert.ok(!setting.choices.includes(code), code);
    }
  });
});
