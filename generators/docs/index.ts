import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(["docs"], { interactive: false });
