import { appendFileSync } from "node:fs";
import { join } from "node:path";

// An if without its end: the layout no longer compiles.
export default (dir: string) =>
  appendFileSync(
    join(dir, "app/views/layouts/application.html.erb"),
    "<% if true %>\n",
  );
