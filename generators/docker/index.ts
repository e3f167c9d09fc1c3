import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(["docker"], { interactive: false });
