// `yo rails-aws:eject <part>`: copies a part's built-in templates into the project to customise.
import Generator from "yeoman-generator";
import { ejectPart } from "../../core/eject.js";
import { partNames } from "../../core/parts.js";
import { optionsOf, writeDecided } from "../adapter.js";

export default class EjectGenerator extends Generator {
  constructor(args: string[], opts: Record<string, unknown>) {
    super(args, opts as never);
    this.argument("part", {
      type: String,
      required: true,
      description: `The part whose templates to copy: ${partNames.join(", ")}`,
    });
    this.option("force", {
      type: Boolean,
      description: "Replace copies you already changed",
    });
  }

  writing() {
    const options = optionsOf(this);
    const ejection = ejectPart(this.destinationRoot(), String(options.part), {
      force: Boolean(options.force),
    });
    for (const file of ejection.files) writeDecided(this, file);
    for (const path of ejection.kept)
      this.log(`kept ${path}: yours, changed (--force replaces it)`);
  }
}
