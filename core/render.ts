// Renders a part's templates into planned files. Templates mirror the output tree:
// templates/<part>/<path>.hbs → <path>. A path segment `[env]` renders once per environment,
// with `env` in the context; `[app]` is the app name (systemd unit files are named after it).
// A user's copy at .rails-aws/templates/<part>/<path>.hbs wins.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import Handlebars from "handlebars";
import type { Context } from "./context.js";
import { partNamed } from "./parts.js";
import { packageRoot, STATE_DIR } from "./paths.js";

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

const handlebars = Handlebars.create();
handlebars.registerHelper("eq", (a: unknown, b: unknown) => a === b);
handlebars.registerHelper("or", (...args: unknown[]) =>
  args.slice(0, -1).some(Boolean),
);
handlebars.registerHelper("and", (...args: unknown[]) =>
  args.slice(0, -1).every(Boolean),
);

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
export function modeOf(path: string): number {
  return path.startsWith("bin/") || path.endsWith(".sh") ? 0o755 : 0o644;
}

function renderTemplate(
  source: string,
  templatePath: string,
  context: object,
): string {
  try {
    return handlebars.compile(source, { strict: true, noEscape: true })(
      context,
    );
  } catch (error) {
    throw new Error(`template ${templatePath}: ${(error as Error).message}`);
  }
}

/** Renders every file of one part, unformatted (see formatFiles), sorted by template path. */
export function renderPart(
  partName: string,
  context: Context,
  destination: string,
): PlannedFile[] {
  const part = partNamed(partName);
  const partContext = { ...context, ...part.extendContext?.(context) };
  const builtIn = builtInTemplateDir(partName);
  const custom = userTemplateDir(destination, partName);
  const templates = [
    ...new Set([...listTemplates(builtIn), ...listTemplates(custom)]),
  ].sort();
  const rendered = templates.flatMap((template) => {
    const customPath = join(custom, template);
    const templatePath = existsSync(customPath)
      ? customPath
      : join(builtIn, template);
    const source = readFileSync(templatePath, "utf8");
    const outputPath = template
      .slice(0, -TEMPLATE_SUFFIX.length)
      .replaceAll(APP_SEGMENT, context.app.name);
    const targets = outputPath.includes(ENV_SEGMENT)
      ? context.environments.map((env) => ({
          path: outputPath.replaceAll(ENV_SEGMENT, env.name),
          context: { ...partContext, env },
        }))
      : [{ path: outputPath, context: partContext }];
    return targets
      .filter((target) => part.includes?.(target.path, context) ?? true)
      .map((target) => ({
        path: target.path,
        contents: renderTemplate(source, templatePath, target.context),
        mode: modeOf(target.path),
        fromUserTemplate: templatePath === customPath,
      }));
  });
  return rendered;
}
