import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(["rails"], { interactive: false });
