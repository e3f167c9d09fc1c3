// "Did you mean …?" for a mistyped flag, answers-file key or command.
import { levenshtein } from "./lazy.js";

/** The known word nearest to what was typed, when it is near enough to be a typo. */
export function nearest(
  typed: string,
  known: readonly string[],
): string | undefined {
  if (known.length === 0) return undefined;
  const lower = typed.toLowerCase();
  const sameLetters = known.find((word) => word.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  // Two neighbouring letters swapped (`chekc`) is one slip, though Levenshtein counts two.
  const swapped = known.find((word) => isSwap(lower, word.toLowerCase()));
  if (swapped) return swapped;
  const { closest, distance } = levenshtein();
  const best = closest(typed, [...known]);
  // A third of the word may be wrong: `domian` → `domain`, not `vpc` → `app`.
  return distance(typed, best) <= Math.max(1, Math.floor(best.length / 3))
    ? best
    : undefined;
}

/** Whether a is b with two neighbouring letters swapped. */
function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const at = [...a].flatMap((letter, index) =>
    letter === b[index] ? [] : [index],
  );
  return (
    at.length === 2 &&
    at[1] === at[0]! + 1 &&
    a[at[0]!] === b[at[1]!] &&
    a[at[1]!] === b[at[0]!]
  );
}

/** "; did you mean X?", from a near spelling or else from the words that contain what was typed. */
export function didYouMean(typed: string, known: readonly string[]): string {
  // Nothing that long is a typo of a known word (and comparing it would take a while).
  if (typed.length > 100) return "";
  const word = nearest(typed, known);
  if (word) return `; did you mean ${word}?`;
  const lower = typed.toLowerCase().replace(/^-+/, "");
  const containing =
    lower.length >= 3
      ? known.filter((candidate) => candidate.toLowerCase().includes(lower))
      : [];
  return containing.length > 0 && containing.length <= 3
    ? `; did you mean ${containing.join(" or ")}?`
    : "";
}

/** Text the user typed, cut when it is too long to read in a message. */
export function shortened(text: string, longest = 80): string {
  return text.length > longest
    ? `${text.slice(0, 60)}… (${text.length} characters)`
    : text;
}

/** A value as the user typed it, shortened when it is too long to read in a message. */
export function shown(raw: unknown): string {
  if (raw === undefined) return "nothing";
  if (typeof raw === "string" && raw.length > 80)
    return `${JSON.stringify(`${raw.slice(0, 60)}…`)} (${raw.length} characters)`;
  if (typeof raw === "number" || typeof raw === "bigint") return String(raw);
  return shortened(JSON.stringify(raw) ?? String(raw));
}
