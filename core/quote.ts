// Quoting of answers for each language the generated files are written in. A template writes an
// answer as a whole literal of that language ({{yaml app.alertEmail}}, {{ruby ...}}), so that no
// value, whatever it holds, can end a string, start a comment or an anchor, interpolate or run
// anything: answers are data, never code. `concat` builds a literal from an answer and fixed text.

/** Characters no text literal should hold raw: C0 and C1 controls, DEL, line and paragraph separators, BOM. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/gu;

const hex4 = (char: string) =>
  `\\u${char.codePointAt(0)!.toString(16).padStart(4, "0")}`;

/** A JSON string; also a YAML double-quoted scalar, which reads every JSON escape the same way. */
export function jsonString(value: string): string {
  return JSON.stringify(value).replace(UNPRINTABLE, hex4);
}

/** A POSIX shell word in single quotes: nothing inside is expanded. */
export function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A Ruby double-quoted string, with `#` escaped so that no `#{...}` interpolates. */
export function rubyString(value: string): string {
  const escaped = value
    .replace(/[\\"#]/g, (char) => `\\${char}`)
    .replace(
      UNPRINTABLE,
      (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`,
    );
  return `"${escaped}"`;
}

/**
 * A path or name in a systemd unit setting: `%` doubled, as it starts a specifier. How a setting
 * unquotes differs (Exec lines split words, WorkingDirectory= does not), so a value that would
 * need quoting is refused rather than quoted one way: the settings' rules never accept one.
 */
export function systemdValue(value: string): string {
  if (!/^[^\s"'\\\u0000-\u001f\u007f-\u009f]+$/u.test(value))
    throw new Error(
      `${jsonString(value)} cannot be written into a systemd unit unquoted`,
    );
  return value.replaceAll("%", "%%");
}

/**
 * Markdown text (CommonMark with GitHub's extensions): each character that can start emphasis, a
 * link, an HTML tag, an entity, a table cell or strikethrough is backslash-escaped, and so is a
 * first character that would start a heading, a list or a quote when the value begins a line.
 */
export function markdownText(value: string): string {
  return value
    .replace(/[\\`*_[\]<>!|~&{}()]/g, (char) => `\\${char}`)
    .replace(
      /^[#+\-=>]|^(\d+)([.)])/,
      (char, digits?: string, mark?: string) =>
        digits ? `${digits}\\${mark}` : `\\${char}`,
    )
    .replace(UNPRINTABLE, " ");
}

/** A Markdown code span: fenced by more backticks than any run inside, so nothing in it is markup. */
export function markdownCode(value: string): string {
  const longestRun = Math.max(
    0,
    ...(value.match(/`+/g) ?? []).map((run) => run.length),
  );
  const fence = "`".repeat(longestRun + 1);
  const padding = /^`|`$|^ .* $/.test(value) ? " " : "";
  return `${fence}${padding}${value.replace(UNPRINTABLE, " ")}${padding}${fence}`;
}

/** The Handlebars helpers the templates quote answers with. */
export const quotingHelpers = {
  yaml: (value: unknown) => jsonString(String(value)),
  json: (value: unknown) => jsonString(String(value)),
  sh: (value: unknown) => shellWord(String(value)),
  ruby: (value: unknown) => rubyString(String(value)),
  systemd: (value: unknown) => systemdValue(String(value)),
  md: (value: unknown) => markdownText(String(value)),
  mdCode: (value: unknown) => markdownCode(String(value)),
  /** Joins its arguments (the last one is Handlebars' options): `(concat "no-reply@" app.domain)`. */
  concat: (...args: unknown[]) => args.slice(0, -1).map(String).join(""),
};
