// Answers are data, never code: with the most hostile answers the settings accept, every file
// still parses in its language and holds each answer, wherever it appears, as text (a string,
// a comment) that reads back unchanged. A template that writes an answer raw into YAML, JSON,
// shell or Ruby is caught here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { isScalar, parseAllDocuments, visit, type Node } from "yaml";
import { checkRepo } from "../check/check.js";
import { parseCloudFormationFile } from "../check/cloudformation/template.js";
import { userDataScripts } from "../check/cloudformation/user-data.js";
import { RepoFile } from "../check/repo.js";
import { formatReport } from "../check/report.js";
import { resolveAnswers } from "../core/answers.js";
import { deriveContext } from "../core/context.js";
import {
  jsonString,
  rubyString,
  shellWord,
  systemdValue,
} from "../core/quote.js";
import { VALIDATOR_TOOLS } from "./helpers/check.js";
import { hostileAnswers, hostileFlags } from "./helpers/hostile-answers.js";
import { readTree, runCli, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

/** Non-overlapping occurrences of value in text. */
function count(text: string, value: string): number {
  return text.split(value).length - 1;
}

const sum = (texts: (string | null | undefined)[], value: string) =>
  texts.reduce((total, text) => total + (text ? count(text, value) : 0), 0);

/** Every answer, and the forms of the app name that files hold (module, database name). */
function valuesToFind(): Record<string, string> {
  const resolution = resolveAnswers(hostileAnswers, { folderName: "demo" });
  assert.ok(resolution.ok, JSON.stringify(resolution));
  const { app } = deriveContext(resolution.answers);
  return { ...hostileAnswers, module: app.module, dbName: app.dbName };
}

const ERB_TAG = /<%[\s\S]*?%>/g;

/** What YAML reads: every string scalar and key, and every comment. */
function yamlTexts(source: string): string[] {
  const texts: string[] = [];
  for (const document of parseAllDocuments(source, { logLevel: "silent" })) {
    assert.deepEqual(document.errors, [], "a YAML error");
    texts.push(document.commentBefore ?? "", document.comment ?? "");
    visit(document, (_key, node) => {
      const commented = node as Node;
      texts.push(commented.commentBefore ?? "", commented.comment ?? "");
      if (isScalar(node) && typeof node.value === "string")
        texts.push(node.value);
    });
  }
  return texts;
}

/** Every string in a JSON value, keys included. */
function jsonTexts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(Array.isArray(value) ? [] : [key]),
    ...jsonTexts(inner),
  ]);
}

/**
 * Ruby (and ERB, compiled as Rails compiles it): whether it parses, and how often each value is
 * in a string literal or a comment, or is a whole constant (the app's module), by Ruby's lexer.
 */
const RUBY_READER = `
require "json"; require "ripper"; require "erb"
input = JSON.parse($stdin.read)
result = input["files"].map do |file|
  source = file["erb"] ? ERB.new(file["text"], trim_mode: "-").src : file["text"]
  tokens = Ripper.lex(source)
  texts = tokens.select { |(_, type, _)| %i[on_tstring_content on_comment].include?(type) }
  constants = tokens.select { |(_, type, _)| type == :on_const }.map { |(_, _, text)| text }
  {
    "path" => file["path"],
    "parses" => !Ripper.sexp(source).nil?,
    "counts" => input["values"].to_h do |value|
      [value, texts.sum { |(_, _, text)| text.scan(value).size } + constants.count(value)]
    end,
  }
end
puts JSON.generate(result)
`;

/**
 * The spans of a shell script where a value stays literal: single-quoted words, comments and
 * quoted here-document bodies, where nothing is expanded. Elsewhere (a bare word, double quotes)
 * a value could split, glob, expand or become an option. Double quotes and command substitutions
 * nest as bash nests them.
 */
