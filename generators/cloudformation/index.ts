import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(["cloudformation"], { interactive: false });
