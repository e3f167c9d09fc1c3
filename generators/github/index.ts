import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(["github"], { interactive: false });
