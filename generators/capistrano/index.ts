import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(["capistrano"], { interactive: false });
