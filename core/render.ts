// Renders a part's templates into planned files. Templates mirror the output tree:
// templates/<part>/<path>.hbs → <path>. A path segment `[env]` renders once per environment,
// with `env` in the context; `[app]` is the app name (systemd unit files are named after it).
// The part's file table says when each template is rendered. A user's copy at
// .rails-aws/templates/<part>/<path>.hbs wins; a user's template with no row is always rendered.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Script } from "node:vm";
import type HandlebarsType from "handlebars";
import runtimeModule from "handlebars/runtime.js";
import type { Context } from "./context.js";
import { handlebarsCompiler } from "./lazy.js";
import type { Part } from "./parts/part.js";
import { packageRoot, STATE_DIR } from "./paths.js";
import { quotingHelpers } from "./quote.js";
import { didYouMean } from "./suggest.js";

export interface PlannedFile {
  /** Relative to the destination, with forward slashes. */
  path: string;
  contents: string;
  /** 0o755 for executables, else 0o644. */
  mode: number;
  /** Rendered from a user's template (.rails-aws/templates/) rather than a built-in one. */
  fromUserTemplate?: boolean;
}

const TEMPLATE_SUFFIX = ".hbs";
const ENV_SEGMENT = "[env]";
const APP_SEGMENT = "[app]";

/** The templates' helpers beyond Handlebars' own. */
const HELPERS = {
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  ...quotingHelpers,
  // {{#sha256}}...{{/sha256}}: the SHA-256 of what the block renders, for a file the template
  // holds and names by its digest (the launch template's boot files).
  sha256(this: unknown, options: HandlebarsType.HelperOptions) {
    return createHash("sha256").update(options.fn(this)).digest("hex");
  },
  // {{#indent N}}...{{/indent}}: the block with N spaces before each line that is not empty, as
  // a YAML block scalar holds a file (a partial's own indentation would pad empty lines too).
  indent(this: unknown, spaces: number, options: HandlebarsType.HelperOptions) {
    return options.fn(this).replace(/^(?=.)/gm, " ".repeat(spaces));
  },
};

/**
 * How every template is compiled: a missing value fails the render; nothing is HTML-escaped; the
 * generator's helpers are called directly rather than looked up on each use.
 */
export const COMPILE_OPTIONS = {
  strict: true,
  noEscape: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(
    Object.keys(HELPERS).map((name) => [name, true]),
  ),
};

/**
 * Where the build (npm run build) puts the built-in templates, precompiled: a script whose value
 * is the templates by source hash.
 */
export const PRECOMPILED_PATH = join(
  packageRoot,
  "dist",
  "precompiled-templates.js",
);

/**
 * Where the build puts V8's code cache of that script, made once it has rendered every template of
 * a default run: a run then neither parses the script nor compiles those templates' functions.
 * Its first line is the first line of the script it was made from, which holds the hash of the
 * script's templates (so that a run compares lines rather than hash a megabyte); another Node
 * rejects the cache by itself.
 */
export const PRECOMPILED_CACHE_PATH = join(
  packageRoot,
  "dist",
  "precompiled-templates.cache",
);

/** handlebars/runtime is the full Handlebars less its compiler; its own types declare nothing. */
const HandlebarsRuntime = runtimeModule as unknown as typeof HandlebarsType;

type Template = (context: object) => string;
type TemplateSpec = Parameters<typeof HandlebarsType.template>[0];

/** A template's source, hashed: a precompiled template is used only for the source it was made from. */
export const sourceHash = (source: string) =>
  createHash("sha1").update(source).digest("hex");

/** The script's first line, which names what it holds (cli/precompile-templates.ts). */
const firstLine = (text: string) => text.slice(0, text.indexOf("\n"));