function shellLiteralSpans(script: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  /** Open contexts: `"` a double-quoted string, `$(` a command substitution, `(` a parenthesis. */
  const open: string[] = [];
  const heredocs: Array<{ marker: string; quoted: boolean }> = [];
  const inDouble = () => open.at(-1) === '"';
  let i = 0;
  while (i < script.length) {
    const char = script[i]!;
    const rest = script.slice(i);
    if (char === "\\") i += 2;
    else if (char === '"') {
      if (inDouble()) open.pop();
      else open.push('"');
      i++;
    } else if (rest.startsWith("$(")) (open.push("$("), (i += 2));
    else if (inDouble()) i++;
    else if (char === "(") (open.push("("), i++);
    else if (char === ")") (open.pop(), i++);
    else if (char === "'") {
      const end = script.indexOf("'", i + 1);
      spans.push([i + 1, end]);
      i = end + 1;
    } else if (char === "#" && (i === 0 || /[\s;(]/.test(script[i - 1]!))) {
      const end =
        script.indexOf("\n", i) < 0 ? script.length : script.indexOf("\n", i);
      spans.push([i, end]);
      i = end;
    } else if (rest.startsWith("<<")) {
      const match = rest.match(/^<<-?\s*(['"]?)(\w+)\1/);
      if (match) heredocs.push({ marker: match[2]!, quoted: match[1] !== "" });
      i += match ? match[0].length : 2;
    } else if (char === "\n" && heredocs.length > 0) {
      for (const { marker, quoted } of heredocs.splice(0)) {
        const end = script
          .slice(i + 1)
          .search(new RegExp(`^\\s*${marker}$`, "m"));
        const bodyEnd = end < 0 ? script.length : i + 1 + end;
        if (quoted) spans.push([i + 1, bodyEnd]);
        i = bodyEnd;
      }
    } else i++;
  }
  return spans;
}

/** Occurrences of value in script that no literal span holds. */
function unquotedInShell(script: string, value: string): number[] {
  const spans = shellLiteralSpans(script);
  const lines: number[] = [];
  for (
    let at = script.indexOf(value);
    at >= 0;
    at = script.indexOf(value, at + value.length)
  )
    if (!spans.some(([start, end]) => start <= at && at + value.length <= end))
      lines.push(script.slice(0, at).split("\n").length);
  return lines;
}

const isShellScript = (path: string, text: string) =>
  path.endsWith(".sh") || /^#!.*\b(ba)?sh\b/.test(text);
const isRuby = (path: string) =>
  /\.(rb|rake|ru)$|(^|\/)(Gemfile|Rakefile|Capfile)$/.test(path);
const isYaml = (path: string) => /\.ya?ml$/.test(path);

describe("answers are data, never code", () => {
  let files: Map<string, string>;
  let values: Record<string, string>;

  let dir: string;

  before(async function () {
    dir = join(tempDir(), "demo");
    const run = await runCli([dir, ...hostileFlags]);
    assert.equal(run.code, 0, run.stderr);
    files = new Map(
      [...readTree(dir)].map(([path, entry]) => [
        path,
        entry.slice(entry.indexOf("\n") + 1),
      ]),
    );
    values = valuesToFind();
  });

  it("uses answers at the settings' longest: one character more is refused", () => {
    const longer = {
      appName: `${hostileAnswers.appName}x`,
      domain: `x${hostileAnswers.domain}`,
      githubRepository: `${hostileAnswers.githubRepository}x`,
      alertEmail: `x${hostileAnswers.alertEmail}`,
    };
    for (const [name, value] of Object.entries(longer)) {
      const resolution = resolveAnswers(
        { ...hostileAnswers, [name]: value },
        { folderName: "demo" },
      );
      assert.ok(!resolution.ok, `${name} ${value} accepted`);
    }
  });

  /** Files of a kind that hold some value, with the values they hold. */
  function holding(kind: (path: string, text: string) => boolean) {
    const found = [...files].filter(
      ([path, text]) =>
        kind(path, text) &&
        Object.values(values).some((value) => text.includes(value)),
    );
    assert.ok(found.length > 0, "no file of this kind holds an answer");
    return found;
  }

  it("YAML files parse, and hold every answer as a string or a comment", () => {
    for (const [path, text] of holding(isYaml)) {
      // Rails renders ERB in its YAML first: what is inside a tag is Ruby, read below.
      const yaml = text.replace(ERB_TAG, "erb");
      const texts = yamlTexts(yaml);
      for (const [name, value] of Object.entries(values))
        assert.equal(
          sum(texts, value),
          count(yaml, value),
          `${path}: ${name} is not read back as text`,
        );
    }
  });

  it("JSON files parse, and hold every answer as a string", () => {
    for (const [path, text] of holding((path) => path.endsWith(".json"))) {
      const texts = jsonTexts(JSON.parse(text));
      for (const [name, value] of Object.entries(values))
        assert.equal(
          sum(texts, value),
          count(text, value),
          `${path}: ${name} is not read back as a string`,
        );
    }
  });

  it("Ruby and ERB files parse, and hold every answer in a string literal or a comment, by Ruby's lexer", function () {
    requireTool(this, "ruby");
    const rubyFiles = holding(
      (path, text) =>
        isRuby(path) ||
        path.endsWith(".erb") ||
        (isYaml(path) && ERB_TAG.test(text)),
    );
    const input = {
      values: Object.values(values),
      files: rubyFiles.map(([path, text]) => ({
        path,
        text,
        erb: !isRuby(path),
      })),
    };
    const ruby = spawnSync("ruby", ["-e", RUBY_READER], {
      input: JSON.stringify(input),
      encoding: "utf8",
    });
    assert.equal(ruby.status, 0, ruby.stderr);
    const read = JSON.parse(ruby.stdout) as Array<{
      path: string;
      parses: boolean;
      counts: Record<string, number>;
    }>;
    for (const { path, parses, counts } of read) {
      assert.ok(parses, `${path} does not parse as Ruby`);
      const text = files.get(path)!;
      for (const [name, value] of Object.entries(values))
        assert.equal(
          counts[value],
          count(text, value),
          `${path}: ${name} is not in a Ruby string or comment, nor a constant`,
        );
    }
  });

  /** `script` (named `what`) parses, and holds each answer only where the shell reads it literally. */
  function assertShellHoldsAnswersAsText(what: string, script: string) {
    const syntax = spawnSync("bash", ["-n"], { input: script });
    assert.equal(syntax.status, 0, `${what}: ${syntax.stderr}`);
    for (const [name, value] of Object.entries(values))
      assert.deepEqual(
        unquotedInShell(script, value),
        [],
        `${what}: ${name} outside a literal on these lines`,
      );
  }

  it("shell scripts parse, and hold every answer in a single-quoted word, a comment or a quoted here-document", function () {
    requireTool(this, "bash");
    for (const [path, text] of holding(isShellScript))
      assertShellHoldsAnswersAsText(path, text);
  });

  it("the launch template's user data and the scripts it installs hold every answer in a single-quoted word, a comment or a quoted here-document", function () {
    requireTool(this, "bash");
    const app = new RepoFile(dir, "infra/cloudformation/app.yml");
    const scripts = userDataScripts(parseCloudFormationFile(app), app.contents);
    assert.ok(scripts.length > 1, "the user data and its boot files");
    for (const { label, script } of scripts)
      assertShellHoldsAnswersAsText(label, script);
  });

  it("every validator of rails-aws check (cfn-lint, shellcheck, systemd-analyze, actionlint, Ruby, ERB...) finds nothing", async function () {
    requireTool(this, VALIDATOR_TOOLS);
    this.timeout(300_000);
    const report = await checkRepo(dir);
    assert.deepEqual(report.failed, [], formatReport(report));
    assert.deepEqual(report.findings, [], formatReport(report));
  });

  it("systemd units hold every answer with % doubled", () => {
    for (const [path, text] of holding((path) =>
      /\.(service|socket|target)$/.test(path),
    ))
      for (const [name, value] of Object.entries(values))
        if (text.includes(value))
          assert.equal(
            count(text, systemdValue(value)),
            count(text, value),
            `${path}: ${name}`,
          );
  });
});

describe("quoting helpers", () => {
  // Values the settings never accept, to show each helper holds whatever it is given.
  const nasty = [
    `it's "quoted" \\ back\\slash`,
    "#{`touch pwned`} ${HOME} $(id) <%= 1 %> %s %n",
    "&anchor *alias !tag | > - ? : [ ] { } , @ `",
    "line\nbreak\ttab\u0000nul\u001b[31mesc\u0085nel\u2028sep",
    "unicode é 漢字 🙂",
    "x".repeat(10_000),
  ];

  it("a YAML double-quoted scalar and a JSON string read back unchanged", () => {
    for (const value of nasty) {
      assert.equal(JSON.parse(jsonString(value)), value);
      const [document] = parseAllDocuments(`key: ${jsonString(value)}\n`);
      assert.deepEqual(document!.errors, []);
      assert.equal(document!.get("key"), value);
    }
  });

  it("a shell word reads back unchanged in bash", function () {
    requireTool(this, "bash");
    // A shell word cannot hold NUL; the settings never accept one.
    const words = nasty.map((value) => value.replaceAll("\u0000", ""));
    const script = words.map((word) => `printf '%s\\0' ${shellWord(word)}`);
    const run = spawnSync("bash", ["-c", script.join("\n")], {
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.split("\0").slice(0, -1), words);
  });

  it("a Ruby string reads back unchanged, and interpolates nothing", function () {
    requireTool(this, "ruby");
    const program = nasty
      .map((value) => `print ${rubyString(value)}, "\\u{1}"`)
      .join("\n");
    const run = spawnSync("ruby", ["-e", program], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.split("\u0001").slice(0, -1), nasty);
  });

  it("a systemd value doubles % and refuses what would need quoting", () => {
    assert.equal(systemdValue("/var/www/a%b"), "/var/www/a%%b");
    for (const value of nasty.slice(0, 4))
      assert.throws(() => systemdValue(value), /systemd unit unquoted/);
  });
});
