// Certificates made for one run: the load balancer stand-in's, and the CA that signs Redis's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./process.js";

/** A self-signed certificate for `subject` (P-256, one day) as `dir`/`name`.key and .crt. */
export async function selfSigned(
  dir: string,
  name: string,
  subject: string,
): Promise<{ key: string; cert: string }> {
  await run(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      subject,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
    ],
    { cwd: dir },
  );
  return {
    key: readFileSync(join(dir, `${name}.key`), "utf8"),
    cert: readFileSync(join(dir, `${name}.crt`), "utf8"),
  };
}
