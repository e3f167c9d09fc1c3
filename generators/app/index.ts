import { partNames } from "../../core/parts/registry.js";
import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(partNames, { interactive: true });
