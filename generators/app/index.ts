import { partNames } from "../../core/parts.js";
import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(partNames, { interactive: true });
