import assert from "node:assert/strict";
import { javascript } from "../check/validators/javascript.js";
import { checkFiles } from "./helpers/check.js";
import { requireTool } from "./helpers/tools.js";

const check = (files: Record<string, string>) =>
  checkFiles(files, [javascript]);

describe("check: javascript validator", function () {
  before(function () {
    requireTool(this, "node");
  });

  it("parses app/javascript/ files as ES modules, leaving bare imports unresolved and other .js alone", async () => {
    const report = await check({
      "app/javascript/application.js": 'import "channels/chat";\n',
      "app/javascript/channels/chat.mjs":
        'import { createConsumer } from "@rails/actioncable";\nexport default createConsumer();\nawait 0;\n',
      // Not the app's modules: not checked.
      "config/broken.js": "const x = ;\n",
      "app/javascript/notes.txt": "const x = ;\n",
    });
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, 2);
  });

  it("reports a syntax error with its line, column (when node shows one) and message, in each broken file", async () => {
    const report = await check({
      "app/javascript/application.js": 'import "a";\nconst x = ;\n',
      "app/javascript/channels/chat.js": "export default {\n",
      "app/javascript/channels/ok.js": "export const ok = true;\n",
    });
    assert.deepEqual(
      report.findings.map(({ file, line, column }) => ({ file, line, column })),
      [
        { file: "app/javascript/application.js", line: 2, column: 11 },
        // Node shows no caret at the end of the input.
        { file: "app/javascript/channels/chat.js", line: 2, column: undefined },
      ],
    );
    assert.equal(
      report.findings[0]!.message,
      "SyntaxError: Unexpected token ';'",
    );
  });

  it("rejects CommonJS-only syntax a module cannot hold", async () => {
    const report = await check({
      "app/javascript/application.js": "const a = 1;\nwith (a) {}\n",
    });
    assert.equal(report.findings.length, 1);
    assert.match(report.findings[0]!.message, /strict mode/i);
  });
});