/** The code cache made from exactly this script, if the build made one. */
function codeCacheOf(script: string): Buffer | undefined {
  if (!existsSync(PRECOMPILED_CACHE_PATH)) return undefined;
  const cache = readFileSync(PRECOMPILED_CACHE_PATH);
  const newline = cache.indexOf("\n");
  return cache.subarray(0, newline).toString("latin1") === firstLine(script)
    ? cache.subarray(newline + 1)
    : undefined;
}

/** What the build precompiled: see cli/precompile-templates.ts. */
interface Precompiled {
  /** Each built-in template, `part/template`, with the hash of its source. */
  builtIn: Record<string, string>;
  /** The templates' specs by the hash of their source. */
  specs: Record<string, TemplateSpec>;
}

/**
 * What became of a code cache offered to V8 with a script: none offered (none built, or built for
 * another script), rejected (by another Node, or other V8 flags), or used.
 */
export type CodeCacheUse = "none" | "rejected" | "used";

export const codeCacheUse = (
  cachedData: Buffer | undefined,
  script: Script,
): CodeCacheUse =>
  cachedData === undefined
    ? "none"
    : script.cachedDataRejected
      ? "rejected"
      : "used";

let loaded:
  | {
      source: string;
      script: Script;
      value: Precompiled;
      codeCache: CodeCacheUse;
    }
  | undefined;

/** What became of the precompiled templates' code cache; undefined before a part is rendered. */
export const templatesCodeCache = (): CodeCacheUse | undefined =>
  loaded?.codeCache;

/**
 * Built-in templates precompiled at build time (cli/precompile-templates.ts): compiling them took
 * most of a run, and listing, reading and hashing them a tenth of it. The built-in templates are
 * those the build found, so after editing, adding or removing one, run `npm run build` (as after
 * editing code). Undefined after a bare `tsc`: the templates are then listed and compiled from
 * templates/. Loaded when a part is first rendered.
 */
function precompiled(): Precompiled | undefined {
  if (!loaded) {
    if (!existsSync(PRECOMPILED_PATH)) return undefined;
    // ASCII: the build escapes every other character.
    const source = readFileSync(PRECOMPILED_PATH, "latin1");
    const cachedData = codeCacheOf(source);
    const script = new Script(source, {
      filename: PRECOMPILED_PATH,
      cachedData,
    });
    loaded = {
      source,
      script,
      value: script.runInThisContext() as Precompiled,
      codeCache: codeCacheUse(cachedData, script),
    };
  }
  return loaded.value;
}

/** The code cache of the precompiled templates as far as rendered (build step), with its header. */
export function precompiledCodeCache(): Buffer | undefined {
  if (!loaded) return undefined;
  return Buffer.concat([
    Buffer.from(`${firstLine(loaded.source)}\n`, "latin1"),
    loaded.script.createCachedData(),
  ]);
}

const withHelpers = <E extends typeof HandlebarsRuntime>(env: E): E => {
  env.registerHelper(HELPERS);
  return env;
};

const runtime = withHelpers(HandlebarsRuntime.create());

/** The full Handlebars, with its compiler: loaded only for a template not precompiled. */
let compiler: typeof HandlebarsType | undefined;
function compile(source: string): Template {
  compiler ??= withHelpers(handlebarsCompiler().create());
  return compiler.compile(source, COMPILE_OPTIONS);
}

/** A template from its source: the build's spec of that same source, else compiled. */
function templateOf(source: string): Template {
  const spec = precompiled()?.specs[sourceHash(source)];
  return spec ? runtime.template(spec) : compile(source);
}

/**
 * A part's built-in templates (paths inside templates/<part>/), each with how to render it: as
 * the build precompiled it, else compiled from its source.
 */
function builtInTemplates(part: string): Map<string, () => Template> {
  const build = precompiled();
  const dir = builtInTemplateDir(part);
  const fromSource = (template: string) => () =>
    templateOf(readFileSync(join(dir, template), "utf8"));
  if (!build)
    return new Map(
      listTemplates(dir).map((template) => [template, fromSource(template)]),
    );
  const prefix = `${part}/`;
  return new Map(
    Object.entries(build.builtIn)
      .filter(([path]) => path.startsWith(prefix))
      .map(([path, hash]) => [
        path.slice(prefix.length),
        () => runtime.template(build.specs[hash]!),
      ]),
  );
}

