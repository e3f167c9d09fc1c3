// `yo rails-aws:eject <part>`: copies a part's built-in templates into the project to customise.
import Generator from "yeoman-generator";
import { ejectParts } from "../../core/run.js";
import { partNames } from "../../core/parts/registry.js";
import { finish, labelOf, optionsOf } from "../adapter.js";

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

  async writing() {
    const options = optionsOf(this);
    finish(
      this,
      await ejectParts({
        destination: this.destinationRoot(),
        destinationLabel: labelOf(this),
        part: String(options.part),
        force: Boolean(options.force),
      }),
    );
  }
}