export function builtInTemplateDir(part: string): string {
  return join(packageRoot, "templates", part);
}

export function userTemplateDir(destination: string, part: string): string {
  return join(destination, STATE_DIR, "templates", part);
}

export function listTemplates(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(TEMPLATE_SUFFIX))
    .map((entry) =>
      relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"),
    )
    .sort();
}

/** Executables by convention of the generated repo: bin/ scripts and shell scripts. */
function modeOf(path: string): number {
  return path.startsWith("bin/") || path.endsWith(".sh") ? 0o755 : 0o644;
}

function renderTemplate(
  template: () => Template,
  templatePath: string,
  context: object,
): string {
  try {
    return template()(context);
  } catch (error) {
    throw new Error(
      `template ${templatePath}: ${inUserTerms((error as Error).message)}`,
    );
  }
}

/** A compile error in the terms of the template's author, who never set knownHelpersOnly. */
function inUserTerms(message: string): string {
  const unknown =
    /knownHelpersOnly, but used the unknown helper (\S+) - (\d+):(\d+)/.exec(
      message,
    );
  if (!unknown) return message;
  const [, name = "", line, column] = unknown;
  // Handlebars' own helpers and HELPERS, as registered; the two *Missing ones are its internals.
  const helpers = Object.keys(runtime.helpers).filter(
    (helper) => !helper.endsWith("Missing"),
  );
  return `line ${line}, column ${Number(column) + 1}: "${name}" is not a helper${didYouMean(name, helpers) || "."} A template may call ${helpers.join(", ")}.`;
}

/**
 * Renders every file of one part, unformatted (see formatFiles), sorted by template path.
 * Into an existing app (one the generator did not write), the new-app-only files are left out.
 */
export function renderPart(
  part: Part,
  context: Context,
  destination: string,
  existingApp = false,
): PlannedFile[] {
  if (part.leftOut?.(context)) return [];
  const partContext = part.context
    ? { ...context, [part.name]: part.context(context) }
    : context;
  const builtIn = builtInTemplates(part.name);
  const custom = userTemplateDir(destination, part.name);
  const customTemplates = new Set(listTemplates(custom));
  const templates = [
    ...new Set([...builtIn.keys(), ...customTemplates]),
  ].sort();
  return templates.flatMap((template) => {
    const templatePath = template.slice(0, -TEMPLATE_SUFFIX.length);
    const rule = part.files[templatePath] ?? {};
    if (existingApp && rule.newAppOnly) return [];
    const fromUser = customTemplates.has(template);
    const sourcePath = join(
      fromUser ? custom : builtInTemplateDir(part.name),
      template,
    );
    const outputPath = templatePath.replaceAll(APP_SEGMENT, context.app.name);
    const targets = outputPath.includes(ENV_SEGMENT)
      ? context.environments.map((env) => ({
          path: outputPath.replaceAll(ENV_SEGMENT, env.name),
          env,
        }))
      : [{ path: outputPath, env: undefined }];
    const rendered = targets.filter(
      ({ env }) => rule.when?.(context, env) ?? true,
    );
    // Made once, for the first file it renders.
    let made: Template | undefined;
    const make = fromUser
      ? () => templateOf(readFileSync(sourcePath, "utf8"))
      : builtIn.get(template)!;
    return rendered.map(({ path, env }) => ({
      path,
      contents: renderTemplate(
        () => (made ??= make()),
        sourcePath,
        env ? { ...partContext, env } : partContext,
      ),
      mode: modeOf(path),
      fromUserTemplate: fromUser,
    }));
  });
}
